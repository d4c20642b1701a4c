"""Quantified integrity assessment (诚信量化考核): the rule set is data, a score is arithmetic on it.

A rule set (version n, in effect from a date until the next one's) is JSON of known keys:

    {"base": 100,
     "records": {"general": -10, "serious": -30,                      # every confirmed record …
                 "categories": {"court_judgment_default": {"serious": -40}}},  # … unless its category says
     "training": {"per_missing": -2, "share_points": 10},             # each missing mandatory course of the
                                                                       # year; points × share completed
     "pledges": {"fulfilled": 1, "partly_fulfilled": 0, "breached": -10},  # own pledges; a PPP breach traced
                                                                       # to the servant counts as breached
     "decay": {"half_life_months": 24}}                               # or {"linear_years": 5}: records only

A score is base + one line per input, each line naming its source ("<type>#<id>") and its points, rounded to
the cent, so a reader can redo the sum by hand. Which inputs count, on `as_of`:
- dishonesty records about the servant, confirmed, determined on or before `as_of`, neither withdrawn nor
  repaired (publicity ended still counts, decayed by the time since the determination, in whole months);
- the year's mandatory courses that are for the servant (for all, for leading cadres, for new entrants:
  `selectors.education.audiences_of`) offered by their organization or one above it, and their completions
  of them on or before `as_of`;
- the servant's own pledges settled on or before `as_of`, and PPP breaches traced to them by then.

Scores are append-only: a recompute writes a row only when the lines (or the rule version) differ from the
servant's latest score; changing the rules never rewrites a past score.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from commitments.choices import Fulfilment
from commitments.models import Pledge
from core.bulk import insert_records
from core.lookups import ids
from core.publication import PublicationStatus
from dishonesty_records.choices import Category, Severity, Stage
from dishonesty_records.models import DishonestyRecord
from organizations.models import CivilServant

from ..models import AssessmentRuleSet, Completion, IntegrityScore
from ..selectors.education import audiences_of, mandatory_courses
from .rules import (  # noqa: F401 - the rule-set services, re-exported where callers find them
    DECAY_KEYS,
    KNOWN_KEYS,
    PLEDGE_KEYS,
    RECORD_KEYS,
    TRAINING_KEYS,
    may_manage_rules,
    rule_set_active,
    rule_set_create,
    rules_clean,
)

CENT = Decimal("0.01")
BATCH_SIZE = 2000
RECORD_TYPE = "dishonesty_records.record"
PLEDGE_TYPE = "commitments.pledge"
COURSE_TYPE = "civil_servants.course"
RULES_TYPE = "civil_servants.rule_set"
COURSE_YEAR_TYPE = "civil_servants.course_year"  # the year's mandatory courses as a whole

COUNTED_STATUSES = (PublicationStatus.DRAFT, PublicationStatus.PUBLISHED, PublicationStatus.PUBLICITY_ENDED)


# --- the rules -------------------------------------------------------------------------------------


@dataclass
class Inputs:
    """What one servant's score is made of (plain values, so a batch is read in a few queries)."""

    path: str = ""
    records: list = None  # (id, category, severity, determined_on)
    courses: list = None  # (id, title) of the mandatory courses that apply
    completed: set = None  # course ids completed
    pledges: list = None  # (id, fulfilment, title)
    breaches: list = None  # (id, title): PPP pledges breached while the servant answered for the stage

    def __post_init__(self):
        for name in ("records", "courses", "pledges", "breaches"):
            if getattr(self, name) is None:
                setattr(self, name, [])
        if self.completed is None:
            self.completed = set()


SERVANT_COLUMNS = ("pk", "organization__path", "is_leading_cadre", "entered_service_on")


