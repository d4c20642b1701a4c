"""May this civil servant be appointed, promoted, awarded or honoured on a given day? (§4)

Restricted, with every reason, its source record and its until-date, or eligible:
- a confirmed dishonesty record about the servant (unpublished or published) within its publicity period
  restricts every purpose; a serious one is a serious case;
- for an award or honours, what `dishonesty_records.selectors.honours_eligibility` finds: a 取消评优评先资格
  sanction in force until its end, an explanation or rectification owed and overdue;
- a disciplinary sanction (CareerEntry) within its period (公务员法 第六十四条: its until-date, or the statutory
  months from the decision) bars appointment and promotion; dismissal (开除) has no end and is a serious case.

A serious case raises a "consider removal" flag for the personnel officer, once per source record — a flag
to decide on, never an act. Every check is logged (EligibilityCheck) and shown to the servant. A check reads
a fixed few rows whatever the servant's history: the records, the career entries, for honours the sanctions
and obligations, and writes one row (and the flags, rarely).
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import scope_for
from core.audit import actor_label, audit_log
from core.choices import Action
from core.publication import PublicationStatus
from dishonesty_records import selectors as dishonesty
from dishonesty_records.choices import Category, Severity, Stage
from dishonesty_records.models import DishonestyRecord
from organizations.models import CivilServant

from ..choices import DISCIPLINE_MONTHS, CareerEntryKind, DisciplineSeverity, EligibilityPurpose
from ..models import CareerEntry, EligibilityCheck, RemovalFlag

RECORD_TYPE = "dishonesty_records.record"
CAREER_TYPE = "civil_servants.career_entry"
RESTRICTING_STATUSES = (PublicationStatus.DRAFT, PublicationStatus.PUBLISHED)
HONOURS_PURPOSES = frozenset({EligibilityPurpose.AWARD, EligibilityPurpose.HONOURS})
DISCIPLINE_PURPOSES = frozenset({EligibilityPurpose.APPOINTMENT, EligibilityPurpose.PROMOTION})


@dataclass(frozen=True)
class Restriction:
    code: str  # dishonesty_record | honours_ineligibility | rectification_overdue | discipline
    text: str
    source: str  # "<type>#<id>"
    reference: str
    until: datetime.date | None  # the last day it restricts; None: no end set
    serious: bool = False


@dataclass
class EligibilityResult:
    civil_servant: CivilServant
    purpose: str
    on: datetime.date
    eligible: bool
    reasons: list[Restriction] = field(default_factory=list)
    more_reasons: bool = False
    removal_flags_raised: list[RemovalFlag] = field(default_factory=list)
    check: EligibilityCheck | None = None


def may_check_eligibility(actor, civil_servant: CivilServant) -> bool:
    """Personnel officers whose scope covers the servant's organization (the system too)."""
    if actor is None:
        return True
    return scope_for(actor, Action.PERSONNEL).covers(civil_servant.organization.path)


