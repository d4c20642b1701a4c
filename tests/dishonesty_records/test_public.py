"""The public pages of dishonesty records: only records on public view, search and filters, keyset pages,
the civil-servant rule on the detail page, and a government body's summary."""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core.sweeps import end_due_publicity
from dishonesty_records import services
from dishonesty_records.choices import Category, SanctionKind, SubjectKind
from dishonesty_records.models import DishonestyRecord
from organizations.choices import Role
from tests.factories import user_with_role
from tests.permissions import OWN_ORG, SUPERVISOR

from .factories import civil_servant_in, evidence, make_record

pytestmark = pytest.mark.django_db
LIST = reverse("dishonesty_records:public_list")


def detail_url(record):
    return reverse("dishonesty_records:public_detail", args=[record.pk])


def listed_ids(response) -> list[int]:
    return [record.pk for record in response.context["page"].items]


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def people(world):
    return {
        "staff": world.user(OWN_ORG),
        "reviewer": user_with_role(Role.REVIEWER, world.department),
        "supervisor": world.user(SUPERVISOR),
        "other_staff": user_with_role(Role.STAFF, world.other_department),
        "other_reviewer": user_with_role(Role.REVIEWER, world.other_department),
        "city_supervisor": user_with_role(Role.SUPERVISOR, world.city),
    }


def record_of(world, people, *, until="published", other=False, **overrides):
    if other:
        return make_record(
            world.other_department,
            proposer=people["other_staff"],
            subject_actor=people["other_reviewer"],
            supervisor=people["city_supervisor"],
            until=until,
            **overrides,
        )
    return make_record(
        world.department,
        proposer=people["staff"],
        subject_actor=people["reviewer"],
        supervisor=people["supervisor"],
        until=until,
        **overrides,
    )


def settle_obligations(record, people):
    """The subject hands in what it owes and the supervisor accepts it, so credit repair is possible."""
    for obligation in record.obligations.all():
        services.obligation_submit(
            obligation=obligation, text="已全部履行判决，附银行转账凭证。", actor=people["reviewer"]
        )
        services.obligation_accept(obligation=obligation, actor=people["supervisor"])


def repaired(record, people):
    settle_obligations(record, people)
    DishonestyRecord.objects.filter(pk=record.pk).update(publicity_min_ends_on=timezone.localdate())
    record.refresh_from_db()
    application = services.repair_apply(
        record=record,
        statement="判决已履行完毕，整改到位，申请信用修复。",
        actor=people["reviewer"],
        files=[evidence()],
    )
    services.repair_approve(application=application, reason="整改到位，同意修复。", actor=people["supervisor"])
    record.refresh_from_db()
    return record


@pytest.fixture
def states(world, people):
    """One record in every state the public must not see, and one it must."""
    published = record_of(world, people)
    proposed = record_of(world, people, until="proposed")
    confirmed = record_of(world, people, until="confirmed")
    withdrawn = record_of(world, people)
    services.record_withdraw(record=withdrawn, reason="判决已被再审撤销", actor=people["supervisor"])
    ended = record_of(world, people)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    DishonestyRecord.objects.filter(pk=ended.pk).update(publicity_ends_on=yesterday)
    end_due_publicity()
    # Past its end but not swept yet: hidden all the same.
    unswept = record_of(world, people)
    DishonestyRecord.objects.filter(pk=unswept.pk).update(publicity_ends_on=yesterday)
    return {
        "published": published,
        "proposed": proposed,
        "confirmed": confirmed,
        "withdrawn": withdrawn,
        "ended": ended,
        "unswept": unswept,
        "repaired": repaired(record_of(world, people), people),
    }


def test_only_records_on_public_view_are_listed_and_shown(client, states):
    ended = DishonestyRecord.objects.get(pk=states["ended"].pk)
    assert ended.status == "publicity_ended" and states["repaired"].status == "repaired"
    assert listed_ids(client.get(LIST)) == [states["published"].pk]
    assert client.get(detail_url(states["published"])).status_code == 200
    for name in ("proposed", "confirmed", "withdrawn", "ended", "unswept", "repaired"):
        assert client.get(detail_url(states[name])).status_code == 404, name