def _read_inputs(servants: list[tuple], as_of: datetime.date) -> dict[int, Inputs]:
    """Inputs of every servant given as SERVANT_COLUMNS, in five queries whatever their number."""
    inputs = {pk: Inputs(path=path) for pk, path, *_rest in servants}
    batch = ids(inputs)
    for pk, record_id, category, severity, determined_on, occurred_on in (
        DishonestyRecord.objects.filter(
            civil_servant_id__any_of=batch, stage=Stage.CONFIRMED, status__in=COUNTED_STATUSES
        )
        .values_list("civil_servant_id", "id", "category", "severity", "determined_on", "occurred_on")
        .order_by("civil_servant_id", "id")
    ):
        day = determined_on or occurred_on
        if day <= as_of:
            inputs[pk].records.append((record_id, category, severity, day))
    courses = mandatory_courses(as_of.year)
    for pk, path, is_leading_cadre, entered_service_on in servants:
        audiences = audiences_of(
            is_leading_cadre=is_leading_cadre, entered_service_on=entered_service_on, year=as_of.year
        )
        inputs[pk].courses = [
            (course_id, title)
            for course_id, title, course_path, audience in courses
            if audience in audiences and path.startswith(course_path)
        ]
    if courses:
        for pk, course_id in Completion.objects.filter(
            civil_servant_id__any_of=batch, course_id__any_of=ids(c[0] for c in courses), completed_on__lte=as_of
        ).values_list("civil_servant_id", "course_id"):
            inputs[pk].completed.add(course_id)
    for pk, pledge_id, fulfilment, title in (
        Pledge.objects.filter(
            civil_servant_id__any_of=batch,
            fulfilment__in=sorted(PLEDGE_KEYS),
            settled_on__lte=as_of,
        )
        .values_list("civil_servant_id", "id", "fulfilment", "title")
        .order_by("id")
    ):
        inputs[pk].pledges.append((pledge_id, fulfilment, title))
    for pk, pledge_id, title in (
        Pledge.objects.filter(breach_answerable__civil_servant_id__any_of=batch, breach_occurred_on__lte=as_of)
        .values_list("breach_answerable__civil_servant_id", "id", "title")
        .order_by("id")
    ):
        inputs[pk].breaches.append((pledge_id, title))
    return inputs


