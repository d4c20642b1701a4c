from rest_framework.routers import SimpleRouter

from .views import LicenseViewSet, PenaltyViewSet

router = SimpleRouter()
router.register("disclosures/penalties", PenaltyViewSet, basename="penalty")
router.register("disclosures/licenses", LicenseViewSet, basename="license")
urlpatterns = router.urls
