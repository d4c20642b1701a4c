from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import OutboxStatus


class OutboxFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *OutboxStatus.choices], required=False)
    record_id = forms.IntegerField(label=_("Record id"), required=False, min_value=1)

    def filter(self, entries):
        data = self.cleaned_data
        if data.get("status"):
            entries = entries.filter(status=data["status"])
        if data.get("record_id"):
            entries = entries.filter(record_id=data["record_id"])
        return entries
