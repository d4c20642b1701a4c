"""Whether an applicant may sit the civil service exam (公务员法 第二十六条; the exam-misconduct rules).

A ground bars from its decision: criminal punishment, expulsion from the Party and dismissal from public
employment for ever; a listing for joint punishment of dishonesty until the listing ends; serious exam
misconduct (copying, a forged ID …) for five years; organised cheating or sitting the exam for another for
the long term given, or for life. So a 2022 cheating record still bars in 2026, and a five-year one from
2020 no longer does. The ID number is checked (format, date, check digit) before anything is looked up,
travels only in the request body, and is never written to a log: checks keep a keyed digest of it.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import require_in_scope, scope_for
from core.audit import actor_label, audit_log
from core.choices import Action
from core.identifiers import normalize_resident_id, validate_resident_id
from core.publishing import require_reason
from organizations.choices import ApiScope
from organizations.models import Organization

from ..choices import (
    EXAM_BAR_YEARS,
    FIVE_YEAR_GROUNDS,
    PERMANENT_GROUNDS,
    UNTIL_GIVEN_GROUNDS,
    ExamGround,
)
from ..models import ExamDisqualification, ExamEligibilityCheck

PURPOSE_MIN_LENGTH = 4


@dataclass(frozen=True)
class Ground:
    ground: str
    label: str
    decided_on: datetime.date
    until_on: datetime.date | None  # None: for ever
    decided_by: str
    document_number: str


@dataclass(frozen=True)
class ExamEligibility:
    eligible: bool
    on: datetime.date
    grounds: list[Ground]


def person_digest(resident_id: str) -> str:
    """A keyed digest of the ID number: the same person gives the same digest, the digest gives no number."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, b"exam-person:" + resident_id.encode(), hashlib.sha256).hexdigest()


