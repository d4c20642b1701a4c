"""API filters, declared for validation and the OpenAPI schema. They narrow the caller's queryset; they never
widen it (the public sees published records whatever `status` or `stage` it asks for)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.api.filters import IdFilter
from core.identifiers import normalize_uscc
from core.publication import PublicationStatus

from ..choices import (
    Category,
    ObligationKind,
    ObligationStatus,
    RectificationState,
    RepairStatus,
    SanctionKind,
    SanctionStatus,
    Severity,
    Stage,
    SubjectKind,
)
from ..models import DishonestyRecord, Obligation, RepairApplication, Sanction


class DishonestyRecordFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("Category"))
    subject_kind = django_filters.ChoiceFilter(choices=SubjectKind.choices, label=_("Subject kind"))
    severity = django_filters.ChoiceFilter(choices=Severity.choices, label=_("Severity"))
    stage = django_filters.ChoiceFilter(choices=Stage.choices, label=_("Stage of the determination"))
    status = django_filters.ChoiceFilter(choices=PublicationStatus.choices, label=_("Publication status"))
    rectification_state = django_filters.ChoiceFilter(choices=RectificationState.choices, label=_("Rectification"))
    subject_organization = IdFilter(
        field_name="subject_organization_id", label=_("The body, or the civil servant's body (organization id)")
    )
    uscc = django_filters.CharFilter(
        method="filter_uscc", label=_("Unified social credit code of the body (or the civil servant's body)")
    )
    determined_after = django_filters.DateFilter(
        field_name="determined_on", lookup_expr="gte", label=_("Determined on or after")
    )
    determined_before = django_filters.DateFilter(
        field_name="determined_on", lookup_expr="lte", label=_("Determined on or before")
    )

    class Meta:
        model = DishonestyRecord
        fields = [
            "category",
            "subject_kind",
            "severity",
            "stage",
            "status",
            "rectification_state",
            "subject_organization",
            "uscc",
            "determined_after",
            "determined_before",
        ]

    def filter_uscc(self, queryset, name, value):
        return queryset.filter(subject_organization__uscc=normalize_uscc(value))


class ObligationFilter(django_filters.FilterSet):
    record = IdFilter(field_name="record_id", label=_("Record (id)"))
    kind = django_filters.ChoiceFilter(choices=ObligationKind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=ObligationStatus.choices, label=_("Status"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Past due and not handed in"))

    class Meta:
        model = Obligation
        fields = ["record", "kind", "status", "overdue"]

    def filter_overdue(self, queryset, name, value):
        overdue = Obligation.objects.overdue().values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)


class RepairApplicationFilter(django_filters.FilterSet):
    record = IdFilter(field_name="record_id", label=_("Record (id)"))
    status = django_filters.ChoiceFilter(choices=RepairStatus.choices, label=_("Status"))

    class Meta:
        model = RepairApplication
        fields = ["record", "status"]


class SanctionFilter(django_filters.FilterSet):
    record = IdFilter(field_name="record_id", label=_("Record (id)"))
    kind = django_filters.ChoiceFilter(choices=SanctionKind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=SanctionStatus.choices, label=_("Status"))

    class Meta:
        model = Sanction
        fields = ["record", "kind", "status"]
