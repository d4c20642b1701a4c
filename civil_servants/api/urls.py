from django.urls import path

from . import eligibility, files
from .views import ExamEligibilityView

urlpatterns = [
    path("exam-eligibility/", ExamEligibilityView.as_view(), name="exam-eligibility"),
    *files.urlpatterns,
    *eligibility.urlpatterns,
]
