from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "sharing"
    verbose_name = _("National push")

    def ready(self):
        from core.publishing import on_announcement

        from .services import outbox_enqueue

        on_announcement(outbox_enqueue)
