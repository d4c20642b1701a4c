from .views import assessment, education, eligibility, exam, files, self_service

app_name = "civil_servants"

urlpatterns = [
    *files.urlpatterns,
    *education.urlpatterns,
    *assessment.urlpatterns,
    *eligibility.urlpatterns,
    *exam.urlpatterns,
    *self_service.urlpatterns,
]
