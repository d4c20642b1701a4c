"""The publication ledger: appended by the publishing path, append-only, and every edited byte found."""

import datetime
import hashlib
import json
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation

from core.ledger import (
    LedgerError,
    canonical_json,
    current_head,
    document_hash,
    entry_body,
    entry_hash,
    ledger_append,
    verify_ledger,
)
from core.ledger.chain import fast_entry_hash
from core.models import LEDGER_GENESIS_HASH, AppendOnlyError, LedgerCheck, LedgerEntry, LedgerHead, Notification
from core.publishing import publishable
from core.sweeps import end_due_publicity
from core.tasks import verify_ledger as verify_ledger_task
from disclosures import services
from organizations.choices import Role
from organizations.selectors import ledger_alert_recipients
from tests.conftest import uses_postgresql
from tests.disclosures.factories import clerk_and_reviewer, make_license, make_natural_person_penalty, make_penalty
from tests.factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db


def entries_of(record):
    return list(LedgerEntry.objects.filter(record_type=record.record_type, record_id=record.pk).order_by("seq"))


def public_hash(record) -> str:
    described = publishable(record.record_type)
    fresh = described.model.objects.select_related(*described.related).get(pk=record.pk)
    return hashlib.sha256(canonical_json(described.public_document(fresh))).hexdigest()


