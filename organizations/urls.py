from django.urls import path

from . import views

app_name = "organizations"

urlpatterns = [
    path("organizations/", views.organization_directory, name="directory"),
    path("staff/civil-servants/", views.civil_servant_list, name="civil_servant_list"),
    path("staff/civil-servants/new/", views.civil_servant_edit, name="civil_servant_create"),
    path("staff/civil-servants/<int:pk>/", views.civil_servant_detail, name="civil_servant_detail"),
    path("staff/civil-servants/<int:pk>/edit/", views.civil_servant_edit, name="civil_servant_edit"),
    path("staff/api-clients/", views.api_client_list, name="api_clients"),
    path("staff/api-clients/<int:pk>/revoke/", views.api_client_revoke, name="api_client_revoke"),
]
