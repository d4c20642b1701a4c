from django.urls import path

from .views import LedgerEntriesView, LedgerHeadView, LedgerRecordView

urlpatterns = [
    path("ledger/", LedgerHeadView.as_view(), name="ledger-head"),
    path("ledger/entries/", LedgerEntriesView.as_view(), name="ledger-entries"),
    path("ledger/records/<str:record_type>/<int:record_id>/", LedgerRecordView.as_view(), name="ledger-record"),
]
