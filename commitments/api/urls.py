from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import PledgeEvidenceDownloadView, PledgeViewSet

router = SimpleRouter()
router.register("pledges", PledgeViewSet, basename="pledge")

urlpatterns = [
    *router.urls,
    path("pledge-evidence/<int:pk>/", PledgeEvidenceDownloadView.as_view(), name="pledge-evidence-download"),
]
