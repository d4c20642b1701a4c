from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import (
    CivilServantIntegrityView,
    DishonestyRecordViewSet,
    EvidenceDownloadView,
    ObligationViewSet,
    OrganizationIntegrityView,
    RepairApplicationViewSet,
    SanctionViewSet,
)

router = SimpleRouter()
router.register("dishonesty-records", DishonestyRecordViewSet, basename="dishonesty-record")
router.register("dishonesty-obligations", ObligationViewSet, basename="dishonesty-obligation")
router.register("dishonesty-repairs", RepairApplicationViewSet, basename="dishonesty-repair")
router.register("dishonesty-sanctions", SanctionViewSet, basename="dishonesty-sanction")

urlpatterns = [
    *router.urls,
    path("dishonesty-evidence/<int:pk>/", EvidenceDownloadView.as_view(), name="dishonesty-evidence-download"),
    # Here, not in organizations.api: organizations must not import dishonesty_records.
    path("organizations/<int:pk>/integrity/", OrganizationIntegrityView.as_view(), name="organization-integrity"),
    path("civil-servants/<int:pk>/integrity/", CivilServantIntegrityView.as_view(), name="civil-servant-integrity"),
]
