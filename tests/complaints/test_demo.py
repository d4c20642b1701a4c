"""The demo complaints: one in every state, made through the services, printed with code and secret."""

import io

import pytest
from django.core.management import call_command

from complaints.choices import Status
from complaints.models import Complaint
from complaints.services import complaint_find
from dishonesty_records.models import DishonestyRecord

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_complaint_in_every_state_and_prints_how_to_track_them():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    statuses = set(Complaint.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    assert Complaint.objects.filter(extension_days__gt=0).exists()
    assert Complaint.objects.filter(escalated_at__isnull=False).exists()
    assert Complaint.objects.filter(satisfaction__isnull=False).exists()
    substantiated = Complaint.objects.get(dishonesty_record_id__isnull=False)
    assert DishonestyRecord.objects.filter(pk=substantiated.dishonesty_record_id).exists()
    printed = [line.split() for line in out.getvalue().splitlines() if line.strip().startswith("HZ-")]
    assert len(printed) == Complaint.objects.count()
    code, secret = printed[0][:2]
    assert complaint_find(code=code, secret=secret) is not None
    call_command("seed_demo", stdout=io.StringIO())
    assert Complaint.objects.count() == len(printed)  # run again: nothing new
