from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.registry import publishables

BIGINT_MAX = 2**63 - 1


class RecordLookupForm(forms.Form):
    """Which record to check against the ledger: a registered record type and the record's number."""

    record_type = forms.ChoiceField(label=_("Record type"))
    record_id = forms.IntegerField(
        label=_("Record number"),
        min_value=1,
        max_value=BIGINT_MAX,
        help_text=_("The number at the end of the record's address, e.g. 123 in /disclosures/penalties/123/."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read at each request: apps register their record types when they are ready.
        self.fields["record_type"].choices = record_type_choices()


def record_type_choices() -> list[tuple[str, str]]:
    return [(p.record_type, capfirst(p.model._meta.verbose_name)) for p in publishables()]
