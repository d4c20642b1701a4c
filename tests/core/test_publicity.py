"""Publicity periods, one lookup for every publishing app: rows by rule type and key, defaults for keys
without a row, a fallback for a record none of whose keys has one, and the longest of several."""

import datetime
import types

import pytest

from core.models import PublicityRule
from core.publicity import PublicityScheme, longest
from disclosures import services as disclosures
from dishonesty_records.services import rulings
from tests.disclosures.factories import make_license, make_penalty

pytestmark = pytest.mark.django_db
D = datetime.date


def rule(rule_type, key, low, high):
    return PublicityRule.objects.update_or_create(
        record_type=rule_type, key=key, defaults={"label": key, "min_months": low, "max_months": high}
    )[0]


def a_record():
    return types.SimpleNamespace(publicity_min_ends_on=None, publicity_ends_on=None)


def test_several_keys_take_the_longest_minimum_and_the_longest_maximum_each():
    rule("test", "kind:a", 3, 36)
    rule("test", "kind:b", 12, 24)
    scheme = PublicityScheme("test", fallback=(1, 2))
    assert scheme.months(["kind:a"]) == (3, 36)
    assert scheme.months(["kind:a", "kind:b"]) == (12, 36)  # not one rule's pair: the longest of each
    assert longest([(3, 36), (12, 24), (6, 6)]) == (12, 36) and longest([]) is None


def test_a_key_without_a_row_uses_its_default_and_a_record_without_any_the_fallback():
    scheme = PublicityScheme("test", defaults={"severity:serious": (6, 36)}, fallback=(3, 12))
    assert scheme.months(["severity:serious"]) == (6, 36)
    assert scheme.months(["severity:unknown"]) == (3, 12)
    assert scheme.months([]) == (3, 12)
    rule("test", "severity:serious", 9, 30)  # a supervisor's row wins over the code's default
    assert scheme.months(["severity:serious"]) == (9, 30)
    assert PublicityScheme("other").months(["kind:a"]) is None


def test_apply_counts_from_the_start_date_and_clears_without_a_period():
    scheme = PublicityScheme("test", fallback=(3, 12))
    record = a_record()
    assert scheme.apply(record, start=D(2026, 1, 31), keys=[]) == ["publicity_min_ends_on", "publicity_ends_on"]
    assert (record.publicity_min_ends_on, record.publicity_ends_on) == (D(2026, 4, 30), D(2027, 1, 31))
    PublicityScheme("never").apply(record, start=D(2026, 1, 31), keys=[])
    assert (record.publicity_min_ends_on, record.publicity_ends_on) == (None, None)


def test_rules_loaded_once_serve_a_whole_batch(django_assert_num_queries):
    rule("test", "kind:a", 3, 36)
    scheme = PublicityScheme("test")
    rules = scheme.rules()
    with django_assert_num_queries(0):
        assert scheme.months(["kind:a"], rules=rules) == (3, 36)


def test_both_publishing_apps_read_the_same_rows(world):
    # A penalty of two kinds in a safety domain: the domain's one-year minimum, the kinds' three years.
    penalty = make_penalty(
        world.department, penalty_kinds=["warning", "fine"], safety_domain="fire_safety", decided_on=D(2026, 11, 2)
    )
    assert (penalty.publicity_min_ends_on, penalty.publicity_ends_on) == (D(2027, 11, 2), D(2029, 11, 2))
    assert make_license(world.department).publicity_ends_on is None
    # A dishonesty record: by severity, from the row the supervisors may edit.
    rule(rulings.PUBLICITY.rule_type, "severity:general", 4, 10)
    record = types.SimpleNamespace(severity="general", determined_on=D(2026, 6, 1))
    rulings.apply_publicity(record)
    assert (record.publicity_min_ends_on, record.publicity_ends_on) == (D(2026, 10, 1), D(2027, 4, 1))
    assert disclosures.PUBLICITY["penalty"].months(["kind:fine"]) == (3, 36)