def raw_sql(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def tamper(sql: str, params=()):
    """Change ledger rows below the guards, as an intruder with database access would."""
    if uses_postgresql():
        raw_sql("SET session_replication_role = replica")  # triggers off for this session
        try:
            raw_sql(sql, params)
        finally:
            raw_sql("SET session_replication_role = origin")
    else:
        raw_sql(sql, params)


def recomputed(entry: LedgerEntry) -> str:
    return entry_hash(
        entry.prev_hash,
        entry_body(
            seq=entry.seq,
            occurred_at=entry.occurred_at,
            record_type=entry.record_type,
            record_id=entry.record_id,
            version=entry.version,
            action=entry.action,
            document_hash=entry.document_hash,
            national_commitment=entry.national_commitment,
        ),
    )


def problems(report) -> list[tuple]:
    return [(m.problem, m.seq, m.record_type, m.record_id) for m in report.mismatches]


# --- the recipe ------------------------------------------------------------------------------------


def test_the_recipe_is_sha256_of_the_previous_hash_and_the_canonical_json():
    moment = datetime.datetime(2026, 11, 27, 13, 6, 7, 123456, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    body = entry_body(
        seq=7,
        occurred_at=moment,
        record_type="disclosures.penalty",
        record_id=118,
        version=2,
        action="correct",
        document_hash="ab" * 32,
    )
    expected_bytes = (
        b'{"action":"correct","document_hash":"' + b"ab" * 32 + b'","occurred_at":"2026-11-27T05:06:07.123456+00:00",'
        b'"record_id":118,"record_type":"disclosures.penalty","seq":7,"version":2}'
    )
    assert canonical_json(body) == expected_bytes
    assert entry_hash("1" * 64, body) == hashlib.sha256(b"1" * 64 + expected_bytes).hexdigest()
    # Chinese stays as UTF-8, not \u escapes
    assert canonical_json({"名称": "杭州"}) == '{"名称":"杭州"}'.encode()


@pytest.mark.parametrize(
    "record_type,action,document_hash_",
    [
        ("disclosures.penalty", "publish", "ab" * 32),
        ('odd "type" \\ with\nescapes', "撤回", 'not hex "quoted"\t'),
        ("unicode·类型\u2028", "correct", "\x00\x1f"),
    ],
)
def test_the_verifiers_fast_hash_writes_exactly_the_documented_bytes(record_type, action, document_hash_):
    moment = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    body = entry_body(
        seq=12345678901,
        occurred_at=moment,
        record_type=record_type,
        record_id=2**62,
        version=3,
        action=action,
        document_hash=document_hash_,
    )
    assert fast_entry_hash("f" * 64, 12345678901, moment, record_type, 2**62, 3, action, document_hash_) == entry_hash(
        "f" * 64, body
    )


# --- appending through the publishing path ---------------------------------------------------------


def test_publish_correct_and_withdraw_each_append_a_linked_entry(world):
    record = make_penalty(world.department)
    _clerk, reviewer = clerk_and_reviewer(world.department)
    (first,) = entries_of(record)
    assert (first.seq, first.action, first.version, first.prev_hash) == (1, "publish", 1, LEDGER_GENESIS_HASH)
    assert first.document_hash == public_hash(record)
    assert first.hash == recomputed(first)

    corrected = services.disclosure_correct(
        record=record, data={"penalty_content": "警告，罚款二千元（更正）"}, reason="处罚内容笔误", actor=reviewer
    )
    services.disclosure_withdraw(record=corrected, reason="决定已被撤销", actor=reviewer)
    first, second, third = entries_of(record)
    assert [(e.seq, e.action, e.version) for e in (second, third)] == [(2, "correct", 2), (3, "withdraw", 2)]
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert second.document_hash != first.document_hash  # the correction changed the public document
    assert third.document_hash == second.document_hash == public_hash(record)
    assert all(entry.hash == recomputed(entry) for entry in (first, second, third))
    head = LedgerHead.objects.get()
    assert (head.seq, head.hash, head.updated_at) == (3, third.hash, third.occurred_at)
    assert verify_ledger().ok


def test_entries_of_different_records_form_one_chain_and_hash_the_masked_public_document(world):
    penalty = make_natural_person_penalty(world.department)
    licence = make_license(world.other_department)
    first, second = LedgerEntry.objects.order_by("seq")
    assert (first.record_type, first.record_id) == ("disclosures.penalty", penalty.pk)
    assert (second.record_type, second.record_id, second.prev_hash) == ("disclosures.license", licence.pk, first.hash)
    document = publishable(penalty.record_type).public_document(penalty)
    assert penalty.subject_id_number not in canonical_json(document).decode()  # masked in public
    assert first.document_hash == document_hash(document)


def test_the_end_of_publicity_adds_no_entry(world):
    record = make_penalty(world.department)
    assert end_due_publicity(today=record.publicity_ends_on + datetime.timedelta(days=1)) == 1
    record.refresh_from_db()
    assert record.status == "publicity_ended"
    assert len(entries_of(record)) == 1
    assert verify_ledger().ok  # a record whose publicity ended still matches its publish entry


def test_a_rolled_back_publish_leaves_no_entry(world):
    draft = make_penalty(world.department, published=False)
    _clerk, reviewer = clerk_and_reviewer(world.department)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.disclosure_publish(record=draft, actor=reviewer)
        assert LedgerEntry.objects.count() == 1  # written in the publishing transaction …
        raise RuntimeError("the caller's transaction fails later")
    assert not LedgerEntry.objects.exists()  # … and gone with it
    assert current_head().seq == 0
    services.disclosure_publish(record=draft, actor=reviewer)
    assert list(LedgerEntry.objects.values_list("seq", flat=True)) == [1]  # no gap left behind


@pytest.mark.django_db(transaction=True)
def test_appending_outside_a_transaction_is_refused_and_flush_can_still_empty_the_ledger():
    with pytest.raises(LedgerError):
        ledger_append(
            record_type="disclosures.penalty",
            record_id=1,
            version=1,
            action="publish",
            document={},
            national_document={},
        )
    with transaction.atomic():
        entry = ledger_append(
            record_type="disclosures.penalty",
            record_id=1,
            version=1,
            action="publish",
            document={"a": "b"},
            national_document={"a": "c"},
        )
    assert entry.seq == 1
    # The test runner now flushes the database: on PostgreSQL that TRUNCATE passes the trigger only
    # because core's flush command allows it for its own transaction.
    call_command("flush", interactive=False, verbosity=0)
    assert not LedgerEntry.objects.exists()
    with transaction.atomic():  # the head row went with the flush: the next append starts a new chain
        appended = ledger_append(
            record_type="x", record_id=1, version=1, action="publish", document={}, national_document={}
        )
        assert appended.seq == 1
    call_command("flush", interactive=False, verbosity=0)


def test_appending_without_a_head_row_but_with_entries_is_refused(world):
    make_penalty(world.department)
    tamper("DELETE FROM core_ledgerhead")
    with pytest.raises(LedgerError), transaction.atomic():
        ledger_append(
            record_type="disclosures.penalty",
            record_id=1,
            version=1,
            action="publish",
            document={},
            national_document={},
        )


# --- append-only ----------------------------------------------------------------------------------


def test_the_orm_refuses_to_change_or_remove_entries(world):
    make_penalty(world.department)
    entry = LedgerEntry.objects.get()
    entry.document_hash = "0" * 64
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.update(document_hash="0" * 64)
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(seq=1).delete()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.bulk_update([entry], ["document_hash"])
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.bulk_create([LedgerEntry(seq=2)])
    with pytest.raises(AppendOnlyError):
        LedgerHead.objects.get().delete()
    assert LedgerEntry.objects.get().document_hash != "0" * 64


@pytest.mark.skipif(not uses_postgresql(), reason="the trigger is PostgreSQL's")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_ledgerentry SET document_hash = repeat('0', 64)",
        "DELETE FROM core_ledgerentry",
        "TRUNCATE core_ledgerentry",
        "DELETE FROM core_ledgerhead",
        "UPDATE core_ledgerhead SET seq = 0",
        "TRUNCATE core_ledgerhead",
    ],
)
def test_postgresql_refuses_raw_sql_that_changes_the_ledger(world, sql):
    make_penalty(world.department)
    with pytest.raises(DatabaseError, match=r"append-only|only moves forward"), transaction.atomic():
        raw_sql(sql)
    assert LedgerEntry.objects.count() == 1 and current_head().seq == 1


