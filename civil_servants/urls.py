from .views import assessment, education, files, self_service

app_name = "civil_servants"

urlpatterns = [*files.urlpatterns, *education.urlpatterns, *assessment.urlpatterns, *self_service.urlpatterns]
