from django.urls import path

from .views import ExamEligibilityView

urlpatterns = [path("exam-eligibility/", ExamEligibilityView.as_view(), name="exam-eligibility")]
