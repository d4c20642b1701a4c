"""Every move a pledge can make, and every move it cannot: an illegal one is refused with a message that
says why, and the pledge is left as it was."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from commitments import services
from commitments.choices import Fulfilment, LawfulGround
from commitments.models import Pledge
from core.publication import PublicationStatus
from tests.permissions import OWN_ORG, SUPERVISOR

from .factories import make_pledge, reviewer_of

pytestmark = pytest.mark.django_db


def settled(world, outcome=Fulfilment.BREACHED):
    pledge = make_pledge(world.department, published=True)
    if outcome == Fulfilment.FULFILLED:
        services.pledge_report_progress(pledge=pledge, progress=100, note="全部完成", actor=world.user(OWN_ORG))
    services.pledge_settle(pledge=pledge, outcome=outcome, note="结果如此认定", actor=world.user(SUPERVISOR))
    return Pledge.objects.get(pk=pledge.pk)


def lawful_change(pledge, actor):
    return services.pledge_change_lawfully(
        pledge=pledge,
        ground=LawfulGround.PUBLIC_INTEREST,
        approved_by="市人民政府",
        document="杭政函〔2026〕1号",
        reason="规划调整，依法变更",
        actor=actor,
    )


def test_the_legal_moves(world):
    staff, supervisor = world.user(OWN_ORG), world.user(SUPERVISOR)
    pledge = make_pledge(world.department)
    assert pledge.status == PublicationStatus.DRAFT and pledge.fulfilment == Fulfilment.IN_PROGRESS
    services.pledge_update(pledge=pledge, data={"title": "改后的标题"}, actor=staff)
    pledge = services.pledge_publish(pledge=pledge, actor=reviewer_of(world.department))
    assert pledge.status == PublicationStatus.PUBLISHED and pledge.version == 1
    services.pledge_correct(pledge=pledge, data={"title": "再次更正"}, reason="标题表述更正", actor=staff)
    services.pledge_report_progress(pledge=pledge, progress=100, note="全部完成", actor=staff)
    pledge, record = services.pledge_settle(
        pledge=pledge, outcome=Fulfilment.FULFILLED, note="按期兑现", actor=supervisor
    )
    assert pledge.fulfilment == Fulfilment.FULFILLED and record is None
    services.pledge_evaluate(pledge=pledge, score=95, comment="兑现及时", actor=supervisor)
    pledge = services.pledge_withdraw(pledge=pledge, reason="重复发布，撤回", actor=supervisor)
    assert pledge.status == PublicationStatus.WITHDRAWN
    changed = lawful_change(make_pledge(world.department, published=True), supervisor)
    assert changed.fulfilment == Fulfilment.CHANGED_LAWFULLY


ILLEGAL = [
    (
        "publish twice",
        lambda world, pledge: services.pledge_publish(pledge=pledge, actor=world.user(SUPERVISOR)),
        "published",
        "cannot be published",
    ),
    (
        "edit a published pledge",
        lambda world, pledge: services.pledge_update(pledge=pledge, data={"title": "x"}, actor=world.user(OWN_ORG)),
        "published",
        "corrected",
    ),
    (
        "correct a draft",
        lambda world, pledge: services.pledge_correct(
            pledge=pledge, data={"title": "新标题"}, reason="更正标题", actor=world.user(OWN_ORG)
        ),
        "draft",
        "cannot be",
    ),
    (
        "report on a settled pledge",
        lambda world, pledge: services.pledge_report_progress(
            pledge=pledge, progress=50, note="继续推进", actor=world.user(OWN_ORG)
        ),
        "breached",
        "settled",
    ),
    (
        "settle twice",
        lambda world, pledge: services.pledge_settle(
            pledge=pledge, outcome=Fulfilment.FULFILLED, note="改为兑现", actor=world.user(SUPERVISOR)
        ),
        "breached",
        "already settled",
    ),
    (
        "change a settled pledge",
        lambda world, pledge: lawful_change(pledge, world.user(SUPERVISOR)),
        "fulfilled",
        "already settled",
    ),
    (
        "publish a withdrawn pledge",
        lambda world, pledge: services.pledge_publish(pledge=pledge, actor=world.user(SUPERVISOR)),
        "withdrawn",
        "cannot be published",
    ),
    (
        "publish an internal pledge",
        lambda world, pledge: services.pledge_publish(pledge=pledge, actor=world.user(SUPERVISOR)),
        "internal",
        "not published",
    ),
]


def pledge_in(world, state: str) -> Pledge:
    if state == "draft":
        return make_pledge(world.department)
    if state == "published":
        return make_pledge(world.department, published=True)
    if state == "internal":
        return make_pledge(world.department, is_public=False)
    if state == "withdrawn":
        pledge = make_pledge(world.department, published=True)
        return services.pledge_withdraw(pledge=pledge, reason="发布有误撤回", actor=world.user(SUPERVISOR))
    return settled(world, Fulfilment(state))


@pytest.mark.parametrize(("move", "attempt", "state", "says"), ILLEGAL, ids=[row[0] for row in ILLEGAL])
def test_illegal_moves_are_refused_with_a_clear_message(world, settings, move, attempt, state, says):
    settings.LANGUAGE_CODE = "en"
    pledge = pledge_in(world, state)
    before = Pledge.objects.filter(pk=pledge.pk).values().get()
    with pytest.raises(ValidationError) as refused:
        attempt(world, pledge)
    assert refused.value.code == "illegal_transition"
    assert says in " ".join(refused.value.messages)
    assert Pledge.objects.filter(pk=pledge.pk).values().get() == before