# --- verify -------------------------------------------------------------------------------------


@pytest.fixture
def published(world):
    """Three published penalties and a licence, one of them corrected and one withdrawn."""
    records = [make_penalty(world.department) for _ in range(3)] + [make_license(world.department)]
    _clerk, reviewer = clerk_and_reviewer(world.department)
    records[0] = services.disclosure_correct(
        record=records[0], data={"violation_facts": "在网店发布虚假广告（更正）"}, reason="事实表述更正", actor=reviewer
    )
    records[1] = services.disclosure_withdraw(record=records[1], reason="决定已被撤销", actor=reviewer)
    return records


def test_an_untouched_ledger_verifies(published):
    report = verify_ledger()
    assert report.ok, problems(report)
    assert (report.entries_checked, report.records_checked, report.head_seq) == (6, 4, 6)


def test_one_edited_byte_of_a_published_record_is_named(published):
    record = published[2]
    edited = record.subject_name[:-1] + ("甲" if record.subject_name[-1] != "甲" else "乙")
    raw_sql("UPDATE disclosures_penaltydisclosure SET subject_name = %s WHERE id = %s", [edited, record.pk])
    report = verify_ledger()
    seq = entries_of(record)[-1].seq
    # The name is in the public and in the national document: both no longer match.
    assert problems(report) == [
        ("document", seq, "disclosures.penalty", record.pk),
        ("national_document", seq, "disclosures.penalty", record.pk),
    ]
    with translation.override("en"):
        assert f"disclosures.penalty#{record.pk}: public document differs from the record" in str(report.mismatches[0])
        assert f"disclosures.penalty#{record.pk}: national (pushed) document differs from the record" in str(
            report.mismatches[1]
        )


def test_an_edited_organization_name_or_amount_is_found_too(published):
    raw_sql("UPDATE disclosures_penaltydisclosure SET fine_amount = 0.3 WHERE id = %s", [published[0].pk])
    report = verify_ledger()
    assert [(m.problem, m.record_id) for m in report.mismatches] == [
        ("document", published[0].pk),
        ("national_document", published[0].pk),
    ]


def test_an_unwithdrawn_record_and_a_rewound_version_are_found(published):
    withdrawn, corrected = published[1], published[0]
    raw_sql("UPDATE disclosures_penaltydisclosure SET status = 'published' WHERE id = %s", [withdrawn.pk])
    raw_sql("UPDATE disclosures_penaltydisclosure SET version = 1 WHERE id = %s", [corrected.pk])
    found = {(m.problem, m.record_id) for m in verify_ledger().mismatches}
    assert found == {("status", withdrawn.pk), ("version", corrected.pk)}


def test_a_deleted_record_and_a_record_published_behind_the_ledgers_back_are_found(world, published):
    raw_sql("DELETE FROM disclosures_licensedisclosure WHERE id = %s", [published[3].pk])
    sneaked = make_penalty(world.department, published=False)
    raw_sql("UPDATE disclosures_penaltydisclosure SET status = 'published', version = 1 WHERE id = %s", [sneaked.pk])
    found = {(m.problem, m.seq, m.record_type, m.record_id) for m in verify_ledger().mismatches}
    licence_seq = entries_of(published[3])[-1].seq
    assert found == {
        ("record_missing", licence_seq, "disclosures.license", published[3].pk),
        ("unledgered", None, "disclosures.penalty", sneaked.pk),
    }


def test_a_tampered_entry_is_found(published):
    tamper("UPDATE core_ledgerentry SET document_hash = %s WHERE seq = 3", ["e" * 64])
    report = verify_ledger()
    found = {m.problem for m in report.mismatches if m.seq == 3}
    assert "entry_hash" in found


