from .views import assessment, education, eligibility, files, self_service

app_name = "civil_servants"

urlpatterns = [
    *files.urlpatterns,
    *education.urlpatterns,
    *assessment.urlpatterns,
    *eligibility.urlpatterns,
    *self_service.urlpatterns,
]
