from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosuresConfig(AppConfig):
    name = "disclosures"
    verbose_name = _("Double publicity (licensing and penalties)")

    def ready(self):
        from core.calendar import register_deadline_recomputer
        from core.publishing import Publishable, register_publishable

        from . import indicators, national
        from .models import LicenseDisclosure, PenaltyDisclosure
        from .services import recompute_publish_deadlines

        register_deadline_recomputer("disclosures", recompute_publish_deadlines)
        indicators.register()
        for kind, model in (("penalty", PenaltyDisclosure), ("license", LicenseDisclosure)):
            register_publishable(
                Publishable(
                    record_type=model.record_type,
                    model=model,
                    national_document=lambda record, kind=kind: national.to_national(record, kind),
                    public_document=lambda record, kind=kind: national.to_national(record, kind, mask=True),
                    documents=lambda record, kind=kind: national.to_documents(record, kind),
                    owner=lambda record: record.authority,
                    related=("authority", "data_source"),
                )
            )
