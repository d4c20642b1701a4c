"""URLs of the stand-in run alone: the same paths as inside the portal, under /mock-national/."""

from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(url="/mock-national/")),
    path("mock-national/", include("mock_national.urls")),
]
