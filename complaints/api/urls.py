"""The complaints API under /api/v1/ (being built)."""

urlpatterns: list = []