def test_search_by_part_of_the_name_and_by_credit_code(client, world, people):
    ours = record_of(world, people)
    theirs = record_of(world, people, other=True)
    assert set(listed_ids(client.get(LIST))) == {ours.pk, theirs.pk}
    # Two characters of the body's name (甲区市场监管局 / 乙区市场监管局), four characters, the full code.
    assert listed_ids(client.get(LIST, {"q": "甲区"})) == [ours.pk]
    assert listed_ids(client.get(LIST, {"q": "乙区市场"})) == [theirs.pk]
    assert listed_ids(client.get(LIST, {"q": world.other_department.uscc.lower()})) == [theirs.pk]
    assert listed_ids(client.get(LIST, {"q": "丙区"})) == []


def test_a_civil_servants_record_is_found_by_their_organizations_name_and_code(client, world, people):
    person = civil_servant_in(world.department, name="王小明", position="科长")
    record = record_of(world, people, civil_servant=person)
    assert record.subject_kind == SubjectKind.CIVIL_SERVANT
    assert listed_ids(client.get(LIST, {"q": "市场监管"})) == [record.pk]
    assert listed_ids(client.get(LIST, {"q": world.department.uscc})) == [record.pk]
    assert listed_ids(client.get(LIST, {"q": "王小明"})) == [record.pk]


def test_filter_by_category_and_subject_kind(client, world, people):
    judgment = record_of(world, people)
    procurement = record_of(world, people, category=Category.PROCUREMENT)
    person = record_of(world, people, civil_servant=civil_servant_in(world.department))
    assert listed_ids(client.get(LIST, {"category": Category.PROCUREMENT})) == [procurement.pk]
    assert listed_ids(client.get(LIST, {"subject_kind": SubjectKind.CIVIL_SERVANT})) == [person.pk]
    organizations = listed_ids(client.get(LIST, {"subject_kind": SubjectKind.ORGANIZATION}))
    assert organizations == [procurement.pk, judgment.pk]


def test_an_invalid_filter_is_a_message_not_an_error(client, world, people):
    record_of(world, people)
    response = english(client).get(LIST, {"category": "no-such-category"})
    assert response.status_code == 200
    assert listed_ids(response) == []
    assert "Some filters are not valid" in response.content.decode()


def test_keyset_pages_newest_first_within_a_query_budget(client, world, people, django_assert_max_num_queries):
    first = record_of(world, people)
    for _ in range(26):
        services.record_publish(record=record_of(world, people, until="confirmed"), actor=people["supervisor"])
    newest = DishonestyRecord.objects.order_by("-id").values_list("id", flat=True)
    with django_assert_max_num_queries(2):
        page_one = client.get(LIST)
    assert listed_ids(page_one) == list(newest[:25])
    html = page_one.content.decode()
    after = page_one.context["page"].next_after
    assert f"after={after}" in html
    with django_assert_max_num_queries(2):
        page_two = client.get(LIST, {"after": after})
    assert listed_ids(page_two) == list(newest[25:]) and listed_ids(page_two)[-1] == first.pk
    assert page_two.context["page"].next_after is None


