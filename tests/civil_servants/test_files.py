"""Credit files: who may open one (the access matrix), every opening logged with its purpose and shown to
the servant, ID numbers masked everywhere, one timeline read from each source, in a fixed number of queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from civil_servants import access
from civil_servants.choices import CareerEntryKind, DisciplineSeverity, EligibilityPurpose, FilePurpose
from civil_servants.models import CareerEntry, Completion, Course, EligibilityCheck, FileAccessGrant, FileOpening
from civil_servants.selectors import files as selectors
from civil_servants.services import files as services
from commitments import services as pledge_services
from commitments.choices import Fulfilment, PledgeKind, PPPStage
from core.models import AuditEvent
from dishonesty_records import services as record_services
from dishonesty_records.choices import SanctionKind
from organizations.choices import Role
from tests.api_schema import validate_response
from tests.commitments.factories import make_pledge, staff_of
from tests.dishonesty_records.factories import make_record, people_for
from tests.factories import CivilServantFactory, UserFactory, user_with_role
from tests.permissions import SUPERVISOR, request_as

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def cast(world):
    servant = CivilServantFactory(organization=world.department, name="王小明")
    other = CivilServantFactory(organization=world.department, name="李小红")
    officer = user_with_role(Role.PERSONNEL_OFFICER, world.district)
    return {
        "servant": servant,
        "other": other,
        "officer": officer,
        "other_officer": user_with_role(Role.PERSONNEL_OFFICER, world.other_district),
        "supervisor": world.user(SUPERVISOR),
        "servant_user": UserFactory(civil_servant=servant, organization=world.department),
    }


def grant(cast, *, days=30, **overrides):
    return services.file_grant_create(
        grantee=overrides.pop("grantee", cast["supervisor"]),
        organization=overrides.pop("organization", cast["servant"].organization),
        purpose=overrides.pop("purpose", FilePurpose.SUPERVISION),
        reason=overrides.pop("reason", "专项监督检查需要查阅"),
        expires_at=overrides.pop("expires_at", timezone.now() + datetime.timedelta(days=days)),
        actor=overrides.pop("actor", cast["officer"]),
        **overrides,
    )


def open_url(person):
    return reverse("civil_servants:file_open", args=[person.pk])


def api_url(person, purpose="annual_appraisal"):
    return reverse("api:civil-servant-file", args=[person.pk]) + (f"?purpose={purpose}" if purpose else "")


def post_open(client, user, person, purpose=FilePurpose.ANNUAL_APPRAISAL):
    return request_as(client, user, "post", open_url(person), {"purpose": purpose, "detail": "2026年度考核"})


# --- the access matrix --------------------------------------------------------------------------------


def test_the_access_matrix_on_the_file_page(client, cast):
    servant = cast["servant"]
    expected = {
        "officer": 200,
        "other_officer": 404,
        "supervisor": 404,  # no grant
        "servant_user": 404,  # the servant reads their own file at /me/file/, not on the staff page
    }
    for who, status in expected.items():
        assert request_as(client, cast[who], "get", open_url(servant)).status_code == status, who
        assert post_open(client, cast[who], servant, FilePurpose.SUPERVISION).status_code == status, who
    anonymous = request_as(client, None, "get", open_url(servant))
    assert anonymous.status_code == 302 and reverse("login") in anonymous["Location"]
    assert request_as(client, None, "post", open_url(servant), {"purpose": "annual_appraisal"}).status_code == 302
    assert not FileOpening.objects.exclude(opened_by=cast["officer"]).exists()


def test_a_supervisor_opens_files_only_under_a_live_grant(client, cast):
    servant, supervisor = cast["servant"], cast["supervisor"]
    live = grant(cast)
    assert post_open(client, supervisor, servant, FilePurpose.SUPERVISION).status_code == 200
    opening = FileOpening.objects.get(opened_by=supervisor)
    assert opening.grant == live and opening.purpose == FilePurpose.SUPERVISION
    # A grant is for its purpose only.
    refused = post_open(client, supervisor, servant, FilePurpose.PROMOTION)
    assert refused.status_code == 200 and "purpose" in refused.context["form"].errors
    # Expired: the file is not there for them.
    FileAccessGrant.objects.filter(pk=live.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert request_as(client, supervisor, "get", open_url(servant)).status_code == 404
    assert post_open(client, supervisor, servant, FilePurpose.SUPERVISION).status_code == 404
    # Revoked, likewise.
    revoked = grant(cast)
    services.file_grant_revoke(grant=revoked, reason="检查已结束", actor=cast["officer"])
    assert request_as(client, supervisor, "get", open_url(servant)).status_code == 404
    # One servant's grant opens that file, not a colleague's.
    grant(cast, civil_servant=servant)
    assert request_as(client, supervisor, "get", open_url(servant)).status_code == 200
    assert request_as(client, supervisor, "get", open_url(cast["other"])).status_code == 404


def test_the_access_matrix_on_the_api(api_client, cast):
    servant, other = cast["servant"], cast["other"]
    expected = {"officer": 200, "other_officer": 404, "supervisor": 404}
    for who, status in expected.items():
        api_client.force_authenticate(cast[who])
        assert api_client.get(api_url(servant)).status_code == status, who
    grant(cast, purpose=FilePurpose.ANNUAL_APPRAISAL)
    api_client.force_authenticate(cast["supervisor"])
    assert api_client.get(api_url(servant)).status_code == 200
    api_client.force_authenticate(cast["servant_user"])
    own = api_client.get(api_url(servant, purpose=None))
    assert own.status_code == 200 and own.json()["civil_servant"]["id"] == servant.pk
    assert api_client.get(api_url(other)).status_code == 404
    api_client.force_authenticate(cast["officer"])
    assert api_client.get(api_url(servant, purpose=None)).status_code == 400  # staff say why
    assert api_client.get(api_url(servant, purpose="curiosity")).status_code == 400
    api_client.force_authenticate(None)
    assert api_client.get(api_url(servant)).status_code in (401, 403)
    vias = set(FileOpening.objects.filter(civil_servant=servant).values_list("via", flat=True))
    assert vias == {"api"}
    assert FileOpening.objects.filter(civil_servant=servant, purpose=FilePurpose.OWN_FILE).count() == 1


def test_the_servant_reads_their_own_file_and_nobody_elses(client, cast):
    me = reverse("civil_servants:my_file")
    assert request_as(client, cast["servant_user"], "get", me).status_code == 200
    assert request_as(client, cast["officer"], "get", me).status_code == 404  # no servant account
    assert request_as(client, None, "get", me).status_code == 302
    assert request_as(client, cast["servant_user"], "get", open_url(cast["other"])).status_code == 404
    assert access.file_access(cast["servant_user"], cast["other"]) is None
    assert access.file_access(cast["servant_user"], cast["servant"]).kind == access.OWN


def test_the_staff_list_holds_the_personnel_scope_and_the_granted_files(client, cast, world):
    far = CivilServantFactory(organization=world.other_department, name="赵远")
    url = reverse("civil_servants:file_list")
    page = request_as(client, cast["officer"], "get", url)
    assert page.status_code == 200
    names = [person.name for person in page.context["page"]]
    assert set(names) == {"王小明", "李小红"}
    assert [p.name for p in request_as(client, cast["officer"], "get", url + "?q=王").context["page"]] == ["王小明"]
    staff_number = cast["other"].staff_number
    found = request_as(client, cast["officer"], "get", f"{url}?q={staff_number}").context["page"]
    assert [p.name for p in found] == ["李小红"]
    assert [p.name for p in request_as(client, cast["other_officer"], "get", url).context["page"]] == [far.name]
    assert list(request_as(client, cast["supervisor"], "get", url).context["page"]) == []
    grant(cast, civil_servant=cast["servant"])
    assert [p.name for p in request_as(client, cast["supervisor"], "get", url).context["page"]] == ["王小明"]
    assert request_as(client, None, "get", url).status_code == 302


# --- logging and the servant's view -------------------------------------------------------------------


def test_every_opening_is_logged_and_the_servant_sees_who_looked(client, cast):
    servant = cast["servant"]
    assert post_open(client, cast["officer"], servant).status_code == 200
    opening = FileOpening.objects.get(civil_servant=servant)
    assert (opening.opened_by, opening.purpose, opening.detail, opening.via) == (
        cast["officer"],
        FilePurpose.ANNUAL_APPRAISAL,
        "2026年度考核",
        "page",
    )
    assert opening.organization_name == cast["officer"].organization.name
    assert AuditEvent.objects.filter(action="civil_servants.file.open", target_id=str(servant.pk)).count() == 1
    EligibilityCheck.objects.create(
        civil_servant=servant,
        checked_by_label="api:组织部系统#3",
        purpose=EligibilityPurpose.PROMOTION,
        eligible=False,
        reasons=2,
    )
    page = request_as(client, cast["servant_user"], "get", reverse("civil_servants:my_file"))
    assert page.status_code == 200
    looked = page.context["looked"]
    assert [o.pk for o in looked.openings] == [opening.pk]  # their own reading is logged, not listed back
    assert [c.checked_by_label for c in looked.checks] == ["api:组织部系统#3"]
    text = page.content.decode()
    assert str(cast["officer"]) in text and "2026年度考核" in text and "api:组织部系统#3" in text
    own = FileOpening.objects.get(civil_servant=servant, purpose=FilePurpose.OWN_FILE)
    assert own.opened_by == cast["servant_user"]
    # Another servant's view shows nothing of this.
    assert not selectors.who_looked(cast["other"]).openings


def test_id_numbers_are_masked_everywhere(client, api_client, cast):
    servant = cast["servant"]
    pages = [
        request_as(client, cast["officer"], "get", reverse("civil_servants:file_list")),
        request_as(client, cast["officer"], "get", open_url(servant)),
        post_open(client, cast["officer"], servant),
        request_as(client, cast["servant_user"], "get", reverse("civil_servants:my_file")),
    ]
    api_client.force_authenticate(cast["officer"])
    answer = api_client.get(api_url(servant))
    for body in [*(page.content.decode() for page in pages), answer.content.decode()]:
        assert servant.resident_id not in body
    assert servant.masked_resident_id in pages[2].content.decode()
    assert answer.json()["civil_servant"]["resident_id"] == servant.masked_resident_id
    for event in AuditEvent.objects.all():
        assert servant.resident_id not in f"{event.before} {event.after} {event.target_repr}"


# --- the timeline -------------------------------------------------------------------------------------


def history(world, servant, n=1):
    """n of each: pledges, PPP stages with a breach traced, dishonesty records with a sanction, completions,
    career entries."""
    officer = user_with_role(Role.PERSONNEL_OFFICER, world.district)
    people = people_for(world.department, world.district)
    staff = staff_of(world.department)
    today = timezone.localdate()
    for i in range(n):
        make_pledge(
            world.department,
            actor=staff,
            kind=PledgeKind.CIVIL_SERVANT,
            civil_servant=servant,
            theme="",
            title=f"任职承诺{i}",
        )
        start = today - datetime.timedelta(days=200)
        ppp = make_pledge(
            world.department,
            published=True,
            kind=PledgeKind.PPP_DUTY,
            theme="",
            project=f"城西污水处理厂PPP项目{i}",
            starts_on=start,
            title="按期完成政府方出资",
        )
        pledge_services.ppp_responsibility_assign(
            pledge=ppp, stage=PPPStage.FINANCING, person_name="", civil_servant=servant, from_on=start, actor=staff
        )
        pledge_services.pledge_settle(
            pledge=ppp,
            outcome=Fulfilment.BREACHED,
            note="出资未按期到位",
            breach_stage=PPPStage.FINANCING,
            breach_occurred_on=start + datetime.timedelta(days=10),
            actor=people["supervisor"],
        )
        record = make_record(
            world.department,
            proposer=people["staff"],
            subject_actor=people["reviewer"],
            supervisor=people["supervisor"],
            until="confirmed",
            civil_servant=servant,
        )
        record_services.sanction_impose(
            record=record,
            kind=SanctionKind.HONOURS_INELIGIBILITY,
            reason="取消年度评优评先资格",
            end_on=today + datetime.timedelta(days=300),
            actor=people["supervisor"],
        )
        course = Course.objects.create(
            title=f"廉洁从政专题{i}",
            hours=Decimal("4.0"),
            provider="干部学习新干线",
            mandatory=True,
            year=2026,
            organization=world.city,
        )
        Completion.objects.create(
            civil_servant=servant,
            course=course,
            completed_on=today - datetime.timedelta(days=5),
            hours=Decimal("4.0"),
            recorded_by_label="test",
        )
        services.career_entry_record(
            civil_servant=servant,
            data={
                "kind": CareerEntryKind.DISCIPLINE,
                "severity": DisciplineSeverity.WARNING,
                "title": f"警告处分{i}",
                "decided_on": today - datetime.timedelta(days=20),
                "decided_by": "甲区纪委监委",
                "document_number": f"甲纪〔2026〕{i}号",
            },
            actor=officer,
        )


def test_the_timeline_reads_every_source_and_names_it(world, cast):
    servant = cast["servant"]
    history(world, servant)
    credit_file = selectors.credit_file(servant)
    sources = {entry.source for entry in credit_file.entries}
    assert sources == {
        selectors.PLEDGE,
        selectors.PPP_STAGE,
        selectors.PPP_BREACH,
        selectors.RECORD,
        selectors.SANCTION,
        selectors.COMPLETION,
        selectors.CAREER_ENTRY,
    }
    assert all(entry.source_label for entry in credit_file.entries)
    by_source = {entry.source: entry for entry in credit_file.entries}
    assert by_source[selectors.PLEDGE].title == "任职承诺0"
    assert "城西污水处理厂PPP项目0" in by_source[selectors.PPP_BREACH].title and by_source[selectors.PPP_BREACH].adverse
    assert by_source[selectors.RECORD].reference.startswith("ZWSX-")
    assert by_source[selectors.SANCTION].until == timezone.localdate() + datetime.timedelta(days=300)
    assert by_source[selectors.COMPLETION].title == "廉洁从政专题0"
    assert by_source[selectors.CAREER_ENTRY].title.startswith("警告处分0")
    days = [entry.day for entry in credit_file.entries]
    assert days == sorted(days, reverse=True)
    assert selectors.credit_file(cast["other"]).entries == []  # nothing of a colleague's


def test_the_file_page_and_the_api_show_the_timeline(client, api_client, world, cast):
    history(world, cast["servant"])
    api_client.force_authenticate(cast["officer"])
    answer = api_client.get(api_url(cast["servant"]))
    assert answer.status_code == 200
    validate_response(answer.json(), "/api/v1/civil-servants/{id}/file/", "get", 200)
    assert {entry["source"] for entry in answer.json()["entries"]} >= {selectors.RECORD, selectors.CAREER_ENTRY}
    page = post_open(client, cast["officer"], cast["servant"])
    text = page.content.decode()
    for expected in ("任职承诺0", "城西污水处理厂PPP项目0", "ZWSX-", "廉洁从政专题0", "警告处分0"):
        assert expected in text
    mine = request_as(client, cast["servant_user"], "get", reverse("civil_servants:my_file")).content.decode()
    assert "廉洁从政专题0" in mine and "警告处分0" in mine


def test_the_file_takes_a_fixed_number_of_queries_however_long_the_history(world, cast, django_assert_num_queries):
    short, long = cast["servant"], cast["other"]
    history(world, short, n=1)
    history(world, long, n=4)
    with django_assert_num_queries(6):
        few = selectors.credit_file(short)
    with django_assert_num_queries(6):
        many = selectors.credit_file(long)
    assert len(many.entries) == 4 * len(few.entries)


# --- grants and career entries ------------------------------------------------------------------------


def test_a_grant_is_given_by_the_subtrees_personnel_officer_to_a_supervisor_for_at_most_90_days(cast, world):
    with pytest.raises(ValidationError) as refused:
        grant(cast, days=91)
    assert "expires_at" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        grant(cast, reason="")
    assert "reason" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        grant(cast, grantee=staff_of(world.department))
    assert "grantee" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        grant(cast, actor=cast["other_officer"])
    assert "organization" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        grant(cast, expires_at=None)
    assert "expires_at" in refused.value.message_dict
    given = grant(cast, days=90, expires_at=timezone.localdate() + datetime.timedelta(days=89))
    assert given.granted_by_label and given.expires_at > timezone.now()
    assert AuditEvent.objects.filter(action="civil_servants.file_grant.create").count() == 1
    with pytest.raises(ValidationError):
        services.file_grant_revoke(grant=given, reason="不再需要", actor=cast["other_officer"])
    services.file_grant_revoke(grant=given, reason="不再需要", actor=cast["officer"])
    with pytest.raises(ValidationError):
        services.file_grant_revoke(grant=given, reason="不再需要", actor=cast["officer"])
    assert AuditEvent.objects.filter(action="civil_servants.file_grant.revoke").count() == 1


def test_the_grants_page_is_for_personnel_officers(client, cast):
    url = reverse("civil_servants:grant_list")
    assert request_as(client, cast["supervisor"], "get", url).status_code == 404
    assert request_as(client, None, "get", url).status_code == 302
    answer = request_as(
        client,
        cast["officer"],
        "post",
        url,
        {
            "grantee": cast["supervisor"].username,
            "organization": cast["servant"].organization_id,
            "staff_number": cast["servant"].staff_number,
            "purpose": FilePurpose.DISCIPLINE_CASE,
            "expires_at": (timezone.localdate() + datetime.timedelta(days=10)).isoformat(),
            "reason": "纪律审查需要",
        },
    )
    assert answer.status_code == 302
    given = FileAccessGrant.objects.get()
    assert given.civil_servant == cast["servant"] and given.grantee == cast["supervisor"]
    page = request_as(client, cast["officer"], "get", url)
    assert page.status_code == 200 and cast["servant"].name in page.content.decode()
    revoke = reverse("civil_servants:grant_revoke", args=[given.pk])
    assert request_as(client, cast["other_officer"], "post", revoke, {"reason": "结束"}).status_code == 404
    assert request_as(client, cast["officer"], "post", revoke, {"reason": "审查结束"}).status_code == 302
    given.refresh_from_db()
    assert given.revoked_at is not None


def test_a_discipline_entry_lasts_the_statutory_period_and_is_withdrawn_never_deleted(client, cast):
    servant = cast["servant"]
    data = {
        "kind": CareerEntryKind.DISCIPLINE,
        "severity": DisciplineSeverity.MAJOR_DEMERIT,
        "title": "记大过处分",
        "decided_on": D(2026, 3, 10),
        "decided_by": "甲区纪委监委",
        "document_number": "甲纪〔2026〕8号",
    }
    entry = services.career_entry_record(civil_servant=servant, data=data, actor=cast["officer"])
    assert entry.until_on == D(2027, 9, 9)  # 18 months
    dismissal = services.career_entry_record(
        civil_servant=servant, data={**data, "severity": DisciplineSeverity.DISMISSAL}, actor=cast["officer"]
    )
    assert dismissal.until_on is None
    given = services.career_entry_record(
        civil_servant=servant, data={**data, "until_on": D(2026, 12, 31)}, actor=cast["officer"]
    )
    assert given.until_on == D(2026, 12, 31)
    with pytest.raises(ValidationError) as refused:
        services.career_entry_record(civil_servant=servant, data={**data, "severity": ""}, actor=cast["officer"])
    assert "severity" in refused.value.message_dict
    for outsider in (cast["other_officer"], cast["supervisor"], cast["servant_user"]):
        with pytest.raises(PermissionDenied):
            services.career_entry_record(civil_servant=servant, data=data, actor=outsider)
    services.career_entry_withdraw(entry=entry, reason="复查撤销原处分", actor=cast["officer"])
    entry.refresh_from_db()
    assert entry.withdrawn_at and entry.withdrawal_reason == "复查撤销原处分"
    assert CareerEntry.objects.filter(pk=entry.pk).exists()
    # The form: personnel officers only.
    url = reverse("civil_servants:career_entry_new", args=[servant.pk])
    assert request_as(client, cast["other_officer"], "get", url).status_code == 404
    answer = request_as(
        client,
        cast["officer"],
        "post",
        url,
        {
            "kind": "commendation",
            "title": "嘉奖",
            "decided_on": "2026-05-04",
            "decided_by": "甲区人民政府",
            "document_number": "甲政〔2026〕3号",
        },
    )
    assert answer.status_code == 302
    assert CareerEntry.objects.filter(kind="commendation", civil_servant=servant).exists()
    assert (
        request_as(
            client, cast["officer"], "get", reverse("civil_servants:career_entries", args=[servant.pk])
        ).status_code
        == 200
    )


def test_opening_asks_a_purpose_from_staff_and_none_from_the_servant(cast):
    with pytest.raises(ValidationError) as refused:
        services.file_open(civil_servant=cast["servant"], purpose="", actor=cast["officer"])
    assert "purpose" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.file_open(civil_servant=cast["servant"], purpose=FilePurpose.OWN_FILE, actor=cast["officer"])
    with pytest.raises(PermissionDenied):
        services.file_open(civil_servant=cast["servant"], purpose=FilePurpose.PROMOTION, actor=cast["other_officer"])
    services.file_open(civil_servant=cast["servant"], purpose=FilePurpose.PROMOTION, actor=cast["servant_user"])
    assert FileOpening.objects.get().purpose == FilePurpose.OWN_FILE


def test_the_file_page_makes_no_query_per_entry(client, world, cast):
    short, long = cast["servant"], cast["other"]
    history(world, short, n=1)
    history(world, long, n=4)
    client.force_login(cast["officer"])
    counts = []
    for person in (short, long):
        with CaptureQueriesContext(connection) as queries:
            page = client.post(open_url(person), {"purpose": FilePurpose.ANNUAL_APPRAISAL})
        assert page.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
