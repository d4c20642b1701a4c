"""The ledger commits to the national (pushed) document as well, with a key the public never sees."""

import datetime
import hashlib
import hmac
import importlib
import operator
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone, translation

from core.ledger import canonical_json, current_head, entry_body, entry_hash, verify_ledger
from core.ledger.chain import fast_entry_hash
from core.models import LEDGER_HEAD_ID, LedgerCheck, LedgerEntry, LedgerHead
from core.publishing import publishable
from core.tasks import verify_ledger as verify_ledger_task
from disclosures.choices import IdType
from disclosures.models import PenaltyDisclosure
from tests.conftest import uses_postgresql
from tests.core.test_ledger import entries_of, problems, recomputed, run_verify, tamper
from tests.disclosures.factories import make_license, make_natural_person_penalty, make_penalty, natural_person_id

pytestmark = pytest.mark.django_db


def fresh(record):
    described = publishable(record.record_type)
    return described.model.objects.select_related(*described.related).get(pk=record.pk)


def national_of(record) -> dict:
    return publishable(record.record_type).national_document(fresh(record))


def keyed(settings, document: dict) -> str:
    return hmac.new(settings.LEDGER_COMMITMENT_KEY.encode(), canonical_json(document), hashlib.sha256).hexdigest()


def other_birth_date(number: str) -> str:
    """The same ID number with other hidden digits: 330106********123X reads the same in public."""
    return number[:6] + ("19790101" if number[6:14] != "19790101" else "19800101") + number[14:]


# --- the recipe ------------------------------------------------------------------------------------


def test_the_entry_hash_covers_the_commitment_in_its_sorted_place(settings):
    settings.LEDGER_COMMITMENT_KEY = "k" * 40
    moment = datetime.datetime(2026, 11, 27, 5, 6, 7, 123456, tzinfo=datetime.UTC)
    national = {"CF_XDR_ZJHM": "330106198003121234", "CF_XDR_MC": "王某"}
    commitment = hmac.new(b"k" * 40, canonical_json(national), hashlib.sha256).hexdigest()
    body = entry_body(
        seq=7,
        occurred_at=moment,
        record_type="disclosures.penalty",
        record_id=118,
        version=2,
        action="correct",
        document_hash="ab" * 32,
        national_commitment=commitment,
    )
    expected_bytes = (
        b'{"action":"correct","document_hash":"'
        + b"ab" * 32
        + b'","national_commitment":"'
        + commitment.encode()
        + b'","occurred_at":"2026-11-27T05:06:07.123456+00:00","record_id":118,"record_type":"disclosures.penalty",'
        b'"seq":7,"version":2}'
    )
    assert canonical_json(body) == expected_bytes
    assert entry_hash("1" * 64, body) == hashlib.sha256(b"1" * 64 + expected_bytes).hexdigest()
    fast = fast_entry_hash("1" * 64, 7, moment, "disclosures.penalty", 118, 2, "correct", "ab" * 32, commitment)
    assert fast == entry_hash("1" * 64, body)


def test_each_entry_commits_to_the_unmasked_national_document_under_the_key(world, settings):
    penalty = make_natural_person_penalty(world.department)
    (entry,) = entries_of(penalty)
    national = national_of(penalty)
    assert national["CF_XDR_ZJHM"] == penalty.subject_id_number  # what is pushed is unmasked
    assert entry.national_commitment == keyed(settings, national)
    assert entry.hash == recomputed(entry)  # and the commitment is inside the chained hash


def test_the_commitment_depends_on_the_key_so_a_guess_cannot_be_tested_without_it(world, settings):
    penalty = make_natural_person_penalty(world.department)
    (entry,) = entries_of(penalty)
    national = national_of(penalty)
    assert entry.national_commitment != hashlib.sha256(canonical_json(national)).hexdigest()
    settings.LEDGER_COMMITMENT_KEY = "another-key-entirely-another-key-entirely"
    assert keyed(settings, national) != entry.national_commitment
    report = verify_ledger()  # a verifier with the wrong key cannot confirm the national document
    assert problems(report) == [("national_document", entry.seq, "disclosures.penalty", penalty.pk)]


