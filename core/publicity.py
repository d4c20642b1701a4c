"""How long a public record stays public: one lookup for every app that publishes.

Periods are data (`core.PublicityRule` rows, edited by supervisors; each app's migration loads the
defaults of DESIGN.md §4). A rule is found by the app's rule type ("penalty", "dishonesty") and a key
within it: a penalty kind ("kind:fine"), a safety domain ("domain:fire_safety"), a severity
("severity:serious"). Several keys applying to one record — several penalty kinds in one decision, a
kind and a safety domain — the longest wins: the longest minimum and the longest maximum. The clock
starts on the record's decision (or determination) date; the minimum opens early ending (credit
repair), the maximum ends publicity (the end-of-publicity sweep, core.sweeps).

    PENALTY = PublicityScheme("penalty", fallback=(3, 36))
    PENALTY.apply(record, start=record.decided_on, keys=["kind:fine", "domain:work_safety"])
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .calendar import add_months

Months = tuple[int, int]  # (minimum, maximum) months of publicity
PUBLICITY_FIELDS = ("publicity_min_ends_on", "publicity_ends_on")


def load_rules(rule_type: str) -> dict[str, Months]:
    """Every rule row of one rule type, by key: load once for a batch (an import, a generator)."""
    from .models import PublicityRule

    return {
        key: (low, high)
        for key, low, high in PublicityRule.objects.filter(record_type=rule_type).values_list(
            "key", "min_months", "max_months"
        )
    }


def longest(periods: Iterable[Months]) -> Months | None:
    """Several periods apply: the longest minimum and the longest maximum (None when none applies)."""
    periods = list(periods)
    if not periods:
        return None
    return max(low for low, _high in periods), max(high for _low, high in periods)


@dataclass(frozen=True)
class PublicityScheme:
    """One app's publicity rules: its rule type, the defaults of keys that have no row yet, and the
    period of a record none of whose keys has one (None: the record stays public while it stands)."""

    rule_type: str
    defaults: Mapping[str, Months] = field(default_factory=dict)
    fallback: Months | None = None

    def rules(self) -> dict[str, Months]:
        return load_rules(self.rule_type)

    def months(self, keys: Iterable[str], *, rules: Mapping[str, Months] | None = None) -> Months | None:
        keys = list(dict.fromkeys(keys))
        if not keys:
            return self.fallback
        rules = self.rules() if rules is None else rules
        found = [rules[key] if key in rules else self.defaults.get(key) for key in keys]
        return longest(period for period in found if period is not None) or self.fallback

    def apply(
        self, record, *, start: datetime.date | None, keys: Iterable[str], rules: Mapping[str, Months] | None = None
    ) -> list[str]:
        """Set the record's earliest and latest end of publicity; returns the fields it set."""
        months = self.months(keys, rules=rules) if start is not None else None
        if months is None:
            record.publicity_min_ends_on = record.publicity_ends_on = None
        else:
            record.publicity_min_ends_on = add_months(start, months[0])
            record.publicity_ends_on = add_months(start, months[1])
        return list(PUBLICITY_FIELDS)
