"""Open311 GeoReport v2 under /open311/ (being built)."""

urlpatterns: list = []
