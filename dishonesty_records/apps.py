from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DishonestyRecordsConfig(AppConfig):
    name = "dishonesty_records"
    verbose_name = _("Failure-of-integrity records")

    def ready(self):
        from core.calendar import register_deadline_recomputer
        from core.publishing import Publishable, register_publishable
        from core.sweeps import on_publicity_end

        from . import indicators, national
        from .models import DishonestyRecord
        from .services import close_repairs_of_ended_records, recompute_deadlines

        register_deadline_recomputer("dishonesty_records", recompute_deadlines)
        indicators.register()
        on_publicity_end(DishonestyRecord.record_type, close_repairs_of_ended_records)
        # The document holds nothing to mask: a civil servant's record carries only what may be published.
        # The sanctions shown with a record are part of it (national.shown_sanctions).
        register_publishable(
            Publishable(
                record_type=DishonestyRecord.record_type,
                model=DishonestyRecord,
                national_document=national.to_national,
                public_document=national.to_national,
                owner=lambda record: record.subject_organization,
                related=("subject_organization", "civil_servant", "authority"),
                prefetch=("sanctions",),
            )
        )
