"""The public double-publicity pages: only public records, search, filters, keyset pages, masking,
the deadline explained, the Atom feed and cached home counts — within a fixed query budget."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.calendar import add_working_days
from core.sweeps import end_due_publicity
from disclosures import selectors, services, tasks
from disclosures.models import LicenseDisclosure, PenaltyDisclosure
from disclosures.views import public

from .factories import (
    clerk_and_reviewer,
    company_uscc,
    make_license,
    make_natural_person_penalty,
    make_penalty,
    natural_person_id,
)

pytestmark = pytest.mark.django_db
D = datetime.date
ATOM = "{http://www.w3.org/2005/Atom}"
PENALTIES = reverse("disclosures:public_penalty_list")
LICENSES = reverse("disclosures:public_license_list")
HOME = reverse("disclosures:public_home")
FEED = reverse("disclosures:public_feed")


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()  # the home counts are cached per day; every test starts cold
    yield
    cache.clear()


def penalty_url(record):
    return reverse("disclosures:public_penalty_detail", args=[record.pk])


def license_url(record):
    return reverse("disclosures:public_license_detail", args=[record.pk])


def parse_feed(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 - our own feed, rendered by the test client


def listed_ids(response) -> list[int]:
    return [row["id"] for row in response.context["page"].items]


@pytest.fixture
def records(world):
    """One record in every state that matters to the public."""
    department = world.department
    published = make_penalty(department, subject_name="公开示范餐饮有限公司")
    draft = make_penalty(department, published=False, subject_name="草稿示范餐饮有限公司")
    withdrawn = make_penalty(department, subject_name="撤回示范餐饮有限公司")
    services.disclosure_withdraw(record=withdrawn, reason="决定书已被依法撤销", actor=reviewer_of(world))
    # Decided four years ago: three years of publicity are over. The sweep ends one of them; the
    # other is still "published" because the sweep has not run yet, and must be hidden all the same.
    long_ago = timezone.localdate() - datetime.timedelta(days=4 * 365)
    ended = make_penalty(department, subject_name="期满示范餐饮有限公司", decided_on=long_ago)
    end_due_publicity()
    unswept = make_penalty(department, subject_name="未扫示范餐饮有限公司", decided_on=long_ago)
    licence = make_license(department, subject_name="公开示范许可有限公司")
    licence_draft = make_license(department, published=False, subject_name="草稿示范许可有限公司")
    return {
        "published": published,
        "draft": draft,
        "withdrawn": withdrawn,
        "ended": ended,
        "unswept": unswept,
        "licence": licence,
        "licence_draft": licence_draft,
    }


def reviewer_of(world):
    return clerk_and_reviewer(world.department)[1]


# --- only public records, everywhere ------------------------------------------------------------------


def test_lists_show_only_published_records_within_their_publicity(client, records):
    html = client.get(PENALTIES).content.decode()
    assert "公开示范餐饮有限公司" in html
    for hidden in ("草稿示范", "撤回示范", "期满示范", "未扫示范"):
        assert hidden not in html
    licences = client.get(LICENSES).content.decode()
    assert "公开示范许可有限公司" in licences and "草稿示范许可" not in licences
    home = client.get(HOME).content.decode()
    assert "公开示范餐饮有限公司" in home and "公开示范许可有限公司" in home
    assert "草稿示范" not in home and "撤回示范" not in home


def test_detail_of_a_record_that_is_not_public_is_404_like_a_missing_one(client, records):
    assert client.get(penalty_url(records["published"])).status_code == 200
    assert client.get(license_url(records["licence"])).status_code == 200
    for name in ("draft", "withdrawn", "ended", "unswept"):
        assert client.get(penalty_url(records[name])).status_code == 404, name
    assert client.get(license_url(records["licence_draft"])).status_code == 404
    assert client.get(reverse("disclosures:public_penalty_detail", args=[999_999])).status_code == 404


def test_the_feed_carries_only_public_records(client, records):
    body = client.get(FEED).content.decode()
    assert "公开示范餐饮有限公司" in body and "公开示范许可有限公司" in body
    for hidden in ("草稿示范", "撤回示范", "期满示范", "未扫示范"):
        assert hidden not in body


# --- search and filters --------------------------------------------------------------------------------


@pytest.fixture
def named(world):
    department = world.department
    return {
        "tea": make_penalty(department, subject_name="杭州西湖龙井茶业有限公司"),
        # 龙 and 井 both occur but not side by side: a two-character search must not match it.
        "cover": make_penalty(department, subject_name="杭州龙门井盖制造厂"),
        "river": make_penalty(department, subject_name="钱塘江观潮旅游有限公司"),
        "tea_licence": make_license(department, subject_name="西湖龙井茶叶专卖店"),
    }


def test_search_by_two_chinese_characters(client, named):
    ids = listed_ids(client.get(PENALTIES, {"q": "龙井"}))
    assert ids == [named["tea"].pk]
    assert listed_ids(client.get(PENALTIES, {"q": "观潮"})) == [named["river"].pk]
    assert listed_ids(client.get(LICENSES, {"q": "龙井"})) == [named["tea_licence"].pk]


def test_search_by_four_chinese_characters(client, named):
    assert listed_ids(client.get(PENALTIES, {"q": "西湖龙井"})) == [named["tea"].pk]
    assert listed_ids(client.get(PENALTIES, {"q": "龙井西湖"})) == []  # the same bigram set, wrong order
    assert listed_ids(client.get(PENALTIES, {"q": " 西湖 龙井 "})) == [named["tea"].pk]  # words, in any order
    assert listed_ids(client.get(PENALTIES, {"q": "龙井 西湖"})) == [named["tea"].pk]


@pytest.mark.parametrize(("common_from", "expected_path"), [(1, "common"), (2, "rare"), (1000, "rare")])
def test_a_name_search_finds_the_same_records_whichever_way_it_reads(
    client, world, monkeypatch, common_from, expected_path
):
    # The sample is the newest three records: one match in it. "Common" from one match walks the
    # id index with STRPOS; otherwise the grams index finds the matches, old ones included.
    monkeypatch.setattr(selectors, "NAME_SAMPLE_WINDOW", 3)
    monkeypatch.setattr(selectors, "NAME_COMMON_IN_WINDOW", common_from)
    old = [make_penalty(world.department, subject_name=f"城东{i}号超市").pk for i in range(3)]
    for _ in range(4):
        make_penalty(world.department)
    newest = make_penalty(world.department, subject_name="好又多超市").pk
    with CaptureQueriesContext(connection) as captured:
        response = client.get(PENALTIES, {"q": "超市"})
    assert listed_ids(response) == sorted([*old, newest], reverse=True)
    page_sql = captured.captured_queries[-1]["sql"]
    if connection.vendor == "postgresql":
        assert ("STRPOS" in page_sql) == (expected_path == "common")
        assert ("@@" in page_sql) == (expected_path == "rare")


def test_search_by_credit_code_is_exact_and_forgiving_about_case_and_spaces(client, named):
    code = named["river"].subject_uscc
    assert listed_ids(client.get(PENALTIES, {"q": code})) == [named["river"].pk]
    assert listed_ids(client.get(PENALTIES, {"q": f" {code[:9]} {code[9:]} ".lower()})) == [named["river"].pk]
    assert listed_ids(client.get(PENALTIES, {"q": company_uscc(987_654)})) == []


def test_filter_by_authority_penalty_kind_and_decision_dates(client, world):
    department, other = world.department, world.other_department
    fine = make_penalty(department, penalty_kinds=["fine"], decided_on=D(2026, 9, 1))
    warning = make_penalty(
        department, penalty_kinds=["warning"], fine_amount=None, penalty_content="警告", decided_on=D(2026, 10, 20)
    )
    elsewhere = make_penalty(other, penalty_kinds=["fine"], decided_on=D(2026, 10, 21))

    assert listed_ids(client.get(PENALTIES, {"authority": other.pk})) == [elsewhere.pk]
    assert listed_ids(client.get(PENALTIES, {"penalty_kind": "warning"})) == [warning.pk]
    assert set(listed_ids(client.get(PENALTIES, {"penalty_kind": "fine"}))) == {fine.pk, elsewhere.pk}
    in_october = {"decided_after": "2026-10-01", "decided_before": "2026-10-20"}
    assert listed_ids(client.get(PENALTIES, in_october)) == [warning.pk]
    combined = {"authority": department.pk, "penalty_kind": "fine", "decided_before": "2026-09-30"}
    assert listed_ids(client.get(PENALTIES, combined)) == [fine.pk]


def test_date_filters_bound_the_id_range_without_changing_the_result(world):
    early = make_penalty(world.department, decided_on=D(2026, 3, 2))
    middle = make_penalty(world.department, decided_on=D(2026, 6, 1))
    late = make_penalty(world.department, decided_on=D(2026, 9, 1))
    bounds = selectors.decision_date_id_bounds(PenaltyDisclosure, D(2026, 5, 1), D(2026, 7, 1))
    assert bounds == (middle.pk, middle.pk)
    assert selectors.decision_date_id_bounds(PenaltyDisclosure, None, None) == (early.pk, late.pk)
    assert selectors.decision_date_id_bounds(PenaltyDisclosure, D(2020, 1, 1), D(2020, 12, 31)) is None

    def ids(**dates):
        queryset = selectors.filter_disclosures(selectors.public_penalties(), model=PenaltyDisclosure, **dates)
        return sorted(queryset.values_list("id", flat=True))

    assert ids(decided_after=D(2026, 6, 1)) == [middle.pk, late.pk]
    assert ids(decided_before=D(2026, 6, 1)) == [early.pk, middle.pk]
    assert ids(decided_after=D(2026, 6, 2), decided_before=D(2026, 8, 31)) == []
    assert ids(decided_after=D(2020, 1, 1), decided_before=D(2020, 1, 31)) == []


def test_the_authority_filter_offers_governments_and_departments(client, world):
    form = client.get(PENALTIES).context["form"]
    offered = {pk for pk, _label in form.fields["authority"].choices if pk}
    assert {world.city.pk, world.district.pk, world.department.pk, world.other_department.pk} <= offered


def test_a_new_or_renamed_authority_is_offered_at_once_though_the_list_is_cached(client, world):
    from organizations import services as organization_services
    from organizations.choices import OrganizationKind, OrganizationLevel

    def offered():
        return dict(client.get(PENALTIES).context["form"].fields["authority"].choices)

    assert world.department.pk in offered()  # the tree is now cached
    new = organization_services.organization_create(
        parent=world.city,
        actor=None,
        name="杭州市新设局",
        short_name="新设局",
        kind=OrganizationKind.DEPARTMENT,
        level=OrganizationLevel.CITY,
    )
    organization_services.organization_update(organization=world.department, actor=None, name="杭州市改名局")
    choices = offered()
    assert choices[new.pk].strip("\u3000") == "杭州市新设局"
    assert choices[world.department.pk].strip("\u3000") == "杭州市改名局"
    organization_services.organization_update(organization=new, actor=None, is_active=False)
    assert new.pk not in offered()


def test_names_in_the_list_and_the_overview_are_escaped(client, world):
    make_penalty(world.department, subject_name="<script>alert(1)</script>有限公司", decision_number="杭罚<b>1号")
    for url in (PENALTIES, HOME):
        html = client.get(url).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;有限公司" in html and "<script>alert" not in html, url
        assert "杭罚&lt;b&gt;1号" in html and "杭罚<b>" not in html, url


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"decided_after": "2026-13-45"}, "decided_after"),
        ({"decided_before": "yesterday"}, "decided_before"),
        ({"decided_after": "2026-10-02", "decided_before": "2026-10-01"}, "decided_before"),
        ({"authority": "abc"}, "authority"),
        ({"authority": "999999"}, "authority"),
        ({"penalty_kind": "beheading"}, "penalty_kind"),
        ({"q": "龙" * 101}, "q"),
    ],
)
def test_bad_filter_input_gets_a_field_error_not_a_server_error(client, named, params, field):
    response = client.get(PENALTIES, params)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    html = response.content.decode()
    assert f'id="id_{field}-error"' in html and "is-invalid" in html
    assert listed_ids(response) == []


def test_field_errors_speak_the_visitors_language(client, named):
    chinese = client.get(PENALTIES, {"decided_after": "2026-13-45"}).content.decode()
    assert "输入一个有效的日期" in chinese
    english = client.get(PENALTIES, {"decided_after": "2026-13-45", "language": "en"}).content.decode()
    assert "Enter a valid date." in english


def test_licence_lists_have_no_penalty_kind_filter(client, named):
    response = client.get(LICENSES, {"penalty_kind": "fine"})
    assert response.status_code == 200 and "penalty_kind" not in response.context["form"].fields
    assert listed_ids(response) == [named["tea_licence"].pk]


# --- keyset pages and the query budget ------------------------------------------------------------------


def test_keyset_pagination_walks_every_page_without_repeats(client, world, monkeypatch):
    monkeypatch.setattr(public, "PAGE_SIZE", 3)
    created = [make_penalty(world.department).pk for _ in range(8)]
    make_penalty(world.department, published=False)  # a draft between them changes nothing
    seen, params, pages = [], {}, 0
    while True:
        response = client.get(PENALTIES, params)
        page = response.context["page"]
        seen += listed_ids(response)
        pages += 1
        if not page.next_after:
            break
        assert "after=" + page.next_after in response.content.decode()
        params = {"after": page.next_after}
    assert pages == 3
    assert len(seen) == len(set(seen)) == 8
    assert seen == sorted(created, reverse=True)


def test_keyset_pages_keep_the_filters(client, world, monkeypatch):
    monkeypatch.setattr(public, "PAGE_SIZE", 2)
    matching = [make_penalty(world.department, subject_name=f"翻页测试商行{i}").pk for i in range(3)]
    make_penalty(world.department, subject_name="别的公司")
    first = client.get(PENALTIES, {"q": "翻页"})
    second = client.get(PENALTIES, {"q": "翻页", "after": first.context["page"].next_after})
    assert listed_ids(first) + listed_ids(second) == sorted(matching, reverse=True)
    assert "q=%E7%BF%BB%E9%A1%B5" in first.content.decode()  # the next link carries the search


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "龙井"},
        {"q": "西湖龙井", "penalty_kind": "fine", "decided_after": "2026-01-01", "decided_before": "2026-12-31"},
        {"q": "91330106000000001X"},
        {"after": "100000000", "authority": "1"},
        {"decided_after": "nonsense"},
    ],
)
def test_a_list_request_stays_within_six_queries_and_never_counts(
    client, world, named, params, django_assert_max_num_queries
):
    for _ in range(3):
        make_penalty(world.department)
    with django_assert_max_num_queries(6), CaptureQueriesContext(connection) as captured:
        response = client.get(PENALTIES, params)
    assert response.status_code == 200
    counting = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert not counting, counting
    assert not re.search(r"\bOFFSET\b", " ".join(q["sql"] for q in captured.captured_queries).upper())


def test_licence_list_feed_and_detail_query_budgets(client, named, django_assert_max_num_queries):
    with django_assert_max_num_queries(6), CaptureQueriesContext(connection) as captured:
        assert client.get(LICENSES, {"q": "龙井"}).status_code == 200
    assert not [q for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    with django_assert_max_num_queries(3):
        assert client.get(FEED).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(penalty_url(named["tea"])).status_code == 200


def test_signed_in_staff_see_the_same_public_list_within_budget(client, world, named, django_assert_max_num_queries):
    client.force_login(clerk_and_reviewer(world.department)[0])
    with django_assert_max_num_queries(6):
        response = client.get(PENALTIES, {"q": "龙井"})
    assert listed_ids(response) == [named["tea"].pk]


# --- detail ----------------------------------------------------------------------------------------------


def test_natural_persons_id_numbers_are_masked_everywhere(client, world):
    person = make_natural_person_penalty(world.department)
    number = person.subject_id_number
    company = make_penalty(
        world.department,
        legal_representative_id_type="resident_id",
        legal_representative_id_number=natural_person_id(777),
    )
    person_page = client.get(penalty_url(person)).content.decode()
    assert person.masked_subject_id_number in person_page
    assert number not in person_page and "*" in person.masked_subject_id_number
    company_page = client.get(penalty_url(company)).content.decode()
    assert company.masked_legal_representative_id_number in company_page
    assert company.legal_representative_id_number not in company_page
    for url in (PENALTIES, HOME, FEED):
        body = client.get(url).content.decode()
        assert number not in body and company.legal_representative_id_number not in body


def test_detail_shows_every_national_field_with_readable_labels(client, world):
    record = make_penalty(world.department, subject_name="标签测试有限公司", remarks="无")
    response = client.get(penalty_url(record), {"language": "en"})
    html = response.content.decode()
    for code in ("CF_XDR_MC", "CF_XDR_LB", "CF_WSH", "CF_CFLB", "CF_NR_FK", "CF_JDRQ", "CF_CFJG", "CF_CFJGDM", "BZ"):
        assert code in html
    assert "Subject name" in html and "Penalty kinds" in html and "Deciding authority" in html
    assert "Warning、Fine" in html  # penalty kinds as labels, not as stored values
    assert "0.2" in html  # 万元, normalized
    assert world.department.uscc in html


def test_a_long_term_licence_says_so(client, world):
    licence = make_license(world.department, valid_until=D(2099, 12, 31))
    html = client.get(license_url(licence), {"language": "en"}).content.decode()
    assert "Long-term" in html and "2099-12-31" not in html


def test_a_corrected_record_shows_its_version_and_public_history_without_payloads(client, world):
    reviewer = reviewer_of(world)
    record = make_natural_person_penalty(world.department)
    corrected = services.disclosure_correct(
        record=record, data={"penalty_content": "警告，罚款二千元（更正）"}, reason="处罚内容笔误", actor=reviewer
    )
    assert corrected.version == 2
    response = client.get(penalty_url(corrected), {"language": "en"})
    html = response.content.decode()
    assert "version 2" in html and "corrected" in html.lower()
    versions = list(response.context["versions"])
    assert [v.action for v in versions] == ["publish", "correct"]
    assert record.subject_id_number not in html  # the stored payloads are unmasked and never shown
    assert "处罚内容笔误" not in html  # nor the reviewers' internal reasons


def test_the_deadline_explanation_shows_the_skipped_national_day_holiday(client, world):
    record = make_penalty(world.department, decided_on=D(2026, 9, 30))
    expected = add_working_days(D(2026, 9, 30), services.PUBLISH_WITHIN_WORKING_DAYS)
    assert expected.due == record.publish_deadline == D(2026, 10, 15)
    html = client.get(penalty_url(record)).content.decode()
    for line in expected.explanation():
        assert line in html
    assert "2026-10-01" in html and "国庆节" in html  # the holiday, by its name
    assert "2026-10-10" in html  # the make-up Saturday that counts
    # Published on 2026-11-27 or later, long after 15 October: not on time.
    assert record.on_time is False
    english = client.get(penalty_url(record), {"language": "en"}).content.decode()
    assert "How the deadline was counted" in english
    assert '<span class="badge text-bg-warning">No</span>' in english  # published on time: no


def test_on_time_badges_in_the_list(client, world):
    on_time = make_penalty(world.department, decided_on=timezone.localdate() - datetime.timedelta(days=1))
    late = make_penalty(world.department, decided_on=D(2026, 9, 30))
    response = client.get(PENALTIES, {"language": "en"})
    html = response.content.decode()
    rows = {int(pk): row for pk, row in re.findall(r'<tr><td><a href="/disclosures/penalties/(\d+)/">(.*?)</tr>', html)}
    assert '<span class="badge text-bg-success">On time</span>' in rows[on_time.pk]
    assert '<span class="badge text-bg-warning">Late</span>' in rows[late.pk]


# --- feed -------------------------------------------------------------------------------------------------


def test_the_feed_is_valid_atom_with_an_entry_per_public_record(client, world):
    person = make_natural_person_penalty(world.department)
    company = make_penalty(world.department, subject_name="订阅测试有限公司")
    licence = make_license(world.department, subject_name="订阅测试许可有限公司")
    make_penalty(world.department, published=False, subject_name="订阅草稿有限公司")
    response = client.get(FEED)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = parse_feed(response.content)
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}title").text and root.find(f"{ATOM}updated").text
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 3
    titles = [entry.find(f"{ATOM}title").text for entry in entries]
    assert f"{company.subject_name} · {company.decision_number}" in titles
    assert f"{licence.subject_name} · {licence.decision_number}" in titles
    links = {entry.find(f"{ATOM}link").get("href") for entry in entries}
    assert any(link.endswith(penalty_url(company)) for link in links)
    assert any(link.endswith(license_url(licence)) for link in links)
    for entry in entries:
        assert entry.find(f"{ATOM}id").text and entry.find(f"{ATOM}updated").text
    body = response.content.decode()
    assert person.subject_id_number not in body and person.masked_subject_id_number not in body
    assert "订阅草稿" not in body


def test_the_feed_is_ordered_by_publication_time_not_entry_order(client, world):
    entered_first = make_penalty(world.department, published=False, subject_name="先录后发有限公司")
    make_penalty(world.department, subject_name="后录先发有限公司")
    services.disclosure_publish(record=entered_first, actor=reviewer_of(world))
    root = parse_feed(client.get(FEED).content)
    titles = [entry.find(f"{ATOM}title").text for entry in root.findall(f"{ATOM}entry")]
    assert titles[0].startswith("先录后发有限公司")


# --- home counts --------------------------------------------------------------------------------------


def test_home_counts_come_from_the_cache_after_the_beat_task(client, world):
    make_penalty(world.department)
    make_penalty(world.other_department)
    make_penalty(world.department, published=False)
    make_license(world.department)
    counts = tasks.refresh_public_counts()
    assert counts == {"penalties": 2, "licenses": 1, "published_this_month": 3, "deciding_organizations": 2}

    make_penalty(world.department)  # after the refresh: the cached figures stand until the next one
    with CaptureQueriesContext(connection) as captured:
        response = client.get(HOME)
    assert response.context["counts"] == counts
    assert not [q for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(captured.captured_queries) <= 3

    tasks.refresh_public_counts()
    assert client.get(HOME).context["counts"]["penalties"] == 3


def test_a_cold_cache_is_filled_once(client, world):
    make_penalty(world.department)
    client.get(HOME)
    with CaptureQueriesContext(connection) as captured:
        client.get(HOME)
    assert not [q for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert selectors.public_counts()["penalties"] == 1


def test_when_todays_counts_expire_only_one_request_recounts(client, world):
    make_penalty(world.department)
    last = tasks.refresh_public_counts()
    cache.delete(selectors._public_counts_key())  # today's entry expired before the next beat
    cache.add(selectors._PUBLIC_COUNTS_LOCK_KEY, True)  # and another request is recounting
    make_penalty(world.department)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(HOME)
    assert response.context["counts"] == last  # the last figures, not a second count
    assert not [q for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    cache.delete(selectors._PUBLIC_COUNTS_LOCK_KEY)
    assert client.get(HOME).context["counts"]["penalties"] == 2  # nobody counting: this one does


def test_the_counts_are_refreshed_by_beat_every_ten_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["disclosures-refresh-public-counts"]
    assert entry["task"] == "disclosures.tasks.refresh_public_counts" and entry["schedule"] == 600


# --- selectors for the API and the site-wide links ----------------------------------------------------


def test_selectors_filter_generic_querysets(world, named):
    penalties = selectors.public_penalties()
    assert list(selectors.filter_disclosures(penalties, model=PenaltyDisclosure, q="龙井")) == [named["tea"]]
    by_code = selectors.filter_disclosures(
        penalties, model=PenaltyDisclosure, subject_uscc=named["river"].subject_uscc.lower()
    )
    assert list(by_code) == [named["river"]]
    licences = selectors.filter_disclosures(
        selectors.public_licenses(), model=LicenseDisclosure, authority=world.department, decided_before=D(2000, 1, 1)
    )
    assert list(licences) == []


def test_public_navigation_and_portal_home_link_to_double_publicity(client):
    home = client.get("/").content.decode()
    assert f'href="{HOME}"' in home
    assert client.get(HOME).status_code == 200


def test_pages_have_no_inline_scripts_or_styles(client, named):
    for url in (HOME, PENALTIES, LICENSES, penalty_url(named["tea"]), license_url(named["tea_licence"])):
        html = client.get(url).content.decode()
        assert "style=" not in html, url
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