def test_a_rewritten_entry_with_a_recomputed_hash_breaks_the_next_link(published):
    entry = LedgerEntry.objects.get(seq=2)
    entry.document_hash = "e" * 64
    tamper(
        "UPDATE core_ledgerentry SET document_hash = %s, hash = %s WHERE seq = 2",
        [entry.document_hash, recomputed(entry)],
    )
    found = {(m.problem, m.seq) for m in verify_ledger().mismatches}
    assert ("broken_link", 3) in found
    assert not any(problem == "entry_hash" for problem, _seq in found)


def test_a_rewritten_commitment_is_found_by_the_entry_hash_and_against_the_record(published):
    # An intruder replaces an entry's commitment with the one of a national document they prefer.
    entry = entries_of(published[2])[-1]
    tamper("UPDATE core_ledgerentry SET national_commitment = %s WHERE seq = %s", ["e" * 64, entry.seq])
    found = {(m.problem, m.seq) for m in verify_ledger().mismatches}
    assert found == {("entry_hash", entry.seq), ("national_document", entry.seq)}


def test_a_removed_entry_leaves_a_gap_and_a_removed_tail_leaves_the_head_dangling(published):
    tamper("DELETE FROM core_ledgerentry WHERE seq = 2")
    tamper("DELETE FROM core_ledgerentry WHERE seq = 6")
    found = {(m.problem, m.seq) for m in verify_ledger().mismatches}
    assert {("seq_gap", 3), ("broken_link", 3), ("head", 6)} <= found


def test_an_entry_past_the_head_is_found(published):
    last = LedgerEntry.objects.get(seq=6)
    tamper(
        "INSERT INTO core_ledgerentry (seq, occurred_at, record_type, record_id, version, action, document_hash, "
        "prev_hash, hash) VALUES (7, %s, 'disclosures.penalty', %s, 1, 'publish', %s, %s, %s)",
        [timezone.now(), published[2].pk, "a" * 64, last.hash, "b" * 64],
    )
    assert ("beyond_head", 7) in {(m.problem, m.seq) for m in verify_ledger().mismatches}


def test_the_report_keeps_the_first_mismatches_and_counts_them_all(published):
    tamper("UPDATE core_ledgerentry SET document_hash = %s", ["e" * 64])
    report = verify_ledger(max_report=2)
    assert len(report.mismatches) == 2 and report.mismatch_count > 6


def test_small_chunks_and_batches_give_the_same_answer(published):
    raw_sql("UPDATE disclosures_penaltydisclosure SET subject_name = 'x' WHERE id = %s", [published[2].pk])
    small = verify_ledger(chunk_size=1, batch_size=1)
    assert problems(small) == problems(verify_ledger()) and small.records_checked == 4


# --- the command --------------------------------------------------------------------------------


def run_verify(*args) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_ledger", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


def test_the_command_exits_0_when_everything_matches(published):
    code, out, err = run_verify()
    assert (code, out) == (0, "")
    assert "6 entries and 4 records checked" in err


def test_the_command_exits_1_with_one_line_per_mismatch(published):
    for record in published[2:]:
        table = record._meta.db_table
        raw_sql(f"UPDATE {table} SET subject_name = 'x' WHERE id = %s", [record.pk])  # noqa: S608
    with translation.override("en"):
        code, out, err = run_verify()
    lines = out.splitlines()
    assert code == 1 and len(lines) == 4
    assert f"disclosures.license#{published[3].pk}: public document differs from the record (" in lines[0]
    assert f"disclosures.license#{published[3].pk}: national (pushed) document differs from the record (" in lines[1]
    assert f"disclosures.penalty#{published[2].pk}: public document differs from the record (" in lines[2]
    assert "4 mismatches" in err

    code, out, err = run_verify("--quiet", "--max-report", "1")
    assert code == 1 and err == ""
    assert out.splitlines()[1] == "… and 3 more mismatches (raise --max-report to list them)"


# --- the nightly task ---------------------------------------------------------------------------


@pytest.fixture
def alert_recipients(world):
    administrator = user_with_role(Role.ADMINISTRATOR, world.department)
    city_supervisor = user_with_role(Role.SUPERVISOR, world.city)
    superuser = UserFactory(is_superuser=True)
    return {administrator, city_supervisor, superuser}


def test_the_alert_goes_to_administrators_and_city_level_supervisors(world, alert_recipients):
    user_with_role(Role.SUPERVISOR, world.district)  # a district supervisor is not told
    UserFactory(is_superuser=True, is_active=False)
    assert set(ledger_alert_recipients()) == alert_recipients


