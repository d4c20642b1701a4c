from .views import actions, public, staff

app_name = "dishonesty_records"

urlpatterns = [*public.urlpatterns, *staff.urlpatterns, *actions.urlpatterns]
