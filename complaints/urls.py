from .views import public, staff, statistics

app_name = "complaints"

urlpatterns = [*public.urlpatterns, *staff.urlpatterns, *statistics.urlpatterns]
