from django.urls import path

from . import captcha, views

app_name = "core"

urlpatterns = [
    path("ledger/", views.ledger, name="ledger"),
    path("captcha/new/", captcha.captcha_new, name="captcha_new"),
    path("captcha/<str:token>.png", captcha.captcha_image, name="captcha_image"),
    path("staff/audit/", views.audit_list, name="audit_list"),
    path("staff/audit/<int:pk>/", views.audit_detail, name="audit_detail"),
    path("staff/notifications/", views.notification_list, name="notifications"),
    path("staff/notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("staff/calendar/", views.calendar_admin, name="calendar"),
    path("staff/calendar/<int:year>/complete/", views.calendar_year_complete, name="calendar_year_complete"),
    path("staff/publicity-rules/", views.publicity_rules, name="publicity_rules"),
]
