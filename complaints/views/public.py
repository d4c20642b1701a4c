"""Complaint pages: public (being built)."""

urlpatterns: list = []
