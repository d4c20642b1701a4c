"""generate_complaints with a small count: rows, consistent dates, the secret a benchmark can re-derive,
the statistics precomputed at the end."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F, Sum

from complaints import services
from complaints.choices import EventKind, Status
from complaints.management.commands.generate_complaints import synthetic_secret
from complaints.models import Complainant, Complaint, ComplaintEvent, ComplaintMonthly
from tests.dishonesty_records.factories import Clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated(world, monkeypatch):
    Clock(monkeypatch, datetime.date(2026, 7, 1))
    out = StringIO()
    call_command("generate_complaints", count=400, seed=7, batch_size=150, stdout=out)
    return out.getvalue()


def test_rows_and_their_spread(generated):
    assert Complaint.objects.count() == 400
    named = Complainant.objects.count()
    assert 180 <= named <= 300  # ~60 % give their name
    assert Complaint.objects.filter(anonymous=False).count() == named
    assert ComplaintEvent.objects.filter(kind=EventKind.FILED).count() == 400
    statuses = set(Complaint.objects.values_list("status", flat=True))
    assert {Status.RECEIVED, Status.ACCEPTED, Status.REPLIED, Status.DECLINED} <= statuses
    first, last = (
        min(Complaint.objects.values_list("received_on", flat=True)),
        max(Complaint.objects.values_list("received_on", flat=True)),
    )
    assert last <= datetime.date(2026, 7, 1) and (last - first).days > 700
    assert "400 complaints" in generated


def test_dates_and_deadlines_are_consistent(generated):
    complaints = Complaint.objects.all()
    assert not complaints.filter(accept_due__lt=F("received_on") + datetime.timedelta(days=15)).exists()
    assert not complaints.filter(accepted_on__lt=F("received_on")).exists()
    assert not complaints.filter(handle_due__lt=F("accepted_on") + datetime.timedelta(days=60)).exists()
    assert not complaints.filter(replied_on__lt=F("accepted_on")).exists()
    assert not complaints.filter(replied_on__gt=datetime.date(2026, 7, 1)).exists()
    assert not complaints.filter(status=Status.ACCEPTED, accepted_on__isnull=True).exists()
    assert not complaints.filter(status=Status.REPLIED, replied_on__isnull=True).exists()
    assert not complaints.filter(status=Status.RECEIVED, accepted_on__isnull=False).exists()
    assert not complaints.filter(satisfaction__isnull=False, replied_on__isnull=True).exists()
    merged = complaints.filter(status=Status.MERGED)
    assert not merged.filter(merged_into__isnull=True).exists()


def test_a_benchmark_can_follow_any_generated_complaint(generated):
    complaint = Complaint.objects.order_by("?").first()
    found = services.complaint_find(code=complaint.tracking_code, secret=synthetic_secret(complaint.tracking_code, 7))
    assert found == complaint


def test_the_statistics_are_precomputed(generated):
    assert ComplaintMonthly.objects.aggregate(n=Sum("received"))["n"] == 400