# --- the arithmetic --------------------------------------------------------------------------------


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole months from start to end (0 if end is before start)."""
    months = (end.year - start.year) * 12 + end.month - start.month - (1 if end.day < start.day else 0)
    return max(months, 0)


def decay_factor(decay: dict, months: int) -> Decimal:
    if "half_life_months" in decay:
        return Decimal(str(round(0.5 ** (months / float(decay["half_life_months"])), 6)))
    if "linear_years" in decay:
        return max(Decimal(0), 1 - Decimal(months) / (12 * Decimal(decay["linear_years"])))
    return Decimal(1)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP) + 0  # + 0: never “-0.00”


def _line(code: str, text: str, source: str, points: Decimal) -> dict:
    return {"code": code, "line": text, "source": source, "points": str(_cents(points))}


def _lines(rule_set: AssessmentRuleSet, inputs: Inputs, as_of: datetime.date) -> list[dict]:
    rules = rule_set.rules
    lines = [
        _line(
            "base",
            _("Base score (rules v%(v)s)") % {"v": rule_set.version},
            f"{RULES_TYPE}#{rule_set.pk}",
            Decimal(rules["base"]),
        )
    ]
    weights, decay = rules.get("records", {}), rules.get("decay", {})
    categories = weights.get("categories", {})
    for record_id, category, severity, day in inputs.records:
        weight = categories.get(category, {}).get(severity, weights.get(severity))
        if weight is None:
            continue
        months = months_between(day, as_of)
        factor = decay_factor(decay, months)
        text = _(
            "Dishonesty record %(ref)s (%(category)s, %(severity)s): %(weight)s × %(factor)s after %(months)s months"
        ) % {
            "ref": DishonestyRecord.reference_of(record_id),
            "category": Category(category).label,
            "severity": Severity(severity).label,
            "weight": weight,
            "factor": factor,
            "months": months,
        }
        lines.append(_line("record", text, f"{RECORD_TYPE}#{record_id}", Decimal(weight) * factor))
    training = rules.get("training", {})
    if inputs.courses:
        if "per_missing" in training:
            for course_id, title in inputs.courses:
                if course_id not in inputs.completed:
                    text = _("Mandatory course not completed: %(title)s") % {"title": title}
                    lines.append(
                        _line("missing_course", text, f"{COURSE_TYPE}#{course_id}", Decimal(training["per_missing"]))
                    )
        if "share_points" in training:
            done = sum(1 for course_id, _title in inputs.courses if course_id in inputs.completed)
            share = Decimal(done) / Decimal(len(inputs.courses))
            text = _("Mandatory courses of %(year)s completed: %(done)s of %(all)s × %(points)s") % {
                "year": as_of.year,
                "done": done,
                "all": len(inputs.courses),
                "points": training["share_points"],
            }
            lines.append(
                _line(
                    "training_share",
                    text,
                    f"{COURSE_YEAR_TYPE}#{as_of.year}",
                    share * Decimal(training["share_points"]),
                )
            )
    pledges = rules.get("pledges", {})
    for pledge_id, fulfilment, title in inputs.pledges:
        if fulfilment in pledges:
            text = _("Pledge %(title)s: %(fulfilment)s") % {"title": title, "fulfilment": Fulfilment(fulfilment).label}
            lines.append(_line("pledge", text, f"{PLEDGE_TYPE}#{pledge_id}", Decimal(pledges[fulfilment])))
    if Fulfilment.BREACHED in pledges:
        for pledge_id, title in inputs.breaches:
            text = _("PPP duty breached while answering for its stage: %(title)s") % {"title": title}
            lines.append(_line("ppp_breach", text, f"{PLEDGE_TYPE}#{pledge_id}", Decimal(pledges[Fulfilment.BREACHED])))
    return lines


def lines_digest(rule_set: AssessmentRuleSet, lines: list[dict]) -> str:
    """What a score is made of, independent of the language its lines were written in and of the day."""
    canonical = json.dumps(
        {"rules": rule_set.pk, "lines": [[line["code"], line["source"], line["points"]] for line in lines]},
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _total(lines: list[dict]) -> Decimal:
    return _cents(sum((Decimal(line["points"]) for line in lines), Decimal(0)))


def score_compute(civil_servant: CivilServant, *, as_of: datetime.date | None = None):
    """(score, lines, rule set) of the servant on `as_of` under the rules then in force; (None, [], None)
    when no rule set is in force yet. Writes nothing."""
    as_of = as_of or timezone.localdate()
    rule_set = rule_set_active(as_of)
    if rule_set is None:
        return None, [], None
    servant = (
        civil_servant.pk,
        civil_servant.organization.path,
        civil_servant.is_leading_cadre,
        civil_servant.entered_service_on,
    )
    inputs = _read_inputs([servant], as_of)[civil_servant.pk]
    lines = _lines(rule_set, inputs, as_of)
    return _total(lines), lines, rule_set


def _latest_digests(servant_ids) -> dict[int, str]:
    latest = (
        IntegrityScore.objects.filter(civil_servant_id__any_of=ids(servant_ids))
        .values("civil_servant_id")
        .annotate(last=Max("id"))
        .values("last")
    )
    return dict(IntegrityScore.objects.filter(id__in=latest).values_list("civil_servant_id", "inputs_digest"))


def _score_batch(servants: list[tuple], rule_set: AssessmentRuleSet, as_of: datetime.date) -> int:
    inputs = _read_inputs(servants, as_of)
    digests = _latest_digests(inputs)
    new = []
    for pk, servant_inputs in inputs.items():
        lines = _lines(rule_set, servant_inputs, as_of)
        digest = lines_digest(rule_set, lines)
        if digests.get(pk) != digest:
            new.append(
                IntegrityScore(
                    civil_servant_id=pk,
                    rule_set=rule_set,
                    as_of=as_of,
                    score=_total(lines),
                    breakdown=lines,
                    inputs_digest=digest,
                )
            )
    # COPY, not bulk_create: Django binds bulk_create's rows as arrays on the client, and quoting 2,000
    # breakdowns' JSON as array text cost 2/3 of a first nightly run (bench/RESULTS.md, credit files).
    insert_records(IntegrityScore, new)
    return len(new)


def score_recompute_all(*, as_of: datetime.date | None = None, batch_size: int = BATCH_SIZE) -> int:
    """The nightly recompute: every servant in service, a batch at a time (a fixed few queries a batch),
    a new score only where its lines changed. Idempotent: a second run the same day writes nothing.
    Returns the number of scores written."""
    as_of = as_of or timezone.localdate()
    rule_set = rule_set_active(as_of)
    if rule_set is None:
        return 0
    written, after = 0, 0
    while True:
        with transaction.atomic():
            # A batch's servants locked, skipping those another run (a second beat, an at-once recompute)
            # holds: that run scores them, and the digest check needs one writer per servant at a time.
            servants = list(
                CivilServant.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(is_active=True, pk__gt=after)
                .order_by("pk")
                .values_list(*SERVANT_COLUMNS)[:batch_size]
            )
            if not servants:
                return written
            written += _score_batch(servants, rule_set, as_of)
        after = servants[-1][0]


def score_recompute_many(servant_ids, *, as_of: datetime.date | None = None) -> int:
    """At once for the servants an input change touched (a completion import, a record about several
    people): set-based like the nightly run, in batches. Returns the number of scores written."""
    as_of = as_of or timezone.localdate()
    rule_set = rule_set_active(as_of)
    wanted = sorted(set(servant_ids))
    if rule_set is None or not wanted:
        return 0
    written = 0
    for start in range(0, len(wanted), BATCH_SIZE):
        with transaction.atomic():
            servants = list(
                CivilServant.objects.select_for_update(of=("self",))
                .filter(pk__any_of=ids(wanted[start : start + BATCH_SIZE]))
                .order_by("pk")
                .values_list(*SERVANT_COLUMNS)
            )
            written += _score_batch(servants, rule_set, as_of)
    return written


@transaction.atomic
def score_recompute(civil_servant: CivilServant, *, as_of: datetime.date | None = None) -> IntegrityScore | None:
    """At once when an input changes (a record confirmed or withdrawn, a completion, a pledge settled): the
    new score if it differs from the latest, else None."""
    as_of = as_of or timezone.localdate()
    rule_set = rule_set_active(as_of)
    if rule_set is None:
        return None
    # Serialise with a concurrent recompute of the same servant, so the digest comparison holds.
    CivilServant.objects.select_for_update().filter(pk=civil_servant.pk).values_list("pk").first()
    servant = CivilServant.objects.filter(pk=civil_servant.pk).values_list(*SERVANT_COLUMNS).get()
    if _score_batch([servant], rule_set, as_of):
        return IntegrityScore.objects.filter(civil_servant_id=civil_servant.pk).order_by("-id").first()
    return None


def latest_scores(servant_ids) -> dict[int, IntegrityScore]:
    latest = (
        IntegrityScore.objects.filter(civil_servant_id__any_of=ids(servant_ids))
        .values("civil_servant_id")
        .annotate(last=Max("id"))
        .values("last")
    )
    return {s.civil_servant_id: s for s in IntegrityScore.objects.filter(id__in=latest).select_related("rule_set")}


def history(civil_servant) -> list[IntegrityScore]:
    return list(
        IntegrityScore.objects.filter(civil_servant=civil_servant).select_related("rule_set").order_by("-id")[:50]
    )


__all__ = [
    "history",
    "latest_scores",
    "lines_digest",
    "may_manage_rules",
    "months_between",
    "rule_set_active",
    "rule_set_create",
    "rules_clean",
    "score_compute",
    "score_recompute",
    "score_recompute_all",
    "score_recompute_many",
]


def rescore_soon(servant_ids) -> None:
    """Recompute these servants' scores once the current transaction commits (one task per call): what
    changed an input — a record about them announced, a completion, a commendation or a sanction — does."""
    wanted = sorted({int(pk) for pk in servant_ids if pk})
    if not wanted:
        return
    from ..tasks_assessment import recompute_integrity_scores_of

    transaction.on_commit(lambda: recompute_integrity_scores_of.delay(wanted))
