"""The complainant's side (code + secret: find, add information, rate once) and the privacy matrix: who
sees a complaint at all, and who its complainant — intake officers; handlers and supervisors only with
consent; never the organization complained about without consent; every reading logged."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from complaints import access, services
from complaints.choices import EventKind, Status
from complaints.models import Complaint
from core.models import AuditEvent
from tests.complaints.factories import cast_for, file_complaint
from tests.dishonesty_records.factories import Clock

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def cast(world, monkeypatch):
    Clock(monkeypatch, D(2026, 7, 1))
    return cast_for(world)


def test_the_code_and_the_secret_find_the_complaint_and_nothing_else(world, cast):
    filed = file_complaint(world.department)
    code = filed.complaint.tracking_code
    assert services.complaint_find(code=code.lower(), secret=filed.secret).pk == filed.complaint.pk
    assert services.complaint_find(code=code, secret="WRONGSECRT") is None
    assert services.complaint_find(code="HZ-00000-00000", secret=filed.secret) is None
    assert services.complaint_find(code="", secret="") is None


def test_the_complainant_adds_information_while_open_and_rates_once_after_the_reply(world, cast):
    complaint = file_complaint(world.department).complaint
    services.complaint_add_information(complaint=complaint, text="补充：当天是九月十二日上午。")
    with pytest.raises(ValidationError):
        services.complaint_rate(complaint=complaint, satisfaction=5)  # no reply yet
    complaint = services.complaint_accept(
        complaint=complaint, handling_organization=world.department, actor=cast["intake"]
    )
    complaint = services.complaint_reply(complaint=complaint, text="经核查，已整改并告知。", actor=cast["handler"])
    with pytest.raises(ValidationError):
        services.complaint_add_information(complaint=complaint, text="还有一点补充的内容。")
    with pytest.raises(ValidationError) as caught:
        services.complaint_rate(complaint=complaint, satisfaction=9)
    assert "satisfaction" in caught.value.message_dict
    complaint = services.complaint_rate(complaint=complaint, satisfaction=4, comment="处理及时")
    assert complaint.satisfaction == 4
    with pytest.raises(ValidationError):
        services.complaint_rate(complaint=complaint, satisfaction=1)
    assert list(complaint.events.filter(public=True).values_list("kind", flat=True)) == [
        EventKind.FILED,
        EventKind.INFORMATION_ADDED,
        EventKind.ACCEPTED,
        EventKind.ASSIGNED,
        EventKind.REPLIED,
        EventKind.RATED,
    ]


def seen_by(user):
    return set(Complaint.objects.for_user(user).values_list("pk", flat=True))


def test_who_sees_a_complaint(world, cast):
    complaint = file_complaint(world.department).complaint
    assert seen_by(cast["intake"]) == {complaint.pk}
    assert seen_by(cast["supervisor"]) == {complaint.pk}  # over the organization complained about
    assert seen_by(cast["handler"]) == set()  # not assigned yet
    assert seen_by(cast["other_staff"]) == seen_by(cast["other_supervisor"]) == set()
    assert seen_by(None) == set()
    services.complaint_accept(complaint=complaint, handling_organization=world.other_department, actor=cast["intake"])
    assert seen_by(cast["other_staff"]) == {complaint.pk}  # now it handles it
    assert seen_by(cast["other_supervisor"]) == {complaint.pk}
    assert seen_by(cast["handler"]) == set()  # the body complained about does not handle it


@pytest.mark.parametrize("consent", [False, True])
def test_the_privacy_matrix_of_the_identity(world, cast, consent):
    complaint = file_complaint(world.department, consent_to_share=consent).complaint
    complaint = services.complaint_accept(
        complaint=complaint, handling_organization=world.department, actor=cast["intake"]
    )
    expected = {
        "intake": True,
        "handler": consent,  # handling it, and the body complained about
        "head": consent,
        "supervisor": consent,
        "other_staff": False,
        "other_supervisor": False,
    }
    for name, allowed in expected.items():
        shown = access.identity_of(cast[name], complaint, reason="核实投诉情况")
        assert (shown is not None) == allowed, name
        if allowed:
            assert shown["name"] == "张三" and shown["phone"] == "13800000000"
    readings = AuditEvent.objects.filter(action="complaints.identity.view")
    assert readings.count() == sum(expected.values())
    assert all("张三" not in str(row.after) for row in readings)
    with pytest.raises(ValidationError):
        access.identity_of(cast["intake"], complaint, reason="")  # a reading needs its purpose


def test_an_anonymous_complaint_has_no_identity_for_anyone(world, cast):
    complaint = file_complaint(world.department, anonymous=True, name="", phone="").complaint
    assert access.identity_of(cast["intake"], complaint, reason="核实") is None
    assert complaint.status == Status.RECEIVED


def test_masked_names():
    assert access.masked_name("王小明") == "王**" and access.masked_name("李") == "李*" and access.masked_name("") == ""
