"""What the portal can measure about a government body over a period, from its own data.

A measured pledge ("every penalty we decide is published within 5 working days") reads its value here
instead of a self-report, and evaluations will read the same figures. Each app registers what it can
measure in its AppConfig.ready() (`register_indicator`), the way it registers what it publishes; core
knows no app. An indicator is a share: of the records *counted* in the period, how many *met* the bar.
It answers per month, so that a page can show the trend, and names the records behind the figure.

    measurement = measure("disclosures.penalty_published_within", organization,
                          start=date(2026, 1, 1), end=date(2026, 12, 31), parameters={"working_days": 5})
    measurement.value        # Decimal("96.4") — percent, one decimal; None when nothing was counted
    measurement.points       # [Point(month=date(2026, 1, 1), met=27, counted=28), …]
    measurement.records      # a queryset of the records counted, for "the records behind it"
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Parameter:
    name: str
    label: str  # lazy
    default: int
    minimum: int
    maximum: int


@dataclass(frozen=True)
class Point:
    month: datetime.date  # the first day of the month
    met: int
    counted: int

    @property
    def value(self) -> Decimal | None:
        return share(self.met, self.counted)


@dataclass(frozen=True)
class Measurement:
    key: str
    start: datetime.date
    end: datetime.date
    parameters: dict[str, int]
    points: list[Point]
    records: QuerySet

    @property
    def met(self) -> int:
        return sum(point.met for point in self.points)

    @property
    def counted(self) -> int:
        return sum(point.counted for point in self.points)

    @property
    def value(self) -> Decimal | None:
        return share(self.met, self.counted)


# measure(organization, start, end, parameters) → (the monthly points, the records counted)
Measure = Callable[[object, datetime.date, datetime.date, dict[str, int]], tuple[list[Point], QuerySet]]


@dataclass(frozen=True)
class Behind:
    """One record behind a measurement, as a public page may name it: the app that owns the record says
    what of it may be shown (an unpublished decision is named by its date only) and where it is on view."""

    label: str
    day: datetime.date | None = None
    url: str | None = None


def _anonymous(record) -> Behind:
    return Behind(label=_("Record %(id)s") % {"id": record.pk})


@dataclass(frozen=True)
class Indicator:
    key: str  # "<app>.<what>", stable: pledges store it
    label: str  # lazy; what the bar is, e.g. "Penalties published within N working days"
    description: str  # lazy; what is counted and what meets the bar
    measure: Measure
    parameters: tuple[Parameter, ...] = field(default_factory=tuple)
    # What a public page may say of each record counted (see Behind); the records come in measure's order.
    describe: Callable[[object], Behind] = _anonymous

    def behind(self, measurement: Measurement, *, limit: int = 50) -> list[Behind]:
        return [self.describe(record) for record in measurement.records[:limit]]

    def clean_parameters(self, given: dict | None) -> dict[str, int]:
        """The parameters with defaults filled in; a bad value is a field-level ValidationError."""
        given = dict(given or {})
        cleaned, errors = {}, {}
        for parameter in self.parameters:
            value = given.pop(parameter.name, parameter.default)
            try:
                value = int(value)
            except (TypeError, ValueError):
                errors[parameter.name] = _("Give a whole number.")
                continue
            if not parameter.minimum <= value <= parameter.maximum:
                errors[parameter.name] = _("Give a number from %(minimum)s to %(maximum)s.") % {
                    "minimum": parameter.minimum,
                    "maximum": parameter.maximum,
                }
                continue
            cleaned[parameter.name] = value
        for name in given:
            errors[name] = _("This indicator takes no such parameter.")
        if errors:
            raise ValidationError(errors)
        return cleaned


_registry: dict[str, Indicator] = {}


def register_indicator(indicator: Indicator) -> None:
    existing = _registry.get(indicator.key)
    if existing is not None and existing is not indicator and existing.measure is not indicator.measure:
        raise ValueError(f"indicator {indicator.key!r} is registered twice")
    _registry[indicator.key] = indicator


def indicator(key: str) -> Indicator:
    try:
        return _registry[key]
    except KeyError:
        raise LookupError(key) from None


def indicators() -> list[Indicator]:
    return sorted(_registry.values(), key=lambda item: item.key)


def indicator_choices() -> list[tuple[str, str]]:
    return [(item.key, str(item.label)) for item in indicators()]


def measure(
    key: str, organization, *, start: datetime.date, end: datetime.date, parameters: dict | None = None
) -> Measurement:
    if end < start:
        raise ValidationError({"end": _("The period ends before it starts.")})
    described = indicator(key)
    cleaned = described.clean_parameters(parameters)
    points, records = described.measure(organization, start, end, cleaned)
    return Measurement(key, start, end, cleaned, sorted(points, key=lambda point: point.month), records)


def share(met: int, counted: int) -> Decimal | None:
    """`met` of `counted` as a percentage with one decimal (half up), None when nothing was counted."""
    if not counted:
        return None
    return (Decimal(100 * met) / Decimal(counted)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def tally(rows, *, month: Callable, met: Callable) -> list[Point]:
    """Points from rows: `month(row)` the month it counts in, `met(row)` whether it met the bar."""
    counts: dict[datetime.date, list[int]] = {}
    for row in rows:
        entry = counts.setdefault(month(row), [0, 0])
        entry[1] += 1
        if met(row):
            entry[0] += 1
    return [Point(key, met_count, counted) for key, (met_count, counted) in counts.items()]
