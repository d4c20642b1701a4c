"""Quantified integrity assessment: the breakdown against hand-computed sums, rule versions that never
rewrite past scores, bad rules refused by field, overlapping dates refused, and the nightly recompute that
writes only on change in a fixed number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from civil_servants.models import AssessmentRuleSet, Completion, Course, IntegrityScore
from civil_servants.services import assessment
from civil_servants.tasks_assessment import recompute_integrity_scores, recompute_integrity_scores_of
from commitments.choices import Fulfilment, PledgeKind
from commitments.models import Pledge
from dishonesty_records import services as dishonesty_services
from dishonesty_records.choices import Category, Severity
from organizations.choices import Role
from tests.commitments.factories import make_pledge
from tests.dishonesty_records.factories import Clock, make_record, people_for
from tests.factories import CivilServantFactory, user_with_role
from tests.permissions import SUPERVISOR

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 6, 1)
MAY_FIRST, MARCH_FIRST = D(2026, 5, 1), D(2026, 3, 1)
RULES = {
    "base": 100,
    "records": {"general": -10, "serious": -30, "categories": {"administrative_penalty": {"general": -5}}},
    "training": {"per_missing": -2, "share_points": 10},
    "pledges": {"fulfilled": 1, "breached": -10},
    "decay": {"half_life_months": 24},
}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, TODAY)


@pytest.fixture
def people(world, clock):
    return people_for(world.department, world.district)


@pytest.fixture
def rule_keeper(world):
    return user_with_role(Role.PERSONNEL_OFFICER, world.city)


@pytest.fixture
def v1(clock, rule_keeper):
    return assessment.rule_set_create(effective_from=D(2026, 1, 1), rules=RULES, note="首版考核规则", actor=rule_keeper)


def confirmed(world, people, servant, *, determined_on, severity=Severity.GENERAL, category=Category.OTHER):
    record = make_record(
        world.department,
        proposer=people["staff"],
        subject_actor=people["reviewer"],
        until="waived",
        civil_servant=servant,
        severity=severity,
        category=category,
        occurred_on=determined_on - datetime.timedelta(days=30),
    )
    return dishonesty_services.record_confirm(
        record=record,
        reason="经核查，事实清楚。",
        actor=people["supervisor"],
        determined_on=determined_on,
        explanation_required=False,
    )


def course(organization, *, mandatory=True, year=2026, title="廉洁从政专题", audience="all"):
    return Course.objects.create(
        title=title,
        audience=audience,
        hours=Decimal("2.0"),
        provider="干部学习新干线",
        mandatory=mandatory,
        year=year,
        organization=organization,
    )


def complete(servant, course_, on=MAY_FIRST):
    return Completion.objects.create(
        civil_servant=servant, course=course_, completed_on=on, hours=course_.hours, recorded_by_label="test"
    )


def own_pledge(world, servant, fulfilment, settled_on=MARCH_FIRST):
    pledge = make_pledge(world.department)
    Pledge.objects.filter(pk=pledge.pk).update(
        kind=PledgeKind.CIVIL_SERVANT, civil_servant=servant, fulfilment=fulfilment, settled_on=settled_on
    )
    return pledge


def test_breakdown_line_by_line_against_a_hand_computed_sum(world, people, v1):
    servant = CivilServantFactory(organization=world.department)
    old = confirmed(
        world,
        people,
        servant,
        determined_on=D(2024, 6, 1),
        severity=Severity.SERIOUS,
        category=Category.COURT_JUDGMENT_DEFAULT,
    )
    new = confirmed(world, people, servant, determined_on=D(2026, 6, 1), category=Category.ADMINISTRATIVE_PENALTY)
    done, missing = course(world.city, title="诚信手册导读"), course(world.district, title="政务诚信专题")
    course(world.other_district, title="乙区必修")  # another district's course: not for this servant
    course(world.city, mandatory=False, title="选修")
    course(world.city, year=2025, title="去年必修")
    complete(servant, done)
    kept, broken = own_pledge(world, servant, Fulfilment.FULFILLED), own_pledge(world, servant, Fulfilment.BREACHED)
    own_pledge(world, servant, Fulfilment.FULFILLED, settled_on=D(2026, 7, 1))  # settled after as_of

    score, lines, rule_set = assessment.score_compute(servant, as_of=TODAY)

    # 100 − 30 × 0.5 (24 months, half-life 24) − 5 (administrative penalty's own weight) − 2 (one missing)
    # + 10 × ½ (one of two courses) + 1 (fulfilled) − 10 (breached) = 74
    assert [(line["source"], line["points"]) for line in lines] == [
        (f"civil_servants.rule_set#{v1.pk}", "100.00"),
        (f"dishonesty_records.record#{old.pk}", "-15.00"),
        (f"dishonesty_records.record#{new.pk}", "-5.00"),
        (f"civil_servants.course#{missing.pk}", "-2.00"),
        ("civil_servants.course_year#2026", "5.00"),
        (f"commitments.pledge#{kept.pk}", "1.00"),
        (f"commitments.pledge#{broken.pk}", "-10.00"),
    ]
    assert score == Decimal("74.00") and rule_set == v1
    assert "24 months" in lines[1]["line"] and "0.5" in lines[1]["line"]


def test_a_leaders_course_counts_for_leading_cadres_only(world, people, v1):
    for_all = course(world.city, title="全员必修")
    for_leaders = course(world.city, title="领导干部专题", audience="leaders")
    leader = CivilServantFactory(organization=world.department, is_leading_cadre=True)
    clerk = CivilServantFactory(organization=world.department)
    complete(leader, for_all)
    complete(clerk, for_all)

    _score, lines, _rules = assessment.score_compute(leader, as_of=TODAY)
    # 100 − 2 (the leaders' course missing) + 10 × ½ = 103
    assert [(line["source"], line["points"]) for line in lines[1:]] == [
        (f"civil_servants.course#{for_leaders.pk}", "-2.00"),
        ("civil_servants.course_year#2026", "5.00"),
    ]
    score, lines, _rules = assessment.score_compute(clerk, as_of=TODAY)
    assert score == Decimal("110.00") and lines[-1]["line"].startswith("Mandatory courses of 2026 completed: 1 of 1")


def test_linear_decay_and_no_score_before_the_first_rules(world, people, rule_keeper, clock):
    rules = {"base": 80, "records": {"general": -12}, "decay": {"linear_years": 2}}
    assessment.rule_set_create(effective_from=D(2026, 1, 1), rules=rules, note="线性衰减", actor=rule_keeper)
    servant = CivilServantFactory(organization=world.department)
    confirmed(world, people, servant, determined_on=D(2025, 6, 1))  # 12 of 24 months: −12 × 0.5
    confirmed(world, people, servant, determined_on=D(2023, 1, 1))  # fully decayed: 0
    score, lines, _rules = assessment.score_compute(servant, as_of=TODAY)
    assert [line["points"] for line in lines] == ["80.00", "-6.00", "0.00"]
    assert score == Decimal("74.00")
    assert assessment.score_compute(servant, as_of=D(2025, 12, 31)) == (None, [], None)  # no rules yet


def test_a_new_rule_set_never_rewrites_past_scores(world, people, v1, rule_keeper, clock):
    servant = CivilServantFactory(organization=world.department)
    confirmed(world, people, servant, determined_on=D(2026, 6, 1), severity=Severity.SERIOUS)
    assert assessment.score_recompute_all(as_of=TODAY) == 1
    first = IntegrityScore.objects.get()
    assert (first.score, first.rule_set, first.as_of) == (Decimal("70.00"), v1, TODAY)

    v2 = assessment.rule_set_create(
        effective_from=D(2026, 7, 1),
        rules={**RULES, "records": {"serious": -50}, "decay": {}},
        note="加重，不衰减",
        actor=rule_keeper,
    )
    assert v2.version == 2
    first.refresh_from_db()
    assert (first.score, first.rule_set_id) == (Decimal("70.00"), v1.pk)
    assert assessment.score_recompute_all(as_of=D(2026, 6, 30)) == 0  # still v1, nothing changed
    clock.set(D(2026, 7, 1))
    assert assessment.score_recompute_all(as_of=D(2026, 7, 1)) == 1
    latest = IntegrityScore.objects.order_by("-id").first()
    assert (latest.score, latest.rule_set) == (Decimal("50.00"), v2)
    first.refresh_from_db()
    assert (first.score, first.rule_set_id, first.breakdown[1]["points"]) == (Decimal("70.00"), v1.pk, "-30.00")
    assert AssessmentRuleSet.objects.get(pk=v1.pk).rules == v1.rules


def test_bad_rules_are_refused_field_by_field(rule_keeper, clock):
    def errors(rules, **kwargs):
        with pytest.raises(ValidationError) as caught:
            assessment.rule_set_create(
                effective_from=kwargs.get("effective_from", D(2026, 1, 1)),
                rules=rules,
                note=kwargs.get("note", "试行"),
                actor=rule_keeper,
            )
        return caught.value.message_dict

    assert "not valid JSON" in errors("{base: 100")["rules"][0]
    got = errors(
        {
            "base": "abc",
            "records": {"serious": True, "fatal": -1, "categories": {"nonsense": {"general": 1}}},
            "training": {"per_missing": "x2"},
            "decay": {"half_life_months": 0},
            "colour": 1,
        }
    )["rules"]
    text = "\n".join(got)
    for fragment in (
        "“colour”",
        "base: “abc” is not a number",
        "records: unknown key “fatal”",
        "records.serious: give a number",
        "records.categories.nonsense: unknown record category",
        "training.per_missing: “x2” is not a number",
        "decay.half_life_months: give a number above zero",
    ):
        assert fragment in text, fragment
    assert "base" in errors({"records": {}})["rules"][0]
    assert "not both" in " ".join(errors({"base": 1, "decay": {"half_life_months": 1, "linear_years": 1}})["rules"])
    got = errors({"base": 1}, note=" ", effective_from="2026-01-01")
    assert set(got) == {"note", "effective_from"}
    assert not AssessmentRuleSet.objects.exists()
    # accepted, numbers kept exact
    rule_set = assessment.rule_set_create(
        effective_from=D(2026, 1, 1), rules='{"base": 100, "records": {"general": -7.5}}', note="ok", actor=rule_keeper
    )
    assert rule_set.rules["records"] == {"general": "-7.5"} and rule_set.version == 1


def test_an_overlapping_or_backdated_effective_date_is_refused(v1, rule_keeper, world):
    with pytest.raises(ValidationError) as same_day:
        assessment.rule_set_create(effective_from=D(2026, 1, 1), rules=RULES, note="重复", actor=rule_keeper)
    assert "Version 1 already takes effect on 2026-01-01" in same_day.value.message_dict["effective_from"][0]
    with pytest.raises(ValidationError) as before:
        assessment.rule_set_create(effective_from=D(2025, 12, 1), rules=RULES, note="倒签", actor=rule_keeper)
    assert "in force since 2026-01-01" in before.value.message_dict["effective_from"][0]
    later = assessment.rule_set_create(effective_from=D(2026, 9, 1), rules=RULES, note="下半年", actor=rule_keeper)
    assert later.version == 2
    with pytest.raises(PermissionDenied):  # a district's personnel officer does not set the city's rules
        assessment.rule_set_create(
            effective_from=D(2026, 10, 1),
            rules=RULES,
            note="区",
            actor=user_with_role(Role.PERSONNEL_OFFICER, world.district),
        )
    assert list(AssessmentRuleSet.objects.values_list("version", flat=True).order_by("version")) == [1, 2]


def test_recompute_writes_only_when_the_inputs_change(world, people, v1):
    one, two = (CivilServantFactory(organization=world.department) for _ in range(2))
    mandatory = course(world.city)
    assert assessment.score_recompute_all(as_of=TODAY) == 2
    assert assessment.score_recompute_all(as_of=TODAY) == 0
    assert assessment.score_recompute_all(as_of=D(2026, 6, 2)) == 0  # a new day, the same inputs
    complete(one, mandatory)
    assert assessment.score_recompute(two) is None
    new = assessment.score_recompute(one)
    assert new is not None and new.score == Decimal("110.00")  # 100 + 10 × 1/1, nothing missing
    assert assessment.score_recompute_all(as_of=TODAY) == 0
    complete(two, mandatory)
    assert assessment.score_recompute_many([one.pk, two.pk, two.pk]) == 1  # only two changed
    assert recompute_integrity_scores_of.apply(args=[[one.pk, two.pk]]).get() == 0
    assert IntegrityScore.objects.filter(civil_servant=one).count() == 2
    assert IntegrityScore.objects.filter(civil_servant=two).count() == 2
    assert recompute_integrity_scores.apply().get() == 0


def test_recompute_all_reads_in_a_fixed_number_of_queries(world, people, v1):
    cities = course(world.city)

    def servants(n):
        made = [CivilServantFactory(organization=world.department) for _ in range(n)]
        complete(made[0], cities)
        confirmed(world, people, made[-1], determined_on=TODAY)
        own_pledge(world, made[0], Fulfilment.FULFILLED)
        return made

    servants(3)
    with CaptureQueriesContext(connection) as few:
        assert assessment.score_recompute_all(as_of=TODAY) == 3
    servants(27)
    with CaptureQueriesContext(connection) as many:
        assert assessment.score_recompute_all(as_of=TODAY) == 27
    assert len(few.captured_queries) == len(many.captured_queries)
    # and batches: two batches of at most 20 read twice as much, not per servant
    with CaptureQueriesContext(connection) as none:
        assert assessment.score_recompute_all(as_of=TODAY, batch_size=20) == 0
    assert len(none.captured_queries) < 2 * len(few.captured_queries)


def test_pages_rules_and_score(client, world, people, v1, rule_keeper):
    servant = CivilServantFactory(organization=world.department)
    confirmed(world, people, servant, determined_on=TODAY, severity=Severity.SERIOUS)
    assessment.score_recompute_all(as_of=TODAY)
    client.force_login(rule_keeper)
    url = reverse("civil_servants:assessment_rules")
    page = client.get(url)
    assert page.status_code == 200 and "v1" in page.content.decode()
    bad = client.post(url + "?language=en", {"effective_from": "2026-01-01", "rules": '{"base": "x"}', "note": "再来"})
    assert bad.status_code == 200
    body = bad.content.decode()
    assert "is not a number" in body and "already takes effect" in body
    good = client.post(url, {"effective_from": "2026-08-01", "rules": '{"base": 90}', "note": "简化"})
    assert good.status_code == 302 and AssessmentRuleSet.objects.count() == 2

    score_url = reverse("civil_servants:assessment_score", args=[servant.pk])
    officer = user_with_role(Role.PERSONNEL_OFFICER, world.district)
    client.force_login(officer)
    body = client.get(score_url).content.decode()
    assert "70.00" in body and "-30.00" in body and "rules v1" in body
    client.force_login(user_with_role(Role.PERSONNEL_OFFICER, world.other_district))
    assert client.get(score_url).status_code == 404
    assert client.get(url).status_code == 200  # reads the rules; keeping them is the city's
    assert client.post(url, {"effective_from": "2026-09-01", "rules": '{"base": 80}', "note": "x"}).status_code == 403
    client.force_login(world.user(SUPERVISOR))
    assert client.get(url).status_code == 403


def test_a_score_moves_at_once_when_an_input_changes(world, people, v1, django_capture_on_commit_callbacks):
    """A commendation entered, then a mandatory course completed: a score once each change commits, and a
    new one only when the breakdown changes (the task run in process here, as a worker would)."""
    from celery import current_app

    from civil_servants.choices import CareerEntryKind
    from civil_servants.services import education, files

    servant = CivilServantFactory(organization=world.department)
    officer = user_with_role(Role.PERSONNEL_OFFICER, world.district)
    mandatory = course(world.city)
    eager = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            files.career_entry_record(
                civil_servant=servant,
                data={
                    "kind": CareerEntryKind.COMMENDATION,
                    "title": "嘉奖",
                    "decided_on": D(2026, 5, 20),
                    "decided_by": "甲区人民政府",
                    "document_number": "甲政〔2026〕1号",
                },
                actor=officer,
            )
        first = IntegrityScore.objects.get(civil_servant=servant)
        with django_capture_on_commit_callbacks(execute=True):
            education.completion_record(civil_servant=servant, course=mandatory, completed_on=MAY_FIRST, actor=officer)
        latest = IntegrityScore.objects.filter(civil_servant=servant).order_by("-id").first()
        assert latest.pk != first.pk and latest.score > first.score  # the missing course no longer counts against
    finally:
        current_app.conf.task_always_eager = eager
