from .views import imports, own, public, staff

app_name = "commitments"

urlpatterns = [*imports.urlpatterns, *public.urlpatterns, *staff.urlpatterns, *own.urlpatterns]
