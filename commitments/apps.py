from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    name = "commitments"
    verbose_name = _("Credit pledges")

    def ready(self):
        from core.publishing import Publishable, register_publishable

        from . import national
        from .models import Pledge

        register_publishable(
            Publishable(
                record_type=Pledge.record_type,
                model=Pledge,
                national_document=national.to_national,
                public_document=national.to_national,
                owner=lambda pledge: pledge.organization,
                related=("organization", "parent"),
            )
        )
