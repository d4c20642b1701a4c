"""Natural persons' ID numbers in disclosures: masked in audit rows, edit forms and the API for every
caller; whole only through the audited reveal (web detail page, API reveal-id, export with a reason)."""

import json

import pytest
from django.urls import reverse

from core.identifiers import mask_resident_id, resident_id_check_character
from core.models import AuditEvent
from disclosures import services
from tests.factories import make_resident_id
from tests.permissions import ANONYMOUS, OTHER_ORG, OWN_ORG, SUPERVISOR, assert_matrix, request_as

from .factories import clerk_and_reviewer, make_natural_person_penalty, make_penalty
from .test_api import PENALTIES, token_for

pytestmark = pytest.mark.django_db


def with_other_hidden_digits(number: str) -> str:
    """Another valid number that masks the same: only the year of birth differs."""
    for year in range(1950, 2000):
        body = f"{number[:6]}{year}{number[10:17]}"
        candidate = body + resident_id_check_character(body)
        if candidate != number and candidate[-4:] == number[-4:]:
            return candidate
    raise AssertionError("no such number")


def all_audit_json() -> str:
    return " ".join(
        json.dumps([event.before, event.after, event.target_repr], ensure_ascii=False)
        for event in AuditEvent.objects.all()
    )


@pytest.fixture
def person(world):
    """A published penalty on a natural person, and a company whose legal representative has an ID."""
    return make_natural_person_penalty(world.department)


@pytest.fixture
def company_draft(world):
    return make_penalty(
        world.department,
        published=False,
        legal_representative_id_type="resident_id",
        legal_representative_id_number=make_resident_id(88),
    )


# --- audit rows -----------------------------------------------------------------------------------


def test_create_update_and_correct_leave_no_whole_id_number_in_audit_rows(world, person, company_draft):
    clerk, reviewer = clerk_and_reviewer(world.department)
    first, legal = person.subject_id_number, company_draft.legal_representative_id_number
    hidden_digits_changed = with_other_hidden_digits(first)
    draft = make_natural_person_penalty(world.department, published=False)
    draft_number = draft.subject_id_number
    services.disclosure_update(record=draft, data={"subject_id_number": make_resident_id(501)}, actor=clerk)
    services.disclosure_update(
        record=company_draft, data={"legal_representative_id_number": make_resident_id(502)}, actor=clerk
    )
    corrected = services.disclosure_correct(
        record=person, data={"subject_id_number": hidden_digits_changed}, reason="出生年份录入错误", actor=reviewer
    )
    assert corrected.subject_id_number == hidden_digits_changed  # the record keeps the whole number

    stored = all_audit_json()
    for number in (first, legal, draft_number, make_resident_id(501), make_resident_id(502), hidden_digits_changed):
        assert number not in stored
    # The rows still say which field changed, masked: a change of hidden digits only is recorded too.
    update = AuditEvent.objects.get(action="disclosures.penalty.update", target_id=str(person.pk))
    assert update.before == update.after == {"subject_id_number": mask_resident_id(first)}
    legal_update = AuditEvent.objects.get(action="disclosures.penalty.update", target_id=str(company_draft.pk))
    assert legal_update.before == {"legal_representative_id_number": mask_resident_id(legal)}
    create = AuditEvent.objects.get(action="disclosures.penalty.create", target_id=str(draft.pk))
    assert create.after["subject_id_number"] == mask_resident_id(draft_number)


def test_the_supervisors_audit_pages_show_no_whole_id_number(client, world, person, company_draft):
    client.force_login(world.user(SUPERVISOR))
    listing = client.get(reverse("core:audit_list"))
    assert listing.status_code == 200
    events = AuditEvent.objects.filter(target_id__in=[str(person.pk), str(company_draft.pk)])
    assert events.filter(action__endswith=".create").count() == 2
    pages = [listing.content.decode()]
    pages += [client.get(reverse("core:audit_detail", args=[event.pk])).content.decode() for event in events]
    for html in pages:
        assert person.subject_id_number not in html
        assert company_draft.legal_representative_id_number not in html
    assert any(person.masked_subject_id_number in html for html in pages)


