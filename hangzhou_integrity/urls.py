from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.views import healthz

api_v1 = [
    path("", include("organizations.api.urls")),
    path("", include("disclosures.api.urls")),
    path("", include("dishonesty_records.api.urls")),
    path("commitments/", include("commitments.api.urls")),
    path("", include("civil_servants.api.urls")),
    path("", include("complaints.api.urls")),
    path("", include("core.api.urls")),
]

urlpatterns = [
    # First: an API request then matches after one prefix test instead of after every page pattern.
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("", include("portal.urls")),
    path("", include("core.urls")),
    path("", include("organizations.urls")),
    path("", include("disclosures.urls")),
    path("", include("dishonesty_records.urls")),
    path("", include("commitments.urls")),
    path("", include("civil_servants.urls")),
    path("", include("complaints.urls")),
    path("open311/", include(("complaints.open311.urls", "open311"), namespace="open311")),
    path("", include("sharing.urls")),
    path("healthz", healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI sets inline styles; the relaxation is for this page only.
    path(
        "api/docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
]

if settings.MOCK_NATIONAL_ENABLED:
    # The stand-in for the national platform: "the other side", reached by the pusher only over HTTP.
    urlpatterns.append(path("mock-national/", include("mock_national.urls")))

handler403 = "portal.views.error_403"
handler404 = "portal.views.error_404"
handler500 = "portal.views.error_500"
