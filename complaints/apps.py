from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Public complaints")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import hotline, indicators

        hotline.register()  # the 12345 hotline's status updates (core.outbound)
        indicators.register()  # replies on time, for evaluations and measured pledges (core.indicators)
