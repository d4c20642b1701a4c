from django.urls import path

from . import views

app_name = "mock_national"
urlpatterns = [
    path("", views.home, name="home"),
    path("api/records/", views.records, name="records"),
    path("api/receipts/", views.receipts, name="receipts"),
    path("api/counts/", views.counts, name="counts"),
]
