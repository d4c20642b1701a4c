"""Measured pledges: the value comes from the portal's own records, hand-counted here."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from commitments import selectors, services
from core import indicators
from disclosures import services as disclosures
from tests.disclosures.factories import clerk_and_reviewer, make_penalty
from tests.permissions import OWN_ORG

from .factories import pledge_data, today

pytestmark = pytest.mark.django_db

KEY = "disclosures.penalty_published_within"


def test_penalties_published_within_the_pledged_days_are_counted_by_hand(world):
    long_ago = today() - datetime.timedelta(days=60)
    make_penalty(world.department, decided_on=today())  # published at once: met
    make_penalty(world.department, decided_on=long_ago)  # published 60 days on: counted, late
    make_penalty(world.department, decided_on=long_ago, published=False)  # still a draft, window closed: late
    make_penalty(world.department, decided_on=today(), published=False)  # window still open: not counted
    _clerk, reviewer = clerk_and_reviewer(world.department)
    dropped = make_penalty(world.department, decided_on=long_ago, published=False)
    disclosures.disclosure_withdraw(record=dropped, reason="录入错误，重复录入", actor=reviewer)  # never published
    make_penalty(world.other_department, decided_on=today())  # another body's
    measurement = indicators.measure(
        KEY, world.department, start=today() - datetime.timedelta(days=90), end=today(), parameters={"working_days": 5}
    )
    assert (measurement.met, measurement.counted, measurement.value) == (1, 3, Decimal("33.3"))
    assert {point.month for point in measurement.points} == {long_ago.replace(day=1), today().replace(day=1)}
    assert measurement.records.count() == 4  # the records behind it, the open draft included


def test_a_measured_pledge_shows_its_value_against_its_target(world):
    make_penalty(world.department, decided_on=today())
    pledge = services.pledge_create(
        data=pledge_data(
            world.department,
            starts_on=today() - datetime.timedelta(days=10),
            indicator=KEY,
            indicator_parameters={"working_days": 5},
            indicator_target="95",
        ),
        actor=world.user(OWN_ORG),
    )
    measurement = selectors.measured(pledge)
    assert measurement.value == Decimal("100.0") and selectors.meets_target(pledge, measurement) is True
    with pytest.raises(ValidationError) as excinfo:
        services.pledge_report_progress(pledge=pledge, progress="50", note="自报进度", actor=world.user(OWN_ORG))
    assert "progress" in excinfo.value.message_dict


def test_a_measured_pledge_needs_a_known_indicator_sane_parameters_and_a_target(world):
    with pytest.raises(ValidationError) as excinfo:
        services.pledge_create(
            data=pledge_data(world.department, indicator="nowhere.nothing"), actor=world.user(OWN_ORG)
        )
    assert "indicator" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        services.pledge_create(
            data=pledge_data(world.department, indicator=KEY, indicator_parameters={"working_days": 0}),
            actor=world.user(OWN_ORG),
        )
    assert {"indicator_parameters", "indicator_target"} <= set(excinfo.value.message_dict)


def test_the_indicators_registered_by_the_publishing_apps():
    keys = {item.key for item in indicators.indicators()}
    assert {KEY, "disclosures.license_published_within", "dishonesty_records.obligations_on_time"} <= keys


def test_the_sweep_stores_the_measured_value_and_the_pages_show_it_with_the_records_behind_it(world, client):
    from django.urls import reverse

    from commitments.models import Pledge
    from commitments.services.sweeps import measure_pledges

    from .factories import reviewer_of

    long_ago = today() - datetime.timedelta(days=40)
    on_time = make_penalty(world.department, decided_on=today(), subject_name="按时公示的企业")
    make_penalty(world.department, decided_on=long_ago, published=False, subject_name="未公示的企业")
    pledge = services.pledge_create(
        data=pledge_data(
            world.department,
            starts_on=today() - datetime.timedelta(days=60),
            title="处罚决定七个工作日内公示",
            indicator=KEY,
            indicator_parameters={"working_days": 7},
            indicator_target="95",
        ),
        actor=world.user(OWN_ORG),
    )
    services.pledge_publish(pledge=pledge, actor=reviewer_of(world.department))
    assert measure_pledges() == 1
    pledge = Pledge.objects.get(pk=pledge.pk)
    assert pledge.measured_value == Decimal("50.0") and pledge.measured_through == today()
    listed = client.get(reverse("commitments:public_list")).content.decode()
    assert "50 %" in listed and "95 %" in listed and "text-danger" in listed  # below its target
    page = client.get(reverse("commitments:public_detail", args=[pledge.pk])).content.decode()
    # The published decision is named and linked; the unpublished one only counted, by its date.
    assert "按时公示的企业" in page and reverse("disclosures:public_penalty_detail", args=[on_time.pk]) in page
    assert "未公示的企业" not in page and long_ago.isoformat() in page
