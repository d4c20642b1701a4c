from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "sharing"
    verbose_name = _("National push")

    def ready(self):
        from core import outbound
        from core.publishing import on_announcement

        from .services import outbound_enqueue, outbox_enqueue

        on_announcement(outbox_enqueue)
        outbound.set_backend(outbound_enqueue)