def discipline_until(entry) -> datetime.date | None:
    """The last day a sanction bars: its own until-date, or the statutory months from the decision;
    None for dismissal (no end)."""
    if entry.until_on is not None:
        return entry.until_on
    months = DISCIPLINE_MONTHS.get(entry.severity)
    if months is None:
        return None
    return add_months(entry.decided_on, months) - datetime.timedelta(days=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (the month's last day when it has no such day)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def _record_reasons(records, on: datetime.date) -> list[Restriction]:
    reasons = []
    for record in records:
        start = record["determined_on"] or record["occurred_on"]
        until = record["publicity_ends_on"]
        if record["status"] not in RESTRICTING_STATUSES or start > on or (until is not None and until < on):
            continue
        serious = record["severity"] == Severity.SERIOUS
        reference = DishonestyRecord.reference_of(record["id"])
        text = _("Dishonesty record %(ref)s (%(category)s, %(severity)s), determined on %(date)s.") % {
            "ref": reference,
            "category": Category(record["category"]).label,
            "severity": Severity(record["severity"]).label,
            "date": start.isoformat(),
        }
        reasons.append(
            Restriction("dishonesty_record", text, f"{RECORD_TYPE}#{record['id']}", reference, until, serious)
        )
    return reasons


def _discipline_reasons(entries, on: datetime.date) -> list[Restriction]:
    reasons = []
    for entry in entries:
        until = discipline_until(entry)
        if entry.decided_on > on or (until is not None and until < on):
            continue
        serious = entry.severity == DisciplineSeverity.DISMISSAL
        text = _("Disciplinary sanction: %(severity)s (%(document)s, decided on %(date)s).") % {
            "severity": DisciplineSeverity(entry.severity).label if entry.severity else entry.title,
            "document": entry.document_number,
            "date": entry.decided_on.isoformat(),
        }
        reasons.append(
            Restriction("discipline", text, f"{CAREER_TYPE}#{entry.pk}", entry.document_number, until, serious)
        )
    return reasons


def _raise_flags(civil_servant, reasons: list[Restriction], actor) -> list[RemovalFlag]:
    serious = {}
    for reason in reasons:
        if reason.serious:
            source_type, source_id = reason.source.rsplit("#", 1)
            serious.setdefault((source_type, int(source_id)), reason)
    if not serious:
        return []
    existing = set(
        RemovalFlag.objects.filter(
            civil_servant=civil_servant, source_id__in=sorted({k[1] for k in serious})
        ).values_list("source_type", "source_id")
    )
    new = [
        RemovalFlag(civil_servant=civil_servant, reason=reason.text, source_type=source_type, source_id=source_id)
        for (source_type, source_id), reason in serious.items()
        if (source_type, source_id) not in existing
    ]
    if not new:
        return []
    # ignore_conflicts: a concurrent check that raised the same flag a moment ago wins; no second flag.
    RemovalFlag.objects.bulk_create(new, ignore_conflicts=True)
    for flag in new:
        audit_log(
            actor=actor,
            action="civil_servants.removal_flag.raise",
            target=civil_servant,
            after={"source": f"{flag.source_type}#{flag.source_id}", "reason": flag.reason},
        )
    return new


@transaction.atomic
def eligibility_check(
    *, civil_servant: CivilServant, purpose: str, actor, on: datetime.date | None = None
) -> EligibilityResult:
    if purpose not in EligibilityPurpose.values:
        raise ValidationError({"purpose": [_("Choose appointment, promotion, award or honours.")]})
    if not may_check_eligibility(actor, civil_servant):
        raise PermissionDenied(_("Only the personnel officers over this servant's organization may check."))
    on = on or timezone.localdate()
    records = list(
        DishonestyRecord.objects.filter(civil_servant=civil_servant, stage=Stage.CONFIRMED)
        .exclude(status=PublicationStatus.WITHDRAWN)
        .values("id", "status", "category", "severity", "determined_on", "occurred_on", "publicity_ends_on")
        .order_by("id")
    )
    reasons = _record_reasons(records, on)
    more = False
    if purpose in HONOURS_PURPOSES:
        honours = dishonesty.honours_eligibility(
            civil_servant=civil_servant, today=on, counting=[(r["id"], r["status"]) for r in records]
        )
        more = honours.more_reasons
        reasons += [
            Restriction(reason.code, reason.text, f"{RECORD_TYPE}#{reason.record_id}", reason.reference, reason.until)
            for reason in honours.reasons
        ]
    entries = list(
        CareerEntry.objects.in_force()
        .filter(civil_servant=civil_servant, kind=CareerEntryKind.DISCIPLINE, decided_on__lte=on)
        .only("id", "severity", "title", "decided_on", "until_on", "document_number")
        .order_by("decided_on", "id")
    )
    discipline = _discipline_reasons(entries, on)
    if purpose in DISCIPLINE_PURPOSES:
        reasons += discipline
    flags = _raise_flags(civil_servant, reasons + [r for r in discipline if r not in reasons], actor)
    check = EligibilityCheck.objects.create(
        civil_servant=civil_servant,
        checked_by_label=actor_label(actor)[:200],
        purpose=purpose,
        on=on,
        eligible=not reasons,
        reasons=min(len(reasons), 32767),
        findings=[
            {"code": r.code, "reference": r.reference, "until": r.until.isoformat() if r.until else None}
            for r in reasons[:50]
        ],
    )
    return EligibilityResult(
        civil_servant=civil_servant,
        purpose=purpose,
        on=on,
        eligible=not reasons,
        reasons=reasons,
        more_reasons=more,
        removal_flags_raised=flags,
        check=check,
    )


@transaction.atomic
def removal_flag_resolve(*, flag: RemovalFlag, resolution: str, actor) -> RemovalFlag:
    """The personnel officer records what was decided on a "consider removal" flag (kept, moved, a dismissal
    procedure opened …); the flag stays on file with the decision."""
    flag = RemovalFlag.objects.select_for_update().select_related("civil_servant__organization").get(pk=flag.pk)
    if not may_check_eligibility(actor, flag.civil_servant):
        raise PermissionDenied(_("Only the personnel officers over this servant's organization may decide."))
    if flag.resolved_at is not None:
        raise ValidationError(_("This flag is already decided."), code="illegal_transition")
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": [_("Say what was decided and why.")]})
    flag.resolved_at, flag.resolution = timezone.now(), resolution
    flag.resolved_by_label = actor_label(actor)[:200]
    flag.save(update_fields=["resolved_at", "resolution", "resolved_by_label", "updated_at"])
    audit_log(
        actor=actor,
        action="civil_servants.removal_flag.resolve",
        target=flag.civil_servant,
        after={"source": f"{flag.source_type}#{flag.source_id}", "resolution": resolution},
    )
    return flag