def test_the_list_asks_the_database_once_and_never_counts(client, world, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    record_of(world, people)
    with CaptureQueriesContext(connection) as queries:
        client.get(LIST, {"q": "甲区", "category": Category.COURT_JUDGMENT_DEFAULT})
    sql = " ".join(query["sql"].upper() for query in queries.captured_queries)
    assert len(queries.captured_queries) == 1
    assert "COUNT(" not in sql and "OFFSET" not in sql


def test_an_organizations_record_shows_what_was_published_and_the_source(client, world, people):
    record = record_of(world, people)
    html = english(client).get(detail_url(record)).content.decode()
    for text in (record.subject_name, record.facts_summary, record.source_document_number):
        assert text in html
    # The public page shows what the published document holds: the summary, not the inside file's full facts.
    assert record.facts not in html
    assert record.publicity_ends_on.isoformat() in html
    assert record.publicity_min_ends_on.isoformat() in html
    assert "Credit repair possible from" in html


def test_a_civil_servants_record_shows_only_what_may_be_published(client, world, people):
    person = civil_servant_in(world.department, name="李四", position="副局长")
    record = record_of(world, people, civil_servant=person)
    response = english(client).get(detail_url(record))
    html = response.content.decode()
    for text in ("李四", "副局长", world.department.name, record.facts_summary, record.authority_name):
        assert text in html
    assert record.determined_on.isoformat() in html and record.publicity_ends_on.isoformat() in html
    # Never the full facts, the source document, the ruling's reasons or anything about the ID number.
    for text in (record.facts, record.source_document_number, record.source_issuing_body, record.reason):
        assert text not in html
    assert person.resident_id not in html and person.resident_id[-4:] not in html
    assert person.staff_number not in html


def test_sanctions_in_force_are_published_with_the_notice_text(client, world, people):
    record = record_of(world, people)
    services.sanction_impose(
        record=record,
        kind=SanctionKind.NOTICE_OF_CRITICISM,
        reason="拒不履行生效判决",
        notice_text="对甲区市场监管局拒不履行生效判决的行为予以通报批评。",
        actor=people["supervisor"],
    )
    lifted = services.sanction_impose(
        record=record,
        kind=SanctionKind.HONOURS_INELIGIBILITY,
        reason="取消年度评优资格",
        end_on=timezone.localdate() + datetime.timedelta(days=365),
        actor=people["supervisor"],
    )
    services.sanction_lift(sanction=lifted, reason="经复核予以解除", actor=people["supervisor"])
    html = english(client).get(detail_url(record)).content.decode()
    assert "对甲区市场监管局拒不履行生效判决的行为予以通报批评。" in html
    assert "取消年度评优资格" not in html  # lifted: no longer in force


def test_a_civil_servants_record_publishes_only_a_notice_of_criticism(client, world, people):
    record = record_of(world, people, civil_servant=civil_servant_in(world.department))
    for kind, extra in (
        (SanctionKind.NOTICE_OF_CRITICISM, {"notice_text": "对该同志予以通报批评，责令深刻检查。"}),
        (SanctionKind.ACCOUNTABILITY_REFERRAL, {"referred_to": "区纪委监委"}),
    ):
        services.sanction_impose(record=record, kind=kind, reason="内部理由不公开", actor=people["supervisor"], **extra)
    html = client.get(detail_url(record)).content.decode()
    assert "对该同志予以通报批评，责令深刻检查。" in html
    assert "内部理由不公开" not in html and "区纪委监委" not in html


def test_the_organization_summary_shows_only_what_is_on_public_view(client, world, people, states):
    procurement = record_of(world, people, category=Category.PROCUREMENT)
    services.sanction_impose(
        record=procurement,
        kind=SanctionKind.NOTICE_OF_CRITICISM,
        reason="采购违规",
        notice_text="对甲区市场监管局政府采购违规行为予以通报批评。",
        actor=people["supervisor"],
    )
    person = record_of(world, people, civil_servant=civil_servant_in(world.department))
    response = english(client).get(reverse("dishonesty_records:public_organization", args=[world.department.pk]))
    assert response.status_code == 200
    summary = response.context["summary"]
    assert {r.pk for r in summary.open_records} == {states["published"].pk, procurement.pk}
    assert person.pk not in {r.pk for r in summary.open_records}  # a person's record is not the body's
    counts = dict(response.context["category_counts"])
    assert list(counts.values()) == [1, 1]
    html = response.content.decode()
    assert "对甲区市场监管局政府采购违规行为予以通报批评。" in html
    for name in ("withdrawn", "confirmed", "repaired", "ended"):
        assert reverse("dishonesty_records:public_detail", args=[states[name].pk]) not in html


def test_the_summary_of_an_unknown_or_inactive_body_is_404(client, world):
    assert client.get(reverse("dishonesty_records:public_organization", args=[999_999])).status_code == 404
    world.other_department.is_active = False
    world.other_department.save()
    url = reverse("dishonesty_records:public_organization", args=[world.other_department.pk])
    assert client.get(url).status_code == 404


def test_pages_speak_english_when_asked(client, world, people):
    response = client.get(LIST, {"q": "没有这个单位", "language": "en"})
    assert "No published records match these filters." in response.content.decode()
    response = client.get(LIST)  # the choice is remembered
    assert "No records are on public view." in response.content.decode()


def test_the_public_navigation_links_to_the_list(client):
    html = client.get(LIST).content.decode()
    assert re.search(rf'href="{LIST}"', html)
