from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosuresConfig(AppConfig):
    name = "disclosures"
    verbose_name = _("Double publicity (licensing and penalties)")

    def ready(self):
        from core.calendar import register_deadline_recomputer

        from .services import recompute_publish_deadlines

        register_deadline_recomputer("disclosures", recompute_publish_deadlines)
