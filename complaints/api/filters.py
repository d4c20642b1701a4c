"""API filters for complaints: they narrow the caller's complaints (Complaint.objects.for_user), never widen them."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.api.filters import IdFilter

from ..choices import Category, Status
from ..models import Complaint


class ComplaintFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("Status"))
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("Category"))
    organization = IdFilter(field_name="organization_id", label=_("The organization complained about (id)"))
    received_after = django_filters.DateFilter(
        field_name="received_on", lookup_expr="gte", label=_("Received on or after")
    )
    received_before = django_filters.DateFilter(
        field_name="received_on", lookup_expr="lte", label=_("Received on or before")
    )

    class Meta:
        model = Complaint
        fields = ["status", "category", "organization", "received_after", "received_before"]