# --- the draft edit form and the correction form ----------------------------------------------------


def edit_post(record) -> dict:
    """What a browser sends back from the edit form as it was shown."""
    post = {}
    for name, value in services.before_values(record, "penalty", masked=True).items():
        if name in ("authority", "data_source"):
            post[name] = value.pk
        elif isinstance(value, list):
            post[name] = value
        else:
            post[name] = "" if value is None else str(value)
    return post


def test_the_edit_form_shows_the_number_masked_and_saving_it_unchanged_keeps_it(client, world):
    draft = make_natural_person_penalty(world.department, published=False, legal_representative_id_number="")
    number = draft.subject_id_number
    client.force_login(world.user(OWN_ORG))
    url = reverse("disclosures:staff_edit", args=["penalty", draft.pk])
    html = client.get(url).content.decode()
    assert number not in html and draft.masked_subject_id_number in html

    response = client.post(url, {**edit_post(draft), "remarks": "补充备注"})
    assert response.status_code == 302, response.content.decode()
    draft.refresh_from_db()
    assert draft.subject_id_number == number and draft.remarks == "补充备注"
    update = AuditEvent.objects.get(action="disclosures.penalty.update", target_id=str(draft.pk))
    assert update.after["remarks"] == "补充备注"
    assert "subject_id_number" not in update.after  # unchanged, so not in the row at all

    new_number = make_resident_id(601)
    response = client.post(url, {**edit_post(draft), "subject_id_number": new_number})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.subject_id_number == new_number


def test_the_correction_form_shows_the_number_masked(client, world, person):
    _clerk, reviewer = clerk_and_reviewer(world.department)
    client.force_login(reviewer)
    html = client.get(reverse("disclosures:staff_correct", args=["penalty", person.pk])).content.decode()
    assert person.subject_id_number not in html and person.masked_subject_id_number in html


def test_the_detail_page_reveals_through_the_service_and_refuses_an_empty_purpose(client, world, person):
    client.force_login(world.user(SUPERVISOR))
    url = reverse("disclosures:staff_detail", args=["penalty", person.pk])
    refused = client.post(url, {"reveal_reason": "看"})
    assert person.subject_id_number not in refused.content.decode()
    assert not AuditEvent.objects.filter(action="disclosures.penalty.reveal_id").exists()
    shown = client.post(url, {"reveal_reason": "核对身份"})
    assert person.subject_id_number in shown.content.decode()
    event = AuditEvent.objects.get(action="disclosures.penalty.reveal_id")
    assert event.actor == world.user(SUPERVISOR) and event.after == {"reason": "核对身份"}


# --- the API ----------------------------------------------------------------------------------------


def test_the_api_masks_id_numbers_for_an_in_scope_token_and_for_staff(api_client, world, person, company_draft):
    own_staff = world.user(OWN_ORG)
    for authenticate in (
        lambda: api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "read", "write")),
        lambda: (api_client.credentials(), api_client.force_login(own_staff)),
    ):
        authenticate()
        listing = api_client.get(PENALTIES).json()["results"]
        assert {row["id"] for row in listing} >= {person.pk, company_draft.pk}
        detail = api_client.get(f"{PENALTIES}{person.pk}/").json()
        draft = api_client.get(f"{PENALTIES}{company_draft.pk}/").json()
        text = json.dumps([listing, detail, draft], ensure_ascii=False)
        assert person.subject_id_number not in text
        assert company_draft.legal_representative_id_number not in text
        assert detail["subject_id_number"] == person.masked_subject_id_number
        assert draft["legal_representative_id_number"] == company_draft.masked_legal_representative_id_number
        api_client.logout()