def _anniversary(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def bar_end(ground: str, decided_on: datetime.date, until_on: datetime.date | None) -> datetime.date | None:
    """The last day the ground bars (None: for ever or for life)."""
    if ground in FIVE_YEAR_GROUNDS:
        return _anniversary(decided_on, EXAM_BAR_YEARS) - datetime.timedelta(days=1)
    if ground in PERMANENT_GROUNDS:
        return None
    return until_on


def _clean_resident_id(value, field: str = "resident_id") -> str:
    number = normalize_resident_id(value or "")
    try:
        validate_resident_id(number)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None
    return number


def may_check_applicants(actor) -> bool:
    """Personnel officers, and API clients given the exam-check scope (the exam authority's system)."""
    if actor is None:
        return True
    if ApiScope.EXAM_CHECK in getattr(actor, "scopes", ()):
        return True
    return bool(getattr(actor, "is_authenticated", False)) and not scope_for(actor, Action.PERSONNEL).is_empty


@transaction.atomic
def exam_disqualification_record(*, data: dict, actor) -> ExamDisqualification:
    """A personnel officer records a ground barring a person from the exam, with its decision."""
    errors: dict[str, list[str]] = {}
    try:
        resident_id = _clean_resident_id(data.get("resident_id"))
    except ValidationError as exc:
        errors.update(exc.message_dict)
        resident_id = ""
    ground = data.get("ground")
    if ground not in ExamGround.values:
        errors["ground"] = [_("Choose the ground.")]
    decided_on, until_on = data.get("decided_on"), data.get("until_on")
    if not isinstance(decided_on, datetime.date):
        errors["decided_on"] = [_("Give the date of the decision.")]
    elif decided_on > timezone.localdate():
        errors["decided_on"] = [_("A decision cannot be dated in the future.")]
    if until_on is not None and not isinstance(until_on, datetime.date):
        errors["until_on"] = [_("Give a date.")]
    elif ground in UNTIL_GIVEN_GROUNDS and until_on is None:
        errors["until_on"] = [_("Give the day the listing ends: the ground bars until then.")]
    elif ground in PERMANENT_GROUNDS | FIVE_YEAR_GROUNDS and until_on is not None:
        errors["until_on"] = [_("This ground's term is set by law: leave the end date empty.")]
    elif until_on is not None and isinstance(decided_on, datetime.date) and until_on < decided_on:
        errors["until_on"] = [_("The end date is before the decision.")]
    for name, message in (
        ("person_name", _("Give the person's name.")),
        ("decided_by", _("Name the authority that decided.")),
        ("document_number", _("Give the number of the decision document.")),
    ):
        if not (data.get(name) or "").strip():
            errors[name] = [message]
    organization = data.get("organization")
    if not isinstance(organization, Organization):
        errors["organization"] = [_("Choose the personnel department that records it.")]
    if errors:
        raise ValidationError(errors)
    require_in_scope(
        actor,
        {"organization": organization},
        actions=[Action.PERSONNEL],
        message=_("You may only record grounds for your own personnel department."),
    )
    disqualification = ExamDisqualification.objects.create(
        resident_id=resident_id,
        person_name=data["person_name"].strip(),
        ground=ground,
        decided_on=decided_on,
        until_on=bar_end(ground, decided_on, until_on) if ground in FIVE_YEAR_GROUNDS else until_on,
        decided_by=data["decided_by"].strip(),
        document_number=data["document_number"].strip(),
        facts=(data.get("facts") or "").strip(),
        organization=organization,
        recorded_by_label=actor_label(actor)[:200],
    )
    audit_log(
        actor=actor,
        action="civil_servants.exam_disqualification.record",
        target=disqualification,
        after={"ground": ground, "decided_on": decided_on.isoformat(), "until_on": str(disqualification.until_on)},
    )
    return disqualification


@transaction.atomic
def exam_disqualification_withdraw(*, disqualification: ExamDisqualification, reason: str, actor):
    """A ground found wrong no longer bars; it stays on file with the reason."""
    disqualification = ExamDisqualification.objects.select_for_update().get(pk=disqualification.pk)
    require_in_scope(
        actor,
        {"organization": disqualification.organization},
        actions=[Action.PERSONNEL],
        message=_("You may only withdraw grounds your personnel department recorded."),
    )
    if disqualification.withdrawn_at is not None:
        raise ValidationError(_("This ground is already withdrawn."), code="illegal_transition")
    reason = require_reason(reason, message=_("Give the reason for the withdrawal."))
    disqualification.withdrawn_at, disqualification.withdrawal_reason = timezone.now(), reason
    disqualification.save(update_fields=["withdrawn_at", "withdrawal_reason", "updated_at"])
    audit_log(
        actor=actor,
        action="civil_servants.exam_disqualification.withdraw",
        target=disqualification,
        after={"reason": reason},
    )
    return disqualification


@transaction.atomic
def exam_eligibility_check(
    *, resident_id: str, purpose: str, actor, on: datetime.date | None = None
) -> ExamEligibility:
    """Eligible, or every ground that bars on `on` (today by default) with its end. Logged with who asked
    and why; the number itself is neither logged nor audited."""
    if not may_check_applicants(actor):
        raise PermissionDenied(_("Only personnel departments and the exam authority may check applicants."))
    errors: dict[str, list[str]] = {}
    try:
        number = _clean_resident_id(resident_id)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        number = ""
    purpose = (purpose or "").strip()
    if len(purpose) < PURPOSE_MIN_LENGTH:
        errors["purpose"] = [_("Say what the check is for (for example, the exam and the post applied for).")]
    if errors:
        raise ValidationError(errors)
    on = on or timezone.localdate()
    grounds = [
        Ground(
            ground=row.ground,
            label=str(row.get_ground_display()),
            decided_on=row.decided_on,
            until_on=row.until_on,
            decided_by=row.decided_by,
            document_number=row.document_number,
        )
        for row in ExamDisqualification.objects.in_force()
        .filter(resident_id=number, decided_on__lte=on)
        .order_by("decided_on", "id")
        if row.until_on is None or row.until_on >= on
    ]
    ExamEligibilityCheck.objects.create(
        client_label=actor_label(actor)[:200],
        organization_id=getattr(actor, "organization_id", None),
        purpose=purpose[:200],
        person_digest=person_digest(number),
        eligible=not grounds,
        grounds=len(grounds),
    )
    return ExamEligibility(eligible=not grounds, on=on, grounds=grounds)
