"""What the public sees of a record's sanctions is in its ledgered and pushed documents, and every change
to it is a new version: ledger entry and outbox row in the same transaction, so the ledger keeps verifying."""

import datetime
import hashlib
import hmac

import pytest
from django.urls import reverse

from core.ledger import canonical_json, verify_ledger
from core.models import LedgerEntry, PublicationVersion
from core.publishing import publishable
from core.sweeps import end_due_publicity
from dishonesty_records import services
from dishonesty_records.choices import SanctionKind
from dishonesty_records.models import DishonestyRecord, Sanction
from sharing.models import OutboxEntry

from .factories import civil_servant_in, make_record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]
D = datetime.date
NOTICE = "对该单位拒不履行法院生效判决的行为予以通报批评，责令限期整改。"
SANCTION_FIELDS = ("ZWSX_CJLB", "ZWSX_CJNR", "ZWSX_TBPP")


def record_until(world, people, until: str, **overrides) -> DishonestyRecord:
    return make_record(
        world.department,
        proposer=people["staff"],
        subject_actor=people["reviewer"],
        supervisor=people["supervisor"],
        until=until,
        **overrides,
    )


def documents(record) -> tuple[dict, dict]:
    described = publishable(record.record_type)
    fresh = described.model.objects.select_related(*described.related).get(pk=record.pk)
    return described.public_document(fresh), described.national_document(fresh)


def actions(record) -> list[str]:
    return list(LedgerEntry.objects.filter(record_id=record.pk).order_by("seq").values_list("action", flat=True))


def pushed(record) -> list[tuple[str, int]]:
    return list(OutboxEntry.objects.filter(record_id=record.pk).order_by("id").values_list("action", "version"))


def criticise(record, people, **overrides) -> Sanction:
    arguments = {
        "kind": SanctionKind.NOTICE_OF_CRITICISM,
        "reason": "拒不履行法院生效判决，造成不良社会影响",
        "notice_text": NOTICE,
        **overrides,
    }
    return services.sanction_impose(record=record, actor=people["supervisor"], **arguments)


def bar_from_honours(record, people) -> Sanction:
    return services.sanction_impose(
        record=record,
        kind=SanctionKind.HONOURS_INELIGIBILITY,
        reason="取消年度评优评先资格",
        end_on=D(2027, 5, 31),
        actor=people["supervisor"],
    )


def test_a_sanction_on_a_published_record_is_in_both_documents_ledgered_and_pushed(world, people, settings):
    record = record_until(world, people, "published")
    criticise(record, people)
    bar_from_honours(record, people)

    public, national = documents(record)
    for document in (public, national):
        assert document["ZWSX_CJLB"] == "通报批评；取消评优评先资格"
        assert document["ZWSX_CJNR"] == (
            "通报批评：2026-06-01起。理由：拒不履行法院生效判决，造成不良社会影响\n"
            "取消评优评先资格：2026-06-01至2027-05-31。理由：取消年度评优评先资格"
        )
        assert document["ZWSX_TBPP"] == NOTICE
    # Each sanction is a new version: a ledger entry committing to both documents, and a push.
    assert actions(record) == ["publish", "correct", "correct"]
    assert pushed(record) == [("publish", 1), ("correct", 2), ("correct", 3)]
    latest = LedgerEntry.objects.filter(record_id=record.pk).latest("seq")
    assert latest.version == 3 == DishonestyRecord.objects.get(pk=record.pk).version
    assert latest.document_hash == hashlib.sha256(canonical_json(public)).hexdigest()
    key = settings.LEDGER_COMMITMENT_KEY.encode()
    assert latest.national_commitment == hmac.new(key, canonical_json(national), "sha256").hexdigest()
    assert OutboxEntry.objects.filter(record_id=record.pk).latest("id").publication.payload == national
    reasons = PublicationVersion.objects.filter(record_id=record.pk, action="correct").values_list("reason", flat=True)
    assert [reason.split(":")[0] for reason in reasons] == ["Sanction imposed", "Sanction imposed"]
    assert verify_ledger().ok


def test_what_the_public_page_shows_of_the_sanctions_is_in_the_documents(client, world, people):
    record = record_until(world, people, "published")
    criticise(record, people)
    page = client.get(reverse("dishonesty_records:public_detail", args=[record.pk]), {"language": "en"})
    shown = page.content.decode()
    public, _national = documents(record)
    assert NOTICE in shown and NOTICE in public["ZWSX_TBPP"]
    assert (
        "拒不履行法院生效判决，造成不良社会影响" in shown
        and "拒不履行法院生效判决，造成不良社会影响" in public["ZWSX_CJNR"]
    )


def test_lifting_a_sanction_is_a_new_version_that_no_longer_shows_it(world, people):
    record = record_until(world, people, "published")
    notice = criticise(record, people)
    services.sanction_lift(sanction=notice, reason="经复查，通报依据已消除", actor=people["supervisor"])
    public, national = documents(record)
    assert not set(SANCTION_FIELDS) & set(public) and public == national
    assert actions(record) == ["publish", "correct", "correct"]
    assert PublicationVersion.objects.filter(record_id=record.pk).latest("id").reason.startswith("Sanction lifted")
    assert verify_ledger().ok


