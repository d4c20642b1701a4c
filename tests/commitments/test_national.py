"""A pledge's document in the exchange format, as the national platform (the stand-in) checks it."""

import pytest
from django.utils import timezone

from commitments import national, services
from commitments.choices import Fulfilment, LawfulGround, PledgeKind
from mock_national.validation import PLEDGE_TYPE, record_problems
from tests.permissions import SUPERVISOR

from .factories import make_pledge

pytestmark = pytest.mark.django_db


def test_a_published_pledge_is_a_valid_record_for_the_platform_in_its_terms(world):
    pledge = make_pledge(world.department, published=True)
    document = national.to_national(pledge)
    assert all(isinstance(value, str) for value in document.values())
    assert (document["CN_LX"], document["CN_ZT"], document["CN_DXQK"]) == ("部门承诺", "优化服务", "履行中")
    assert record_problems(PLEDGE_TYPE, document, today=timezone.localdate()) == []


def test_a_lawful_change_says_its_ground_and_the_platform_refuses_one_that_does_not(world):
    pledge = make_pledge(world.department, kind=PledgeKind.INVESTMENT_PROMISE, counterparty="杭州某科技有限公司")
    pledge = services.pledge_change_lawfully(
        pledge=pledge,
        ground=LawfulGround.NATIONAL_INTEREST,
        approved_by="甲区人民政府",
        document="甲政复〔2026〕3号",
        compensation="按实际投入给予补偿",
        reason="国家产业政策调整",
        actor=world.user(SUPERVISOR),
    )
    document = national.to_national(pledge)
    assert (document["CN_DXQK"], document["CN_BGYJ"]) == ("依法变更", "国家利益")
    assert record_problems(PLEDGE_TYPE, document, today=timezone.localdate()) == []
    unexplained = {**document, "CN_BGYJ": "", "CN_BGWH": ""}
    refused = {reason["field"] for reason in record_problems(PLEDGE_TYPE, unexplained, today=timezone.localdate())}
    assert refused == {"CN_BGYJ", "CN_BGWH"}
    assert pledge.fulfilment == Fulfilment.CHANGED_LAWFULLY