def test_an_api_client_sending_the_masked_number_back_keeps_the_stored_one(api_client, world):
    draft = make_natural_person_penalty(world.department, published=False)
    number = draft.subject_id_number
    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "write"))
    shown = api_client.get(f"{PENALTIES}{draft.pk}/").json()
    response = api_client.patch(
        f"{PENALTIES}{draft.pk}/",
        {"subject_id_number": shown["subject_id_number"], "remarks": "接口补充"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    draft.refresh_from_db()
    assert draft.subject_id_number == number and draft.remarks == "接口补充"


def reveal_url(record) -> str:
    return f"{PENALTIES}{record.pk}/reveal-id/"


def test_reveal_id_permission_matrix(api_client, world, person):
    # The record is public, so the other organization reads it; revealing is still not theirs.
    assert request_as(api_client, world.user(OTHER_ORG), "get", f"{PENALTIES}{person.pk}/").status_code == 200
    assert_matrix(
        api_client,
        world,
        reveal_url(person),
        {ANONYMOUS: 401, OTHER_ORG: 404, OWN_ORG: 200, SUPERVISOR: 200},
        method="post",
        data={"reason": "核对当事人身份"},
        format="json",
    )
    events = AuditEvent.objects.filter(action="disclosures.penalty.reveal_id", target_id=str(person.pk))
    assert {event.actor for event in events} == {world.user(OWN_ORG), world.user(SUPERVISOR)}
    assert all(event.after == {"reason": "核对当事人身份"} for event in events)


def test_reveal_id_returns_the_whole_numbers_and_audits_the_token(api_client, world, person):
    api_client.credentials(HTTP_AUTHORIZATION=token_for(world.department, "read", name="执法系统"))
    response = api_client.post(reveal_url(person), {"reason": "送达文书核对"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "id": person.pk,
        "subject_id_type": "resident_id",
        "subject_id_number": person.subject_id_number,
        "legal_representative_id_type": "",
        "legal_representative_id_number": "",
    }
    event = AuditEvent.objects.get(action="disclosures.penalty.reveal_id")
    assert event.actor is None and event.actor_repr.startswith("api:执法系统")
    assert event.after == {"reason": "送达文书核对"}
    other = token_for(world.other_department, "read", "write", "review", name="乙系统")
    api_client.credentials(HTTP_AUTHORIZATION=other)
    assert api_client.post(reveal_url(person), {"reason": "送达文书核对"}, format="json").status_code == 404


def test_reveal_id_without_a_reason_is_a_field_error_and_reveals_nothing(api_client, world, person):
    api_client.force_login(world.user(OWN_ORG))
    for body in ({}, {"reason": ""}, {"reason": "看"}):
        response = api_client.post(reveal_url(person), body, format="json")
        assert response.status_code == 400, body
        assert list(response.json()) == ["reason"] and response.json()["reason"]
        assert person.subject_id_number not in response.content.decode()
    assert not AuditEvent.objects.filter(action="disclosures.penalty.reveal_id").exists()


def test_the_schema_documents_reveal_id_and_its_errors(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/disclosures/penalties/{id}/reveal-id/"]["post"]
    assert {"200", "400", "401", "403", "404"} <= set(operation["responses"])
    assert "/api/v1/disclosures/licenses/{id}/reveal-id/" in schema["paths"]
    request_schema = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert schema["components"]["schemas"][request_schema]["required"] == ["reason"]


# --- imports --------------------------------------------------------------------------------------


def test_an_import_error_on_an_id_number_shows_it_masked(client, world):
    from .test_import import check, csv_bytes, errors_of, make_job, penalty_row

    mistyped = make_resident_id(42)[:-1] + ("0" if make_resident_id(42)[-1] != "0" else "1")
    row = penalty_row(1, CF_XDR_LB="自然人", CF_XDR_SHXYM="", CF_FRDB="", CF_XDR_ZJLX="身份证", CF_XDR_ZJHM=mistyped)
    job = check(make_job(world, csv_bytes([row])))
    [error] = [e for e in errors_of(job) if e["code"] == "CF_XDR_ZJHM"]
    assert error["value"] == mask_resident_id(mistyped) and error["row"]
    client.force_login(world.user(OWN_ORG))
    report = client.get(reverse("disclosures:import_error_report", args=[job.pk]))
    assert report.status_code == 200
    assert mistyped not in b"".join(report.streaming_content).decode("utf-8-sig")
    assert mistyped not in client.get(reverse("disclosures:import_detail", args=[job.pk])).content.decode()
