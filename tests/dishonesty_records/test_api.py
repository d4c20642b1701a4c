"""/api/v1/dishonesty-records/ and what hangs off it, as external systems, staff and supervisors call it."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from core.models import AuditEvent, LedgerEntry
from core.publication import PublicationStatus
from dishonesty_records import services
from dishonesty_records.choices import RepairStatus, SanctionKind, Stage
from dishonesty_records.models import DishonestyRecord, Evidence, Obligation, RepairApplication
from organizations import services as organization_services
from organizations.choices import Role
from sharing.models import OutboxEntry
from tests.disclosures.factories import make_penalty
from tests.factories import user_with_role
from tests.permissions import ANONYMOUS, OTHER_ORG, OWN_ORG, SUPERVISOR, request_as

from .factories import civil_servant_in, evidence, make_record, proposal_data

pytestmark = pytest.mark.django_db
RECORDS = "/api/v1/dishonesty-records/"
OBLIGATIONS = "/api/v1/dishonesty-obligations/"
REPAIRS = "/api/v1/dishonesty-repairs/"
SANCTIONS = "/api/v1/dishonesty-sanctions/"
RECORD_TYPE = DishonestyRecord.record_type
REASON = "经核查，事实清楚，证据确凿。"

PUBLIC_CIVIL_SERVANT_KEYS = {
    "id",
    "reference",
    "shape",
    "subject",
    "category",
    "category_display",
    "facts_summary",
    "determined_on",
    "authority",
    "end_date",
}
INTERNAL_ONLY_KEYS = {"facts", "evidence", "obligations", "objection_statement", "origin", "created_by"}


def today():
    return timezone.localdate()


def days_ago(n: int) -> datetime.date:
    return today() - datetime.timedelta(days=n)


def token_for(organization, *scopes, name="业务系统"):
    _client, token = organization_services.api_client_create(
        organization=organization, name=name, scopes=list(scopes), actor=None
    )
    return f"Token {token}"


def api_proposal(organization=None, *, civil_servant=None, **overrides) -> dict:
    """proposal_data as JSON: ids for the subject, ISO dates; no subject_organization unless given."""
    data = proposal_data(organization, civil_servant=civil_servant, **overrides)
    payload = {}
    for name, value in data.items():
        if value is None:
            continue
        if hasattr(value, "pk"):
            value = value.pk
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        payload[name] = value
    return payload


def staff(world):
    return world.user(OWN_ORG)


def supervisor(world):
    return world.user(SUPERVISOR)


def record_in(world, until="proposed", organization=None, **overrides) -> DishonestyRecord:
    """A record about the world's department (or, given, the other district's), made through the services."""
    if organization is None:
        subject_side, ruling = staff(world), supervisor(world)
    else:
        subject_side = user_with_role(Role.STAFF, organization)
        ruling = user_with_role(Role.SUPERVISOR, world.other_district)
    return make_record(
        organization or world.department,
        proposer=subject_side,
        subject_actor=subject_side,
        supervisor=ruling,
        until=until,
        **overrides,
    )


def settle_obligations(world, record) -> None:
    """The subject hands in everything it owes and the supervisor accepts it."""
    for obligation in record.obligations.all():
        services.obligation_submit(obligation=obligation, text="已提交说明和整改报告。", actor=staff(world))
        services.obligation_accept(obligation=obligation, actor=supervisor(world))


def published_for_repair(world, *, determined_days_ago: int, civil_servant=None) -> DishonestyRecord:
    """Published, determined `determined_days_ago` days ago, with nothing owed (so repair turns on dates)."""
    extra = {"civil_servant": civil_servant} if civil_servant else {}
    record = services.record_propose(
        data=proposal_data(world.department, occurred_on=days_ago(determined_days_ago + 30), **extra),
        actor=staff(world),
    )
    services.record_waive_objection(record=record, actor=staff(world))
    services.record_confirm(
        record=record,
        reason=REASON,
        actor=supervisor(world),
        determined_on=days_ago(determined_days_ago),
        explanation_required=False,
    )
    return services.record_publish(record=record, actor=supervisor(world))


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def as_persona(api_client, world, persona, method, url, data=None, **extra):
    return request_as(api_client, world.user(persona), method, url, data, **extra)


# --- reading ------------------------------------------------------------------------------------------


def test_anonymous_reads_published_records_only_without_the_inside(api_client, world):
    proposed = record_in(world)
    confirmed = record_in(world, until="confirmed")
    published = record_in(world, until="published")
    body = api_client.get(RECORDS).json()
    assert [row["id"] for row in body["results"]] == [published.pk]
    row = body["results"][0]
    assert row["shape"] == "public"
    assert not INTERNAL_ONLY_KEYS & row.keys()
    assert row["facts_summary"] == published.facts_summary
    assert row["subject"] == {
        "kind": "organization",
        "kind_display": row["subject"]["kind_display"],
        "name": world.department.name,
        "position": "",
        "organization": {"id": world.department.pk, "name": world.department.name},
        "uscc": world.department.uscc,
    }
    # FollowTheMoney's Sanction: authority, reason, status, listing / start / end dates.
    assert row["authority"] == {"id": world.district.pk, "name": world.district.name}
    assert row["reason"] == REASON and row["status"] == "published"
    assert row["listing_date"] == today().isoformat()
    assert row["start_date"] == row["determined_on"] == today().isoformat()
    assert row["end_date"] == published.publicity_ends_on.isoformat()
    assert row["state"] == "rectifying" and row["stage"] == "confirmed"
    for hidden in (proposed, confirmed):
        assert api_client.get(f"{RECORDS}{hidden.pk}/").status_code == 404


def test_a_civil_servants_record_shows_the_public_only_name_position_organization_category_summary(api_client, world):
    person = civil_servant_in(world.department, name="王某", position="科长")
    record = record_in(world, until="published", civil_servant=person)
    url = f"{RECORDS}{record.pk}/"
    for persona in (ANONYMOUS, OTHER_ORG):
        body = as_persona(api_client, world, persona, "get", url).json()
        assert set(body) == PUBLIC_CIVIL_SERVANT_KEYS, persona
        assert body["shape"] == "public_civil_servant"
        assert body["subject"] == {
            "kind": "civil_servant",
            "kind_display": body["subject"]["kind_display"],
            "name": "王某",
            "position": "科长",
            "organization": {"id": world.department.pk, "name": world.department.name},
        }
        text = str(body)
        assert person.resident_id not in text and record.facts not in text
        assert record.source_document_number not in text and record.source_issuing_body not in text
        listed = as_persona(api_client, world, persona, "get", RECORDS).json()["results"]
        assert [set(row) for row in listed] == [PUBLIC_CIVIL_SERVANT_KEYS]
    for persona in (OWN_ORG, SUPERVISOR):
        body = as_persona(api_client, world, persona, "get", url).json()
        assert body["shape"] == "internal" and body["facts"] == record.facts, persona
        assert body["subject"]["civil_servant"] == person.pk
        assert body["source_document_number"] == record.source_document_number
        assert person.resident_id not in str(body)


def test_read_matrix_a_department_sees_its_own_records_not_another_districts(api_client, world):
    proposed = record_in(world)
    theirs = record_in(world, organization=world.other_department)
    published = record_in(world, until="published")
    expected = {
        ANONYMOUS: [published.pk],
        OTHER_ORG: [published.pk, theirs.pk],
        OWN_ORG: [published.pk, proposed.pk],
        SUPERVISOR: [published.pk, proposed.pk],
    }
    for persona, wanted in expected.items():
        assert ids(as_persona(api_client, world, persona, "get", RECORDS)) == wanted, persona
    shapes = {
        persona: as_persona(api_client, world, persona, "get", f"{RECORDS}{published.pk}/").json()["shape"]
        for persona in expected
    }
    assert shapes == {ANONYMOUS: "public", OTHER_ORG: "public", OWN_ORG: "internal", SUPERVISOR: "internal"}
    statuses = {
        persona: as_persona(api_client, world, persona, "get", f"{RECORDS}{proposed.pk}/").status_code
        for persona in expected
    }
    assert statuses == {ANONYMOUS: 404, OTHER_ORG: 404, OWN_ORG: 200, SUPERVISOR: 200}


def test_list_queries_do_not_grow_with_the_page_and_nothing_is_counted(
    api_client, world, django_assert_max_num_queries
):
    person = civil_servant_in(world.department)
    for number in range(3):
        record = record_in(world, until="published", facts_summary=f"未履行判决{number}")
        services.sanction_impose(
            record=record,
            kind=SanctionKind.NOTICE_OF_CRITICISM,
            reason="情节严重，予以通报",
            notice_text="对该单位拒不履行判决的行为予以通报批评。",
            actor=world.users[SUPERVISOR],
        )
    record_in(world, until="published", civil_servant=person)
    proposed = services.record_propose(data=proposal_data(world.department), actor=staff(world), files=[evidence()])
    with django_assert_max_num_queries(2):
        body = api_client.get(RECORDS, {"page_size": 10}).json()
    assert "count" not in body and len(body["results"]) == 4
    for persona, seen in ((OWN_ORG, 5), (SUPERVISOR, 5), (OTHER_ORG, 4)):
        api_client.force_login(world.user(persona))
        # session, user, roles; the page; obligations, sanctions, evidence and repairs of the whole page
        with django_assert_max_num_queries(8):
            body = api_client.get(RECORDS, {"page_size": 10}).json()
        assert len(body["results"]) == seen, persona
    page = api_client.get(RECORDS, {"page_size": 2}).json()
    assert len(page["results"]) == 2 and page["next"]
    assert ids(api_client.get(page["next"])) == [r.pk for r in DishonestyRecord.objects.public().order_by("-id")[2:4]]
    assert proposed.pk not in ids(api_client.get(RECORDS))  # other_org is still signed in


def test_filters(api_client, world):
    person = civil_servant_in(world.department)
    court = record_in(world, until="published")
    cadre = record_in(world, until="published", civil_servant=person, category="disciplinary_sanction")
    theirs = record_in(world, until="published", organization=world.other_department, severity="serious")

    def found(**params):
        return set(ids(api_client.get(RECORDS, params)))

    assert found(category="court_judgment_default") == {court.pk, theirs.pk}
    assert found(subject_kind="civil_servant") == {cadre.pk}
    assert found(severity="serious") == {theirs.pk}
    assert found(subject_organization=world.department.pk) == {court.pk, cadre.pk}
    assert found(uscc=world.other_department.uscc.lower()) == {theirs.pk}
    assert found(determined_after=today().isoformat()) == {court.pk, cadre.pk, theirs.pk}
    assert found(determined_before=days_ago(1).isoformat()) == set()
    assert found(rectification_state="in_progress", stage="confirmed", status="published") == {
        court.pk,
        cadre.pk,
        theirs.pk,
    }
    assert found(status="draft") == set()  # a filter never widens what the caller may see
    bad = api_client.get(RECORDS, {"determined_after": "yesterday", "category": "murder"})
    assert bad.status_code == 400 and {"determined_after", "category"} <= set(bad.json())


# --- proposing ----------------------------------------------------------------------------------------


def test_a_write_token_proposes_for_its_own_organization(api_client, world):
    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "write"))
    response = api_client.post(RECORDS, api_proposal(), format="json")  # the subject defaults to the client's body
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["shape"] == "internal" and body["stage"] == "proposed" and body["status"] == "draft"
    assert body["subject"]["organization"]["id"] == world.department.pk and body["origin"] == "staff"
    assert body["objection_open"] and body["objection_deadline"] > today().isoformat()
    record = DishonestyRecord.objects.get()
    assert record.created_by_label.startswith("api:")
    # It sees its proposal; another organization's clients do not.
    assert ids(api_client.get(RECORDS)) == [record.pk]
    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.other_department, "write", name="乙"))
    assert api_client.get(f"{RECORDS}{record.pk}/").status_code == 404


def test_a_write_token_is_refused_for_another_organization_and_its_people(api_client, world):
    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "write"))
    response = api_client.post(RECORDS + "?language=en", api_proposal(world.other_department), format="json")
    assert response.status_code == 400
    assert response.json()["subject_organization"] == [
        "You may propose records only for your own organization or within your jurisdiction."
    ]
    stranger = civil_servant_in(world.other_department)
    response = api_client.post(RECORDS, api_proposal(civil_servant=stranger), format="json")
    assert response.status_code == 400 and "civil_servant" in response.json()
    mine = civil_servant_in(world.department, name="李某")
    response = api_client.post(RECORDS, api_proposal(civil_servant=mine), format="json")
    assert response.status_code == 201 and response.json()["subject"]["name"] == "李某"
    assert DishonestyRecord.objects.count() == 1


def test_a_read_token_and_anonymous_callers_cannot_propose(api_client, world):
    assert api_client.post(RECORDS, api_proposal(world.department), format="json").status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "read"))
    assert api_client.post(RECORDS, api_proposal(world.department), format="json").status_code == 403
    assert not DishonestyRecord.objects.exists()


def test_propose_matrix_for_signed_in_users(api_client, world):
    payload = api_proposal(world.department)
    got = {
        persona: as_persona(api_client, world, persona, "post", RECORDS, payload, format="json").status_code
        for persona in (ANONYMOUS, OTHER_ORG, OWN_ORG, SUPERVISOR)
    }
    assert got == {ANONYMOUS: 401, OTHER_ORG: 400, OWN_ORG: 201, SUPERVISOR: 201}
    assert sorted(DishonestyRecord.objects.values_list("origin", flat=True)) == ["staff", "supervisor"]


def test_field_errors_come_back_per_field_in_english(api_client, world):
    api_client.force_login(staff(world))
    payload = api_proposal(world.department, facts="太短", facts_summary="", occurred_on=days_ago(-3).isoformat())
    response = api_client.post(RECORDS, payload, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    errors = response.json()
    assert errors["facts"] == ["Describe the facts (at least ten characters)."]
    assert "occurred_on" in errors and "facts_summary" in errors
    missing = api_client.post(RECORDS + "?language=en", {"subject_kind": "organization"}, format="json").json()
    assert {"category", "facts", "occurred_on", "source_kind", "source_issuing_body"} <= set(missing)


def test_a_multipart_proposal_keeps_its_evidence_for_staff_only(api_client, world):
    api_client.force_login(staff(world))
    payload = {**api_proposal(world.department), "files": [evidence("判决书.pdf"), evidence("通知.pdf", b"%PDF-2")]}
    response = api_client.post(RECORDS, payload, format="multipart")
    assert response.status_code == 201, response.json()
    files = response.json()["evidence"]
    assert [f["original_name"] for f in files] == ["判决书.pdf", "通知.pdf"]
    assert files[0]["stage"] == "proposal" and len(files[0]["sha256"]) == 64
    download = api_client.get(files[0]["download"])
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="evidence.download", target_id=str(files[0]["id"])).count() == 1
    api_client.force_login(world.user(OTHER_ORG))
    assert api_client.get(files[0]["download"]).status_code == 404
    api_client.logout()
    assert api_client.get(files[0]["download"]).status_code == 401
    bad = {**api_proposal(world.department), "files": [evidence("病毒.exe")]}
    api_client.force_login(staff(world))
    refused = api_client.post(RECORDS, bad, format="multipart")
    assert refused.status_code == 400 and "files" in refused.json()
    assert Evidence.objects.count() == 2


def test_a_proposal_names_the_published_record_it_came_from(api_client, world):
    penalty = make_penalty(world.department)
    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "write"))
    payload = {**api_proposal(), "origin_record_type": "disclosures.penalty", "origin_record_id": penalty.pk}
    response = api_client.post(RECORDS, payload, format="json")
    assert response.status_code == 201, response.json()
    assert (response.json()["origin_record_type"], response.json()["origin_record_id"]) == (
        "disclosures.penalty",
        penalty.pk,
    )
    unknown = api_client.post(
        RECORDS + "?language=en", {**payload, "origin_record_type": "pledges.pledge"}, format="json"
    )
    assert unknown.status_code == 400 and unknown.json() == {"origin_record_type": ["Unknown kind of record."]}
    missing = api_client.post(RECORDS + "?language=en", {**payload, "origin_record_id": 999999}, format="json")
    assert missing.status_code == 400 and missing.json() == {"origin_record_id": ["No such record."]}
    # Another district's unpublished draft exists, but this caller cannot see it: it answers like a missing one.
    hidden = make_penalty(world.other_department, published=False)
    probe = api_client.post(RECORDS + "?language=en", {**payload, "origin_record_id": hidden.pk}, format="json")
    assert probe.status_code == 400 and probe.json() == {"origin_record_id": ["No such record."]}
    assert DishonestyRecord.objects.count() == 1


def test_amending_a_proposal(api_client, world):
    record = record_in(world)
    api_client.force_login(staff(world))
    url = f"{RECORDS}{record.pk}/"
    response = api_client.patch(url, {"facts_summary": "逾期未履行判决", "severity": "serious"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["facts_summary"] == "逾期未履行判决" and response.json()["severity"] == "serious"
    moved = api_client.patch(url, {"subject_organization": world.other_department.pk}, format="json")
    assert moved.status_code == 400 and "subject_organization" in moved.json()
    api_client.force_login(world.user(OTHER_ORG))
    assert api_client.patch(url, {"facts_summary": "x"}, format="json").status_code == 404
    confirmed = record_in(world, until="confirmed")
    api_client.force_login(staff(world))
    refused = api_client.patch(f"{RECORDS}{confirmed.pk}/?language=en", {"facts_summary": "改"}, format="json")
    assert refused.status_code == 400
    assert "Only a proposal can be edited" in refused.json()["non_field_errors"][0]


# --- the subject's side and the ruling ----------------------------------------------------------------


def test_the_subject_objects_with_a_token_and_a_supervisor_rules(api_client, world):
    record = record_in(world)
    url = f"{RECORDS}{record.pk}/"
    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "write"))
    short = api_client.post(url + "object/?language=en", {"statement": "不同意"}, format="multipart")
    assert short.status_code == 400 and short.json()["statement"] == ["State your objection (at least ten characters)."]
    statement = "判决已于上月履行完毕，附银行回单，请予核实。"
    response = api_client.post(
        url + "object/", {"statement": statement, "files": [evidence("回单.pdf")]}, format="multipart"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["stage"] == "objected" and response.json()["objection_statement"] == statement
    assert response.json()["evidence"][0]["stage"] == "objection"
    again = api_client.post(url + "object/?language=en", {"statement": statement}, format="json")
    assert again.status_code == 400
    assert again.json()["non_field_errors"] == ["An objection can be filed only while a proposal awaits it."]
    # The token may not rule; the supervisor may (the objection opened the way).
    assert api_client.post(url + "dismiss/", {"reason": "理由充分"}, format="json").status_code == 403
    api_client.credentials()
    api_client.force_login(supervisor(world))
    dismissed = api_client.post(url + "dismiss/", {"reason": "经核实已履行判决"}, format="json")
    assert dismissed.status_code == 200 and dismissed.json()["stage"] == "dismissed"
    assert dismissed.json()["state"] == "dismissed"


def test_waiving_the_objection_lets_the_supervisor_rule_at_once(api_client, world):
    record = record_in(world)
    url = f"{RECORDS}{record.pk}/"
    api_client.force_login(supervisor(world))
    early = api_client.post(url + "confirm/", {"reason": REASON})
    assert early.status_code == 400
    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "review"))
    waived = api_client.post(url + "waive-objection/")
    assert waived.status_code == 200 and waived.json()["objection_waived_at"] and not waived.json()["objection_open"]
    twice = api_client.post(url + "waive-objection/?language=en")
    assert twice.status_code == 400
    assert twice.json()["non_field_errors"] == ["Only an open objection period can be waived."]
    api_client.credentials()
    confirmed = api_client.post(url + "confirm/", {"reason": REASON, "explanation_required": False})
    assert confirmed.status_code == 200 and confirmed.json()["obligations"] == []
    assert confirmed.json()["rectification_state"] == "none"


def test_confirm_matrix_and_what_confirmation_starts(api_client, world):
    payload = {
        "reason": REASON,
        "severity": "serious",
        "explanation_working_days": 5,
        "rectification_requirement": "三个月内履行判决并提交履行凭证。",
        "rectification_working_days": 20,
    }
    got = {}
    for persona in (ANONYMOUS, OTHER_ORG, OWN_ORG, SUPERVISOR):
        record = record_in(world, until="waived")
        response = as_persona(api_client, world, persona, "post", f"{RECORDS}{record.pk}/confirm/", payload)
        got[persona] = response.status_code
        record.refresh_from_db()
        assert (record.stage == Stage.CONFIRMED) == (persona == SUPERVISOR)
    assert got == {ANONYMOUS: 401, OTHER_ORG: 404, OWN_ORG: 403, SUPERVISOR: 200}
    body = response.json()
    assert body["severity"] == "serious" and body["state"] == "confirmed" and body["status"] == "draft"
    assert body["authority"]["id"] == world.district.pk
    assert body["publicity_min_ends_on"] and body["end_date"] > body["publicity_min_ends_on"]
    assert sorted(o["kind"] for o in body["obligations"]) == ["explanation", "rectification"]
    assert body["rectification_state"] == "in_progress"


def test_dismiss_and_publish_matrix(api_client, world):
    for action, until, data, check in (
        ("dismiss", "waived", {"reason": "证据不足，不予认定"}, lambda r: r.stage == Stage.DISMISSED),
        ("publish", "confirmed", None, lambda r: r.status == PublicationStatus.PUBLISHED),
    ):
        got = {}
        for persona in (ANONYMOUS, OTHER_ORG, OWN_ORG, SUPERVISOR):
            record = record_in(world, until=until)
            got[persona] = as_persona(
                api_client, world, persona, "post", f"{RECORDS}{record.pk}/{action}/", data
            ).status_code
            record.refresh_from_db()
            assert check(record) == (persona == SUPERVISOR), (action, persona)
        assert got == {ANONYMOUS: 401, OTHER_ORG: 404, OWN_ORG: 403, SUPERVISOR: 200}, action


def test_publishing_enters_the_ledger_and_the_outbox(api_client, world):
    record = record_in(world, until="confirmed")
    api_client.force_login(supervisor(world))
    response = api_client.post(f"{RECORDS}{record.pk}/publish/")
    assert response.status_code == 200 and response.json()["version"] == 1
    assert LedgerEntry.objects.filter(record_type=RECORD_TYPE, record_id=record.pk, action="publish").exists()
    assert OutboxEntry.objects.filter(record_type=RECORD_TYPE, record_id=record.pk, action="publish").exists()
    api_client.logout()
    assert ids(api_client.get(RECORDS)) == [record.pk]


def test_illegal_transitions_are_refused_with_the_services_message(api_client, world):
    api_client.force_login(supervisor(world))
    fresh = record_in(world)
    response = api_client.post(f"{RECORDS}{fresh.pk}/confirm/?language=en", {"reason": REASON})
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == [
        f"The subject may object until {fresh.objection_deadline.isoformat()}; rule after that, "
        "or once they object or waive it."
    ]
    publish = api_client.post(f"{RECORDS}{fresh.pk}/publish/", HTTP_ACCEPT_LANGUAGE="en")
    assert publish.status_code == 400
    assert publish.json()["non_field_errors"] == ["Only a confirmed record can be published."]
    confirmed = record_in(world, until="confirmed")
    again = api_client.post(f"{RECORDS}{confirmed.pk}/confirm/?language=en", {"reason": REASON})
    assert again.status_code == 400
    assert again.json()["non_field_errors"] == ["This record was already ruled on (confirmed)."]
    dismiss = api_client.post(f"{RECORDS}{confirmed.pk}/dismiss/?language=en", {"reason": REASON})
    assert dismiss.status_code == 400 and "already ruled on" in dismiss.json()["non_field_errors"][0]
    withdraw = api_client.post(f"{RECORDS}{fresh.pk}/withdraw/?language=en", {"reason": "撤销原认定"})
    assert withdraw.status_code == 400
    assert withdraw.json()["non_field_errors"] == [
        "Only a confirmed record is withdrawn; a proposal is dismissed instead."
    ]
    waive = api_client.post(f"{RECORDS}{confirmed.pk}/waive-objection/")
    assert waive.status_code == 403  # the supervisor is not the subject's side
    # Four eyes: a supervisor does not confirm their own proposal.
    own = services.record_propose(data=proposal_data(world.department), actor=supervisor(world))
    services.record_waive_objection(record=own, actor=staff(world))
    mine = api_client.post(f"{RECORDS}{own.pk}/confirm/?language=en", {"reason": REASON})
    assert mine.status_code == 400
    assert mine.json()["non_field_errors"] == ["You proposed this record yourself; another supervisor must rule on it."]
    missing = api_client.post(f"{RECORDS}{own.pk}/dismiss/?language=en", {"reason": ""})
    assert missing.status_code == 400 and missing.json()["reason"] == ["Give the reasons for the dismissal."]


def test_a_record_confirmed_as_not_for_publication_is_not_published(api_client, world):
    record = record_in(world, until="waived")
    api_client.force_login(supervisor(world))
    url = f"{RECORDS}{record.pk}/"
    bare = api_client.post(url + "confirm/?language=en", {"reason": REASON, "publication_allowed": False})
    assert bare.status_code == 400
    assert bare.json() == {"publication_restriction": ["Say why this record may not be published."]}
    restriction = "涉及国家秘密，不予公开"
    confirmed = api_client.post(
        url + "confirm/", {"reason": REASON, "publication_allowed": False, "publication_restriction": restriction}
    )
    assert confirmed.status_code == 200 and confirmed.json()["publication_restriction"] == restriction
    refused = api_client.post(url + "publish/?language=en")
    assert refused.status_code == 400
    assert refused.json()["non_field_errors"] == [f"This record is not to be published: {restriction}"]
    api_client.logout()
    assert ids(api_client.get(RECORDS)) == []


def test_amending_needs_a_proposers_role(api_client, world):
    record = record_in(world)
    url = f"{RECORDS}{record.pk}/"
    assert api_client.patch(url, {"facts_summary": "改"}, format="json").status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "review"))
    assert api_client.patch(url, {"facts_summary": "逾期未履行判决"}, format="json").status_code == 403
    api_client.credentials()
    api_client.force_login(supervisor(world))
    response = api_client.patch(url, {"facts_summary": "逾期未履行判决"}, format="json")
    assert response.status_code == 200 and response.json()["facts_summary"] == "逾期未履行判决"


def test_withdraw_and_correct(api_client, world):
    record = record_in(world, until="published")
    sanction = services.sanction_impose(
        record=record,
        kind=SanctionKind.HONOURS_INELIGIBILITY,
        reason="取消年度评优资格",
        end_on=today() + datetime.timedelta(days=90),
        actor=supervisor(world),
    )
    api_client.force_login(supervisor(world))
    url = f"{RECORDS}{record.pk}/"
    corrected = api_client.post(url + "correct/", {"facts_summary": "逾期六个月未履行判决", "reason": "更正摘要"})
    # Version 2 announced the sanction (it is part of the published record), version 3 is this correction.
    assert corrected.status_code == 200 and corrected.json()["version"] == 3
    assert corrected.json()["facts_summary"] == "逾期六个月未履行判决"
    nothing = api_client.post(
        url + "correct/?language=en", {"facts_summary": "逾期六个月未履行判决", "reason": "再次更正摘要"}
    )
    assert nothing.status_code == 400 and nothing.json()["non_field_errors"] == ["Nothing was changed."]
    withdrawn = api_client.post(url + "withdraw/", {"reason": "原判决已被撤销"})
    assert withdrawn.status_code == 200 and withdrawn.json()["state"] == "withdrawn"
    assert withdrawn.json()["sanctions"][0]["status"] == "lifted"
    assert api_client.get(f"{SANCTIONS}{sanction.pk}/").json()["lift_reason"] == "原判决已被撤销"
    api_client.logout()
    assert api_client.get(url).status_code == 404


# --- obligations ----------------------------------------------------------------------------------------


def test_obligations_matrix_submit_accept_and_return(api_client, world):
    record = record_in(world, until="published")
    explanation, rectification = Obligation.objects.filter(record=record).order_by("kind")
    theirs = record_in(world, until="confirmed", organization=world.other_department)
    seen = {
        persona: as_persona(api_client, world, persona, "get", OBLIGATIONS)
        for persona in (ANONYMOUS, OTHER_ORG, OWN_ORG, SUPERVISOR)
    }
    assert seen[ANONYMOUS].status_code == 401
    assert set(ids(seen[OTHER_ORG])) == set(theirs.obligations.values_list("pk", flat=True))
    assert set(ids(seen[OWN_ORG])) == set(ids(seen[SUPERVISOR])) == {explanation.pk, rectification.pk}

    url = f"{OBLIGATIONS}{rectification.pk}/"
    submitted = {
        persona: as_persona(
            api_client, world, persona, "post", url + "submit/", {"text": "已履行判决，附履行凭证。"}
        ).status_code
        for persona in (ANONYMOUS, OTHER_ORG, SUPERVISOR)
    }
    assert submitted == {ANONYMOUS: 401, OTHER_ORG: 404, SUPERVISOR: 403}
    api_client.force_login(staff(world))
    response = api_client.post(
        url + "submit/", {"text": "已履行判决，附履行凭证。", "files": [evidence("凭证.pdf")]}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["decision"] == "pending" and response.json()["evidence"][0]["stage"] == "submission"
    assert api_client.post(url + "accept/", {}).status_code == 403

    api_client.force_login(supervisor(world))
    returned = api_client.post(url + "return/", {"reason": "凭证不完整", "extra_working_days": 5})
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    assert returned.json()["submissions"][0]["decision"] == "returned"
    nothing = api_client.post(url + "accept/?language=en", {})
    assert nothing.status_code == 400 and nothing.json()["non_field_errors"] == ["Nothing is waiting for review here."]

    api_client.force_login(staff(world))
    assert api_client.post(url + "submit/", {"text": "补充提交完整凭证材料。"}).status_code == 201
    api_client.force_login(supervisor(world))
    accepted = api_client.post(url + "accept/", {"note": "材料齐全"})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert [s["decision"] for s in accepted.json()["submissions"]] == ["returned", "accepted"]
    assert ids(api_client.get(OBLIGATIONS, {"status": "accepted"})) == [rectification.pk]
    assert ids(api_client.get(OBLIGATIONS, {"kind": "explanation", "record": record.pk})) == [explanation.pk]


def test_obligation_list_query_count(api_client, world, django_assert_max_num_queries):
    for _ in range(3):
        record = record_in(world, until="confirmed")
        obligation = record.obligations.first()
        services.obligation_submit(
            obligation=obligation, text="说明情况，附上相关材料。", actor=staff(world), files=[evidence()]
        )
    api_client.force_login(supervisor(world))
    with django_assert_max_num_queries(6):  # session, user, roles; the page; submissions; their evidence
        assert len(ids(api_client.get(OBLIGATIONS))) == 6


# --- credit repair --------------------------------------------------------------------------------------


def test_repair_before_the_minimum_period_is_refused_with_the_date(api_client, world):
    record = published_for_repair(world, determined_days_ago=10)
    api_client.force_login(staff(world))
    response = api_client.post(
        f"{RECORDS}{record.pk}/repair/?language=en",
        {"statement": "已全面整改，申请信用修复。", "files": [evidence()]},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == [
        f"Credit repair can be applied for from {record.publicity_min_ends_on.isoformat()}, "
        "when the minimum publicity period ends."
    ]
    assert not RepairApplication.objects.exists()


def test_repair_after_the_minimum_period_approved_leaves_public_view_with_ledger_and_outbox(api_client, world):
    record = published_for_repair(world, determined_days_ago=120)
    assert record.publicity_min_ends_on < today() < record.publicity_ends_on
    url = f"{RECORDS}{record.pk}/repair/"
    api_client.force_login(staff(world))
    no_files = api_client.post(url + "?language=en", {"statement": "已全面整改，申请信用修复。"}, format="multipart")
    assert no_files.status_code == 400 and no_files.json()["files"] == ["Attach at least one file as evidence."]
    response = api_client.post(
        url, {"statement": "已全面整改，申请信用修复。", "files": [evidence()]}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    application = response.json()
    assert application["status"] == "submitted" and application["review_due_on"] > today().isoformat()
    assert application["evidence"][0]["stage"] == "repair"
    twice = api_client.post(url, {"statement": "再次申请信用修复。", "files": [evidence()]}, format="multipart")
    assert twice.status_code == 400

    repair_url = f"{REPAIRS}{application['id']}/"
    decided = {
        persona: as_persona(api_client, world, persona, "post", repair_url + "approve/", {"reason": "整改到位"})
        for persona in (ANONYMOUS, OTHER_ORG, OWN_ORG)
    }
    assert {p: r.status_code for p, r in decided.items()} == {ANONYMOUS: 401, OTHER_ORG: 404, OWN_ORG: 403}
    api_client.logout()
    assert record.pk in ids(api_client.get(RECORDS))

    api_client.force_login(supervisor(world))
    approved = api_client.post(repair_url + "approve/", {"reason": "整改到位，准予修复"})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    api_client.logout()
    assert ids(api_client.get(RECORDS)) == []
    assert api_client.get(f"{RECORDS}{record.pk}/").status_code == 404
    assert LedgerEntry.objects.filter(record_type=RECORD_TYPE, record_id=record.pk, action="repair").count() == 1
    assert OutboxEntry.objects.filter(record_type=RECORD_TYPE, record_id=record.pk, action="repair").count() == 1

    # The applicant follows the result online; the record is kept inside.
    api_client.force_login(staff(world))
    progress = api_client.get(repair_url).json()
    assert progress["status"] == "approved" and progress["decision_reason"] == "整改到位，准予修复"
    assert progress["result_shared_by"] and progress["decided_by_label"]
    inside = api_client.get(f"{RECORDS}{record.pk}/").json()
    assert inside["state"] == "repaired" and inside["repair_applications"][0]["status"] == "approved"
    api_client.force_login(supervisor(world))
    again = api_client.post(repair_url + "approve/?language=en", {"reason": "重复"})
    assert again.status_code == 400
    assert again.json()["non_field_errors"] == ["This application was already decided (approved)."]


def test_repair_rejected_stays_public_and_other_orgs_cannot_follow_it(api_client, world):
    record = published_for_repair(world, determined_days_ago=120)
    application = services.repair_apply(
        record=record, statement="已全面整改，申请信用修复。", files=[evidence()], actor=staff(world)
    )
    url = f"{REPAIRS}{application.pk}/"
    got = {p: as_persona(api_client, world, p, "get", url).status_code for p in (ANONYMOUS, OTHER_ORG, OWN_ORG)}
    assert got == {ANONYMOUS: 401, OTHER_ORG: 404, OWN_ORG: 200}
    api_client.force_login(supervisor(world))
    assert ids(api_client.get(REPAIRS, {"status": "submitted"})) == [application.pk]
    rejected = api_client.post(url + "reject/", {"reason": "整改材料不足"})
    assert rejected.status_code == 200 and rejected.json()["status"] == RepairStatus.REJECTED
    api_client.logout()
    assert ids(api_client.get(RECORDS)) == [record.pk]


# --- sanctions --------------------------------------------------------------------------------------------


def test_sanctions_imposed_lifted_and_an_accountability_outcome(api_client, world):
    record = record_in(world, until="published")
    url = f"{RECORDS}{record.pk}/sanctions/"
    notice = {
        "kind": "notice_of_criticism",
        "reason": "拒不履行判决",
        "notice_text": "对该单位拒不履行生效判决的行为予以通报批评。",
    }
    got = {
        p: as_persona(api_client, world, p, "post", url, notice).status_code for p in (ANONYMOUS, OTHER_ORG, OWN_ORG)
    }
    assert got == {ANONYMOUS: 401, OTHER_ORG: 404, OWN_ORG: 403}
    api_client.force_login(supervisor(world))
    assert api_client.post(url, notice).status_code == 201
    bad = api_client.post(url + "?language=en", {"kind": "honours_ineligibility", "reason": "取消评优"})
    assert bad.status_code == 400 and bad.json()["end_on"] == ["Say until when honours and awards are barred."]
    referral = api_client.post(url, {"kind": "accountability_referral", "reason": "移送问责", "referred_to": "区纪委"})
    assert referral.status_code == 201
    sanction_url = f"{SANCTIONS}{referral.json()['id']}/"
    outcome = api_client.post(sanction_url + "outcome/", {"outcome": "对相关责任人诫勉谈话", "outcome_on": today()})
    assert outcome.status_code == 200 and outcome.json()["outcome"] == "对相关责任人诫勉谈话"
    lifted = api_client.post(sanction_url + "lift/", {"reason": "问责程序终结"})
    assert lifted.status_code == 200 and lifted.json()["status"] == "lifted"
    twice = api_client.post(sanction_url + "lift/?language=en", {"reason": "问责程序终结"})
    assert twice.status_code == 400 and twice.json()["non_field_errors"] == ["This sanction was already lifted."]
    # The public sees the notice on the record, not the referral.
    api_client.logout()
    public = api_client.get(f"{RECORDS}{record.pk}/").json()
    assert [s["kind"] for s in public["sanctions"]] == ["notice_of_criticism"]
    assert public["sanctions"][0]["notice_text"] == notice["notice_text"]
    assert api_client.get(SANCTIONS).status_code == 401
    api_client.force_login(staff(world))
    assert api_client.post(sanction_url + "lift/", {"reason": "撤销"}).status_code == 403
    api_client.force_login(world.user(OTHER_ORG))
    assert api_client.get(sanction_url).status_code == 404


def test_repair_and_sanction_lists_are_in_scope_only_and_cheap(api_client, world, django_assert_max_num_queries):
    for _ in range(3):
        record = published_for_repair(world, determined_days_ago=120)
        services.repair_apply(
            record=record, statement="已全面整改，申请信用修复。", files=[evidence()], actor=staff(world)
        )
        services.sanction_impose(
            record=record,
            kind=SanctionKind.ACCOUNTABILITY_REFERRAL,
            reason="移送问责",
            referred_to="区纪委",
            actor=supervisor(world),
        )
    for persona, seen in ((OWN_ORG, 3), (SUPERVISOR, 3), (OTHER_ORG, 0)):
        api_client.force_login(world.user(persona))
        with django_assert_max_num_queries(5):  # session, user, roles; the page; the evidence of the page
            assert len(ids(api_client.get(REPAIRS))) == seen, persona
        with django_assert_max_num_queries(4):
            assert len(ids(api_client.get(SANCTIONS, {"kind": "accountability_referral"}))) == seen, persona


# --- credit checks -------------------------------------------------------------------------------------


def integrity_url(organization_or_id) -> str:
    pk = getattr(organization_or_id, "pk", organization_or_id)
    return f"/api/v1/organizations/{pk}/integrity/"


def barred_from_honours(world, *, days: int):
    """A published record whose obligations are settled, barring its body from honours for `days`."""
    record = record_in(world, until="published")
    settle_obligations(world, record)
    until = today() + datetime.timedelta(days=days)
    services.sanction_impose(
        record=record,
        kind=SanctionKind.HONOURS_INELIGIBILITY,
        reason="拒不履行判决",
        end_on=until,
        actor=supervisor(world),
    )
    return record, until


def test_integrity_eligibility_follows_the_sanctions_end_date(api_client, world):
    record, until = barred_from_honours(world, days=180)
    # Any client of any organization may check any active body.
    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.other_department, "read"))
    body = api_client.get(integrity_url(world.department), {"on": until.isoformat(), "language": "en"}).json()
    assert body["checked_on"] == until.isoformat() and body["records_shown"] == "public"
    assert body["honours_eligibility"]["eligible"] is False
    (reason,) = body["honours_eligibility"]["reasons"]
    assert reason["code"] == "honours_ineligibility" and reason["until"] == until.isoformat()
    assert reason["record_id"] == record.pk and until.isoformat() in reason["text"]
    assert [s["kind"] for s in body["active_sanctions"]] == ["honours_ineligibility"]
    assert [r["id"] for r in body["open_records"]] == [record.pk]
    assert body["category_counts"] == {"court_judgment_default": 1} and body["open_record_count"] == 1
    after = api_client.get(integrity_url(world.department), {"on": (until + datetime.timedelta(days=1)).isoformat()})
    assert after.json()["honours_eligibility"] == {"eligible": True, "reasons": [], "more_reasons": False}
    assert after.json()["active_sanctions"] == []
    today_check = api_client.get(integrity_url(world.department)).json()
    assert today_check["checked_on"] == today().isoformat() and not today_check["honours_eligibility"]["eligible"]
    assert api_client.get(integrity_url(world.department), {"on": "soon"}).status_code == 400


def test_an_in_scope_credit_check_reads_the_sanctions_in_force_once(api_client, world, django_assert_num_queries):
    record, until = barred_from_honours(world, days=90)
    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "read"))
    api_client.get(integrity_url(world.department))  # the token's first use is recorded; count the next
    # token and client (one query); the body; the caller's roles; records; the ids of the records that count;
    # counts; sanctions (once); overdue obligations
    with django_assert_num_queries(7):
        body = api_client.get(integrity_url(world.department), {"language": "en"}).json()
    assert body["records_shown"] == "all" and body["honours_eligibility"]["eligible"] is False
    (reason,) = body["honours_eligibility"]["reasons"]
    assert (reason["record_id"], reason["until"]) == (record.pk, until.isoformat())


def test_integrity_reports_an_overdue_rectification(api_client, world):
    record = record_in(world, until="confirmed")  # not published: only callers within reach see the record
    rectification = record.obligations.get(kind="rectification")
    later = (rectification.due_on + datetime.timedelta(days=1)).isoformat()
    api_client.force_login(staff(world))
    body = api_client.get(integrity_url(world.department), {"on": later, "language": "en"}).json()
    assert body["records_shown"] == "all" and [r["id"] for r in body["open_records"]] == [record.pk]
    reasons = body["honours_eligibility"]["reasons"]
    assert body["honours_eligibility"]["eligible"] is False
    assert {r["code"] for r in reasons} == {"rectification_overdue"}
    assert any(rectification.due_on.isoformat() in r["text"] and "has not been handed in" in r["text"] for r in reasons)
    api_client.force_login(world.user(OTHER_ORG))
    outside = api_client.get(integrity_url(world.department), {"on": later}).json()
    assert outside["records_shown"] == "public" and outside["open_records"] == []
    # Computed from every record still counting; to a checker outside the body's reach it names no record.
    assert outside["honours_eligibility"]["eligible"] is False
    hidden = api_client.get(integrity_url(world.department), {"on": later, "language": "en"}).json()
    for reason in hidden["honours_eligibility"]["reasons"]:
        assert reason["record_id"] is None and reason["reference"] == ""
        assert reason["text"] == "An explanation or rectification owed under a record not on public view is overdue."
    assert record.facts_summary not in str(hidden)
    on_time = api_client.get(integrity_url(world.department)).json()
    assert on_time["honours_eligibility"]["eligible"] is True


def test_integrity_needs_an_authenticated_caller_and_an_active_body(api_client, world):
    assert api_client.get(integrity_url(world.department)).status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "write"))
    assert api_client.get(integrity_url(999999)).status_code == 404
    world.other_department.is_active = False
    world.other_department.save(update_fields=["is_active"])
    assert api_client.get(integrity_url(world.other_department)).status_code == 404
    assert api_client.get(integrity_url(world.department)).json()["honours_eligibility"]["eligible"] is True


def test_civil_servant_integrity_only_for_personnel_and_supervisors(api_client, world):
    person = civil_servant_in(world.department, name="赵某")
    record = record_in(world, until="published", civil_servant=person)
    settle_obligations(world, record)
    services.sanction_impose(
        record=record,
        kind=SanctionKind.HONOURS_INELIGIBILITY,
        reason="受到纪律处分",
        end_on=today() + datetime.timedelta(days=30),
        actor=supervisor(world),
    )
    url = f"/api/v1/civil-servants/{person.pk}/integrity/"
    got = {p: as_persona(api_client, world, p, "get", url).status_code for p in (ANONYMOUS, OTHER_ORG, OWN_ORG)}
    assert got == {ANONYMOUS: 401, OTHER_ORG: 404, OWN_ORG: 404}
    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "write", "review"))
    assert api_client.get(url).status_code == 404
    api_client.credentials()
    personnel = user_with_role(Role.PERSONNEL_OFFICER, world.district)
    for user in (supervisor(world), personnel):
        api_client.force_login(user)
        body = api_client.get(url).json()
        assert body["civil_servant"]["name"] == "赵某" and body["honours_eligibility"]["eligible"] is False
        assert [r["id"] for r in body["open_records"]] == [record.pk]
        assert person.resident_id not in str(body)
    later = (today() + datetime.timedelta(days=31)).isoformat()
    assert api_client.get(url, {"on": later}).json()["honours_eligibility"]["eligible"] is True
    assert api_client.get("/api/v1/civil-servants/999999/integrity/").status_code == 404


# --- documentation ---------------------------------------------------------------------------------------


def test_schema_documents_the_endpoints(client):
    text = client.get("/api/schema/").content.decode()
    for path in (
        "/api/v1/dishonesty-records/",
        "/api/v1/dishonesty-records/{id}/confirm/",
        "/api/v1/dishonesty-records/{id}/repair/",
        "/api/v1/dishonesty-obligations/{id}/submit/",
        "/api/v1/dishonesty-repairs/{id}/approve/",
        "/api/v1/dishonesty-sanctions/{id}/lift/",
        "/api/v1/organizations/{id}/integrity/",
        "/api/v1/civil-servants/{id}/integrity/",
    ):
        assert path in text
    assert "PublicCivilServantRecord" in text and "（2026）浙0106执123号" in text
