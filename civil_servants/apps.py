from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CivilServantsConfig(AppConfig):
    name = "civil_servants"
    verbose_name = _("Civil servant credit files")
    default_auto_field = "django.db.models.BigAutoField"
