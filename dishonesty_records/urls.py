app_name = "dishonesty_records"

urlpatterns: list = []
