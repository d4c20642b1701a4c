from .views import actions, own, public, staff

app_name = "dishonesty_records"

urlpatterns = [*public.urlpatterns, *staff.urlpatterns, *actions.urlpatterns, *own.urlpatterns]