def test_a_sanction_changed_behind_the_services_is_found(world, people):
    record = record_until(world, people, "published")
    notice = criticise(record, people)
    Sanction.objects.filter(pk=notice.pk).update(notice_text="通报内容被改写。")
    latest = LedgerEntry.objects.filter(record_id=record.pk).latest("seq").seq
    found = [(m.problem, m.seq, m.record_id) for m in verify_ledger().mismatches]
    assert found == [("document", latest, record.pk), ("national_document", latest, record.pk)]


def test_a_sanction_lifted_behind_the_services_is_found(world, people):
    record = record_until(world, people, "published")
    barred = bar_from_honours(record, people)
    Sanction.objects.filter(pk=barred.pk).update(status="lifted")
    assert {m.problem for m in verify_ledger().mismatches} == {"document", "national_document"}


def test_of_a_civil_servant_only_a_notice_is_shown_and_nothing_else_announces(world, people):
    person = civil_servant_in(world.department)
    record = record_until(world, people, "published", civil_servant=person)
    bar_from_honours(record, people)  # concerns the person beyond what may be published
    assert actions(record) == ["publish"]
    assert not set(SANCTION_FIELDS) & set(documents(record)[0])
    criticise(record, people)
    public, _national = documents(record)
    assert (public["ZWSX_CJLB"], public["ZWSX_CJNR"], public["ZWSX_TBPP"]) == (
        "通报批评",
        "通报批评：2026-06-01起",
        NOTICE,
    )
    assert actions(record) == ["publish", "correct"]
    assert verify_ledger().ok


def test_a_sanction_on_a_record_not_yet_published_goes_out_with_its_first_version(world, people):
    record = record_until(world, people, "confirmed")
    criticise(record, people)
    assert actions(record) == [] and pushed(record) == []
    services.record_publish(record=record, actor=people["supervisor"])
    assert actions(record) == ["publish"]
    assert OutboxEntry.objects.get(record_id=record.pk).publication.payload["ZWSX_TBPP"] == NOTICE
    assert verify_ledger().ok


def test_a_record_past_its_publicity_keeps_the_sanctions_it_left_with(world, people):
    record = record_until(world, people, "published")
    barred = bar_from_honours(record, people)
    before = documents(record)
    ended = DishonestyRecord.objects.get(pk=record.pk).publicity_ends_on + datetime.timedelta(days=1)
    assert end_due_publicity(today=ended) == 1
    services.sanction_lift(sanction=barred, reason="公示期满，解除评优限制", actor=people["supervisor"])
    criticise(record, people)  # imposed after the record left public view: never shown with it
    assert documents(record) == before
    assert actions(record) == ["publish", "correct"]
    assert verify_ledger().ok


def test_a_sanction_past_its_end_date_changes_nothing(world, people, clock):
    record = record_until(world, people, "published")
    bar_from_honours(record, people)
    clock.set(D(2027, 6, 1))  # the bar ran out on 31 May: the document gave its dates, not "in force"
    assert verify_ledger().ok


def test_the_verifier_reads_the_sanctions_a_batch_at_a_time(world, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_of_a_check() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert verify_ledger().ok
        return len(captured)

    for _ in range(2):
        criticise(record_until(world, people, "published"), people)
    few = queries_of_a_check()
    for _ in range(3):
        criticise(record_until(world, people, "published"), people)
    assert queries_of_a_check() == few  # not one query per record


def test_after_the_upgrade_records_with_sanctions_announce_them_once_and_nothing_else_is_covered_up(world, people):
    from io import StringIO

    from django.core.management import call_command

    from organizations.models import Organization

    # Before the upgrade a sanction changed nothing in the ledgered document: made here as it was then.
    before_upgrade, tampered = record_until(world, people, "published"), record_until(world, people, "published")
    for record in (before_upgrade, tampered):
        Sanction.objects.create(
            record=record,
            kind=SanctionKind.NOTICE_OF_CRITICISM,
            authority=Organization.objects.get(pk=world.district.pk),
            reason="通报批评",
            listed_on=D(2026, 6, 1),
            start_on=D(2026, 6, 1),
            notice_text=NOTICE,
        )
    DishonestyRecord.objects.filter(pk=tampered.pk).update(facts_summary="摘要被改写")
    assert {m.record_id for m in verify_ledger().mismatches} == {before_upgrade.pk, tampered.pk}

    out = StringIO()
    call_command("announce_sanctions", stdout=out)
    assert out.getvalue().splitlines() == [
        "1 record(s) announced a version with their sanctions.",
        f"Left alone (the ledger differs in more than the sanctions): {tampered.pk}",
    ]
    assert actions(before_upgrade) == ["publish", "correct"] and actions(tampered) == ["publish"]
    assert (
        OutboxEntry.objects.filter(record_id=before_upgrade.pk).latest("id").publication.payload["ZWSX_TBPP"] == NOTICE
    )
    assert {m.record_id for m in verify_ledger().mismatches} == {tampered.pk}  # still reported
    call_command("announce_sanctions", stdout=StringIO())  # a second run announces nothing more
    assert actions(before_upgrade) == ["publish", "correct"]