def test_both_documents_built_at_once_are_the_documents_built_one_by_one(world):
    records = [
        make_natural_person_penalty(world.department),
        make_penalty(
            world.department,
            legal_representative_id_type=IdType.RESIDENT_ID,
            legal_representative_id_number=natural_person_id(8),
        ),
        make_penalty(world.department),
        make_license(world.department),
    ]
    for record in records:
        described, loaded = publishable(record.record_type), fresh(record)
        public, national = described.documents_of(loaded)
        assert (public, national) == (described.public_document(loaded), described.national_document(loaded))
    # Nothing to mask: one dict, encoded once by the ledger and its check.
    assert operator.is_(*publishable("disclosures.license").documents_of(fresh(records[3])))
    assert not operator.is_(*publishable("disclosures.penalty").documents_of(fresh(records[0])))


# --- what the verifier finds -----------------------------------------------------------------------


def test_edited_hidden_digits_of_an_id_number_are_found_in_the_national_document(world):
    penalty = make_natural_person_penalty(world.department)
    make_penalty(world.department)  # an untouched neighbour
    edited = other_birth_date(penalty.subject_id_number)
    PenaltyDisclosure.objects.filter(pk=penalty.pk).update(subject_id_number=edited)
    assert fresh(penalty).masked_subject_id_number == penalty.masked_subject_id_number  # the public sees no change

    report = verify_ledger()
    seq = entries_of(penalty)[-1].seq
    assert problems(report) == [("national_document", seq, "disclosures.penalty", penalty.pk)]
    with translation.override("en"):
        code, out, _err = run_verify()
    assert code == 1
    assert f"#{seq} disclosures.penalty#{penalty.pk}: national (pushed) document differs from the record" in out
    assert penalty.subject_id_number not in out and edited not in out  # the alert names no ID number


def test_an_edited_field_only_the_national_document_holds_is_found(world):
    penalty = make_penalty(
        world.department,
        legal_representative_id_type=IdType.RESIDENT_ID,
        legal_representative_id_number=natural_person_id(7),
    )
    assert verify_ledger().ok
    PenaltyDisclosure.objects.filter(pk=penalty.pk).update(
        legal_representative_id_number=other_birth_date(penalty.legal_representative_id_number)
    )
    report = verify_ledger()
    assert problems(report) == [("national_document", entries_of(penalty)[-1].seq, "disclosures.penalty", penalty.pk)]


def test_the_nightly_alert_names_the_record_and_the_national_document(world):
    penalty = make_natural_person_penalty(world.department)
    PenaltyDisclosure.objects.filter(pk=penalty.pk).update(
        subject_id_number=other_birth_date(penalty.subject_id_number)
    )
    with translation.override("en"):
        verify_ledger_task()
    (stored,) = LedgerCheck.objects.get().mismatches
    assert (stored["problem"], stored["record_id"]) == ("national_document", penalty.pk)
    assert "national (pushed) document differs from the record" in stored["text"]


def test_a_record_whose_documents_both_changed_is_named_for_each(world):
    penalty = make_natural_person_penalty(world.department)
    PenaltyDisclosure.objects.filter(pk=penalty.pk).update(subject_name="李某某")
    seq = entries_of(penalty)[-1].seq
    assert problems(verify_ledger()) == [
        ("document", seq, "disclosures.penalty", penalty.pk),
        ("national_document", seq, "disclosures.penalty", penalty.pk),
    ]


# --- entries from before the commitment ------------------------------------------------------------


def append_the_old_way(record) -> LedgerEntry:
    """An entry as ledger_append wrote it before national commitments: after the migration its
    national_commitment is NULL and its hash covers the other seven fields."""
    with transaction.atomic():
        head = LedgerHead.objects.select_for_update().get(pk=LEDGER_HEAD_ID)
        entry = LedgerEntry(
            seq=head.seq + 1,
            occurred_at=timezone.now(),
            record_type=record.record_type,
            record_id=record.pk,
            version=1,
            action="publish",
            document_hash=hashlib.sha256(
                canonical_json(publishable(record.record_type).public_document(fresh(record)))
            ).hexdigest(),
            prev_hash=head.hash,
        )
        old_body = (
            f'{{"action":"publish","document_hash":"{entry.document_hash}",'
            f'"occurred_at":"{entry.occurred_at.astimezone(datetime.UTC).isoformat(timespec="microseconds")}",'
            f'"record_id":{record.pk},"record_type":"{record.record_type}","seq":{entry.seq},"version":1}}'
        )
        entry.hash = hashlib.sha256(entry.prev_hash.encode() + old_body.encode()).hexdigest()
        entry.save()
        LedgerHead.objects.filter(pk=LEDGER_HEAD_ID).update(seq=entry.seq, hash=entry.hash)
    return entry