def test_the_nightly_check_keeps_its_result_and_stays_quiet_when_all_matches(published, alert_recipients):
    result = verify_ledger_task()
    check = LedgerCheck.objects.get()
    assert result == {"check": check.pk, "ok": True, "entries": 6, "mismatches": 0}
    assert (check.ok, check.head_seq, check.entries_checked, check.records_checked) == (True, 6, 6, 4)
    assert not Notification.objects.exists()


def test_the_nightly_check_alerts_once_per_finding(
    published, alert_recipients, django_capture_on_commit_callbacks, settings
):
    record = published[2]
    raw_sql("UPDATE disclosures_penaltydisclosure SET subject_name = 'x' WHERE id = %s", [record.pk])
    with django_capture_on_commit_callbacks(execute=True):
        verify_ledger_task()
        verify_ledger_task()  # the same finding the next night: no second alert
    notices = Notification.objects.filter(kind="ledger.mismatch")
    assert {n.recipient for n in notices} == alert_recipients and notices.count() == 3
    assert f"disclosures.penalty#{record.pk}" in notices[0].body and notices[0].link == "/ledger/"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in alert_recipients)
    checks = LedgerCheck.objects.all()
    assert [c.ok for c in checks] == [False, False]
    assert checks[0].mismatches[0]["record_id"] == record.pk and checks[0].mismatches[0]["problem"] == "document"

    raw_sql("UPDATE disclosures_penaltydisclosure SET subject_name = 'y' WHERE id = %s", [published[0].pk])
    verify_ledger_task()  # something new: a new alert
    assert Notification.objects.filter(kind="ledger.mismatch").count() == 6


def test_the_check_row_stores_json(published):
    tamper("UPDATE core_ledgerentry SET document_hash = %s WHERE seq = 1", ["e" * 64])
    verify_ledger_task()
    stored = LedgerCheck.objects.get().mismatches
    assert json.loads(json.dumps(stored)) == stored and stored[0]["seq"] == 1


def test_records_are_compared_in_batches_through_the_registry(world, published, django_assert_num_queries):
    # head; chain; latest entries; per record type: the records, their authorities, their data sources;
    # per record type (penalties, licences, dishonesty records, pledges): public without an entry; head and
    # entries past it. Not one query per record:
    for _ in range(5):
        make_penalty(world.department)
    with django_assert_num_queries(15):
        assert verify_ledger(batch_size=1000).ok


@pytest.mark.skipif(not uses_postgresql(), reason="parallel workers share a PostgreSQL snapshot")
@pytest.mark.django_db(transaction=True)
def test_worker_processes_on_one_snapshot_find_the_same(monkeypatch):
    from core.ledger import verify as verify_module
    from tests.permissions import build_world

    world = build_world()
    records = [make_penalty(world.department) for _ in range(6)] + [make_license(world.department) for _ in range(3)]
    monkeypatch.setattr(verify_module, "PARALLEL_FROM", 0)
    # The suite may have left threads behind (the browser tests' live server); the workers touch
    # only the database, so forking past them is safe here.
    monkeypatch.setattr(verify_module.threading, "active_count", lambda: 1)
    report = verify_ledger(workers=2)
    assert report.ok, problems(report)
    assert (report.workers, report.entries_checked, report.records_checked) == (2, 9, 9)

    raw_sql("UPDATE disclosures_penaltydisclosure SET subject_name = 'x' WHERE id = %s", [records[4].pk])
    raw_sql("UPDATE disclosures_licensedisclosure SET status = 'withdrawn' WHERE id = %s", [records[7].pk])
    tamper("UPDATE core_ledgerentry SET version = 5 WHERE seq = 2")
    parallel, sequential = verify_ledger(workers=2), verify_ledger(workers=1)
    assert problems(parallel) == problems(sequential)
    assert {(m.problem, m.record_id) for m in parallel.mismatches} == {
        ("entry_hash", records[1].pk),
        ("version", records[1].pk),
        ("document", records[4].pk),
        ("national_document", records[4].pk),
        ("status", records[7].pk),
    }


# --- the import arrows ----------------------------------------------------------------------------


def test_the_ledger_reads_the_registry_without_importing_the_publishing_module():
    """core.publishing appends to the ledger; the ledger reads core.registry, never core.publishing."""
    import ast
    from pathlib import Path

    import core.ledger

    imported = set()
    for path in Path(core.ledger.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                module = node.module or ""
                imported |= {module, *(f"{module}.{alias.name}" for alias in node.names)}
            elif isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
    assert "core.registry" in imported
    assert not {name for name in imported if name == "core.publishing" or name.startswith("core.publishing.")}
