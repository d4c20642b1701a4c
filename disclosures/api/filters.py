import django_filters
from django.db import connection
from django.utils.translation import gettext_lazy as _

from core.publication import PublicationStatus
from core.search import name_search_q

from ..choices import PenaltyKind
from ..models import LicenseDisclosure, PenaltyDisclosure


class DisclosureFilter(django_filters.FilterSet):
    subject_uscc = django_filters.CharFilter(field_name="subject_uscc", label=_("Unified social credit code (exact)"))
    subject_name = django_filters.CharFilter(method="filter_subject_name", label=_("Subject name contains"))
    authority = django_filters.NumberFilter(field_name="authority_id", label=_("Deciding authority (organization id)"))
    decided_after = django_filters.DateFilter(
        field_name="decided_on", lookup_expr="gte", label=_("Decided on or after")
    )
    decided_before = django_filters.DateFilter(
        field_name="decided_on", lookup_expr="lte", label=_("Decided on or before")
    )
    status = django_filters.ChoiceFilter(choices=PublicationStatus.choices, label=_("Status (staff and clients)"))

    def filter_subject_name(self, queryset, name, value):
        model = queryset.model
        return queryset.filter(
            name_search_q(value, grams_column="subject_grams", name_field="subject_name", table=model._meta.db_table)
        )

    def filter_queryset(self, queryset):
        if self.form.cleaned_data.get("subject_uscc"):
            self.form.cleaned_data["subject_uscc"] = self.form.cleaned_data["subject_uscc"].strip().upper()
        return super().filter_queryset(queryset)


class PenaltyFilter(DisclosureFilter):
    penalty_kind = django_filters.ChoiceFilter(
        choices=PenaltyKind.choices, method="filter_penalty_kind", label=_("Penalty kind")
    )

    class Meta:
        model = PenaltyDisclosure
        fields = [
            "subject_uscc",
            "subject_name",
            "authority",
            "decided_after",
            "decided_before",
            "status",
            "penalty_kind",
        ]

    def filter_penalty_kind(self, queryset, name, value):
        if connection.vendor == "postgresql":
            return queryset.filter(penalty_kinds__contains=[value])
        return queryset.filter(penalty_kinds__icontains=f'"{value}"')


class LicenseFilter(DisclosureFilter):
    class Meta:
        model = LicenseDisclosure
        fields = ["subject_uscc", "subject_name", "authority", "decided_after", "decided_before", "status"]
