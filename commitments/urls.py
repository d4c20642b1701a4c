from .views import public, staff

app_name = "commitments"

urlpatterns = [*public.urlpatterns, *staff.urlpatterns]
