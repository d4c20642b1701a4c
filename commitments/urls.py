from .views import imports, public, staff

app_name = "commitments"

urlpatterns = [*imports.urlpatterns, *public.urlpatterns, *staff.urlpatterns]
