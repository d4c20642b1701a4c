"""Complaint pages: statistics (being built)."""

urlpatterns: list = []
