from django.urls import path

from . import views

app_name = "sharing"

urlpatterns = [
    path("sharing/", views.dashboard, name="dashboard"),
    path("sharing/records/<str:record_type>/<int:record_id>/", views.record_timeline, name="record_timeline"),
    path("sharing/replay/", views.replay, name="replay"),
    path("sharing/outbound/<int:pk>/replay/", views.outbound_replay, name="outbound_replay"),
]
