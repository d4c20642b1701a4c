"""The staff side of complaints: the work queues (queues.py), a complaint's page with its acts
(detail.py), registering a call, letter or visit, the attachment download and the deadline rules
(intake.py)."""

from django.urls import path

from .detail import act_patterns, complaint_detail, identity_reveal
from .intake import attachment_download, complaint_register, deadline_rule_edit, deadline_rules
from .queues import complaint_list

urlpatterns = [
    path("staff/complaints/", complaint_list, name="staff_list"),
    path("staff/complaints/new/", complaint_register, name="staff_register"),
    path("staff/complaints/deadlines/", deadline_rules, name="staff_deadlines"),
    path("staff/complaints/deadlines/<str:kind>/", deadline_rule_edit, name="staff_deadline_edit"),
    path("staff/complaints/attachments/<int:pk>/", attachment_download, name="staff_attachment"),
    path("staff/complaints/<int:pk>/", complaint_detail, name="staff_detail"),
    path("staff/complaints/<int:pk>/identity/", identity_reveal, name="staff_identity"),
    *act_patterns,
]
