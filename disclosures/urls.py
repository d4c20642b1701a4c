from . import views  # noqa: F401  (package of view modules, one per audience)
from .views import public, staff

app_name = "disclosures"

urlpatterns = [*public.urlpatterns, *staff.urlpatterns]