@pytest.fixture
def old_and_new(world):
    """A penalty ledgered before commitments existed, then one ledgered after."""
    make_penalty(world.department)  # the chain already has an entry with a commitment before the old one
    old = make_natural_person_penalty(world.department, published=False)
    PenaltyDisclosure.objects.filter(pk=old.pk).update(status="published", version=1, published_at=timezone.now())
    old_entry = append_the_old_way(old)
    new = make_natural_person_penalty(world.department)
    return old, old_entry, new


def test_entries_without_a_commitment_keep_their_old_recipe_and_verify(old_and_new):
    _old, old_entry, new = old_and_new
    assert old_entry.national_commitment is None and old_entry.hash == recomputed(old_entry)
    assert entries_of(new)[0].prev_hash == old_entry.hash and entries_of(new)[0].national_commitment
    report = verify_ledger()
    assert report.ok, problems(report)
    assert (report.entries_checked, report.records_checked, current_head().seq) == (3, 3, 3)


def test_an_old_entrys_public_document_is_still_checked_and_a_forged_commitment_breaks_its_hash(old_and_new):
    old, old_entry, _new = old_and_new
    PenaltyDisclosure.objects.filter(pk=old.pk).update(subject_name="李某某")
    assert problems(verify_ledger()) == [("document", old_entry.seq, "disclosures.penalty", old.pk)]
    # Giving an old entry a commitment after the fact changes what its hash covers.
    tamper("UPDATE core_ledgerentry SET national_commitment = %s WHERE seq = %s", ["a" * 64, old_entry.seq])
    assert ("entry_hash", old_entry.seq) in {(m.problem, m.seq) for m in verify_ledger().mismatches}


# --- the parallel verifier ---------------------------------------------------------------------------


@pytest.mark.skipif(not uses_postgresql(), reason="parallel workers share a PostgreSQL snapshot")
@pytest.mark.django_db(transaction=True)
def test_worker_processes_find_an_edited_national_document_too(monkeypatch):
    from core.ledger import verify as verify_module
    from tests.permissions import build_world

    world = build_world()
    people = [make_natural_person_penalty(world.department) for _ in range(6)]
    monkeypatch.setattr(verify_module, "PARALLEL_FROM", 0)
    monkeypatch.setattr(verify_module.threading, "active_count", lambda: 1)  # see test_ledger's parallel test
    edited = people[3]
    PenaltyDisclosure.objects.filter(pk=edited.pk).update(subject_id_number=other_birth_date(edited.subject_id_number))
    parallel = verify_ledger(workers=2)
    assert parallel.workers == 2
    assert problems(parallel) == [("national_document", entries_of(edited)[-1].seq, "disclosures.penalty", edited.pk)]
    assert problems(parallel) == problems(verify_ledger(workers=1))


# --- the key ---------------------------------------------------------------------------------------


def test_production_refuses_to_start_without_its_own_commitment_key(monkeypatch):
    import environ

    import hangzhou_integrity.settings.base as base

    monkeypatch.setenv("SECRET_KEY", "a-production-secret-for-this-test")
    monkeypatch.setattr(environ.Env, "read_env", staticmethod(lambda *args, **kwargs: None))
    try:
        for key in (None, "short"):
            if key is None:
                monkeypatch.delenv("LEDGER_COMMITMENT_KEY", raising=False)
            else:
                monkeypatch.setenv("LEDGER_COMMITMENT_KEY", key)
            importlib.reload(base)
            sys.modules.pop("hangzhou_integrity.settings.production", None)
            with pytest.raises(ImproperlyConfigured, match="LEDGER_COMMITMENT_KEY"):
                importlib.import_module("hangzhou_integrity.settings.production")
        monkeypatch.setenv("LEDGER_COMMITMENT_KEY", "0123456789abcdef" * 4)
        importlib.reload(base)
        sys.modules.pop("hangzhou_integrity.settings.production", None)
        production = importlib.import_module("hangzhou_integrity.settings.production")
        assert production.LEDGER_COMMITMENT_KEY == "0123456789abcdef" * 4
    finally:
        sys.modules.pop("hangzhou_integrity.settings.production", None)
        monkeypatch.undo()
        importlib.reload(base)
