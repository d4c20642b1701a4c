"""API filters: declared here for validation and the OpenAPI schema; applied by the same selector
as the public pages, so both get its fast paths (common words, old date ranges)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.api.filtering import DeclaredFilterSet
from core.api.filters import IdFilter
from core.publication import PublicationStatus

from ..choices import PenaltyKind
from ..models import LicenseDisclosure, PenaltyDisclosure
from ..selectors import MAX_SEARCH_WORDS, filter_by_subject_name, filter_disclosures


class DisclosureFilter(DeclaredFilterSet):
    subject_uscc = django_filters.CharFilter(label=_("Unified social credit code (exact)"), method="defer")
    subject_name = django_filters.CharFilter(label=_("Subject name contains"), method="defer")
    authority = IdFilter(label=_("Deciding authority (organization id)"), method="defer")
    decided_after = django_filters.DateFilter(label=_("Decided on or after"), method="defer")
    decided_before = django_filters.DateFilter(label=_("Decided on or before"), method="defer")
    status = django_filters.ChoiceFilter(
        choices=PublicationStatus.choices, label=_("Status (staff and clients)"), method="defer"
    )

    def defer(self, queryset, name, value):
        return queryset  # applied together in filter_queryset (the schema still needs a method here)

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        queryset = filter_disclosures(
            queryset,
            model=queryset.model,
            subject_uscc=data.get("subject_uscc") or None,
            authority=data.get("authority") or None,
            penalty_kind=data.get("penalty_kind") or None,
            decided_after=data.get("decided_after"),
            decided_before=data.get("decided_before"),
        )
        if data.get("subject_name"):
            words = data["subject_name"].split()[:MAX_SEARCH_WORDS]
            queryset = filter_by_subject_name(queryset, model=queryset.model, words=words)
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        return queryset


class PenaltyFilter(DisclosureFilter):
    penalty_kind = django_filters.ChoiceFilter(choices=PenaltyKind.choices, label=_("Penalty kind"), method="defer")

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


class LicenseFilter(DisclosureFilter):
    class Meta:
        model = LicenseDisclosure
        fields = ["subject_uscc", "subject_name", "authority", "decided_after", "decided_before", "status"]
