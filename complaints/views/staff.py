"""Complaint pages: staff (being built)."""

urlpatterns: list = []
