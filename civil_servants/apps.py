from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def recompute_on_announcement(record, version, described) -> None:
    """A published change about a civil servant (a dishonesty record, their pledge) moves their integrity
    score at once, after the publishing transaction commits; the nightly run catches what is not announced."""
    from .services.assessment import rescore_soon

    rescore_soon([getattr(record, "civil_servant_id", None)])


class CivilServantsConfig(AppConfig):
    name = "civil_servants"
    verbose_name = _("Civil servant credit files")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core.publishing import on_announcement

        on_announcement(recompute_on_announcement)
