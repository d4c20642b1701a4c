from . import views  # noqa: F401  (package of view modules, one per audience)
from .views import exports, imports, public, staff

app_name = "disclosures"

# Imports and exports first: their fixed paths must win over staff's `staff/disclosures/<str:kind>/`.
urlpatterns = [*imports.urlpatterns, *exports.urlpatterns, *public.urlpatterns, *staff.urlpatterns]
