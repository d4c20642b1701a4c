from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MockNationalConfig(AppConfig):
    name = "mock_national"
    verbose_name = _("National platform stand-in")
    default_auto_field = "django.db.models.BigAutoField"
