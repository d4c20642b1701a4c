"""What the national side refuses, the pusher marks rejected and tells the department; what the portal
publishes today, the national side's own rules accept (real stand-in, real HTTP)."""

import pytest

from core.models import Notification
from mock_national.models import ReceivedRecord
from sharing import services
from sharing.choices import AttemptOutcome, OutboxStatus
from sharing.models import OutboxEntry
from tests.disclosures.factories import clerk_and_reviewer, make_penalty
from tests.dishonesty_records.factories import civil_servant_in, make_record, people_for
from tests.factories import make_organization

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def city():
    return make_organization(name="规则市人民政府")


@pytest.fixture
def department(city):
    return make_organization(parent=city, name="规则市住房和城乡建设局")


def test_a_record_type_the_platform_does_not_know_is_rejected_with_its_code_and_the_rest_delivered(
    department, national
):
    clerk, reviewer = clerk_and_reviewer(department)
    unknown, known = make_penalty(department), make_penalty(department)
    # A later app's record type that the national platform has no catalogue entry for yet.
    OutboxEntry.objects.filter(record_id=unknown.pk).update(record_type="pledges.pledge")

    report = services.push_pending(budget_seconds=10, platform=national)

    assert (report.batches, report.delivered, report.rejected) == (1, 1, 1)
    refused = OutboxEntry.objects.get(record_id=unknown.pk)
    assert refused.status == OutboxStatus.REJECTED
    assert [reason["field"] for reason in refused.rejection_reasons] == ["record_type"]
    assert "unknown_record_type" in refused.last_error
    assert refused.tries.get().outcome == AttemptOutcome.REJECTED
    assert OutboxEntry.objects.get(record_id=known.pk).status == OutboxStatus.DELIVERED
    told = Notification.objects.filter(kind="sharing.rejected")
    assert set(told.values_list("recipient", flat=True)) == {clerk.pk, reviewer.pk}
    assert services.push_pending(budget_seconds=5, platform=national).batches == 0  # a data problem: no retry


def test_published_dishonesty_records_of_a_body_and_a_civil_servant_pass_the_platforms_rules(
    department, city, national
):
    people = people_for(department, city)
    roles = {"proposer": people["staff"], "subject_actor": people["reviewer"], "supervisor": people["supervisor"]}
    body = make_record(department, until="published", **roles)
    person = make_record(None, until="published", civil_servant=civil_servant_in(department), **roles)

    report = services.push_pending(budget_seconds=10, platform=national)

    assert (report.delivered, report.rejected) == (2, 0), list(OutboxEntry.objects.values("last_error"))
    received = {entry.record_id: entry for entry in ReceivedRecord.objects.filter(record_type=body.record_type)}
    assert received[str(body.pk)].accepted and received[str(body.pk)].data["ZWSX_ZTLB"] == "政府机构"
    assert received[str(person.pk)].accepted and received[str(person.pk)].data["ZWSX_ZTLB"] == "公务员"


def test_a_dishonesty_document_missing_a_required_field_is_rejected_naming_it(department, city, national):
    people = people_for(department, city)
    record = make_record(
        department,
        until="published",
        proposer=people["staff"],
        subject_actor=people["reviewer"],
        supervisor=people["supervisor"],
    )
    entry = OutboxEntry.objects.select_related("publication").get(record_id=record.pk)
    # As if the wire format lost a field: the document pushed is the one stored with the version.
    document = {**entry.publication.payload, "ZWSX_SSZY": ""}
    type(entry.publication).objects.filter(pk=entry.publication_id).update(payload=document)

    services.push_pending(budget_seconds=10, platform=national)

    entry.refresh_from_db()
    assert entry.status == OutboxStatus.REJECTED
    assert [reason["field"] for reason in entry.rejection_reasons] == ["ZWSX_SSZY"]
