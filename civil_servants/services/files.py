"""Writes around the credit file: opening it (logged, with a purpose), supervisors' time-limited grants,
and the commendations and disciplinary outcomes entered by personnel officers. Atomic and audited."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import require_in_scope, scope_for
from core.audit import actor_label, actor_user, audit_log
from core.choices import Action
from core.publishing import require_reason
from organizations.models import CivilServant, Organization

from .. import access
from ..choices import DISCIPLINE_MONTHS, CareerEntryKind, DisciplineSeverity, FilePurpose
from ..models import CareerEntry, FileAccessGrant, FileOpening
from ..selectors.files import CreditFile, credit_file
from .assessment import rescore_soon

GRANT_MAX_DAYS = 90
STAFF_PURPOSES = frozenset(FilePurpose.values) - {FilePurpose.OWN_FILE}


@transaction.atomic
def file_open(*, civil_servant: CivilServant, purpose: str, detail: str = "", actor, via: str = "page") -> CreditFile:
    """Open the file: who may is `access.file_access`; every opening is logged with its purpose (the servant
    sees it), and the file is returned. Out of reach, PermissionDenied (pages and the API answer 404)."""
    purpose = (purpose or "").strip()
    found = access.file_access(actor, civil_servant, purpose=purpose or None)
    if found is None:
        raise PermissionDenied(_("You may not open this file."))
    if found.kind == access.OWN:
        purpose = FilePurpose.OWN_FILE
    elif purpose not in STAFF_PURPOSES:
        raise ValidationError({"purpose": [_("Say why you open this file.")]})
    elif found.kind == access.GRANT and found.grant.purpose != purpose:
        raise ValidationError(
            {"purpose": [_("Your grant is for %(purpose)s only.") % {"purpose": found.grant.get_purpose_display()}]}
        )
    user = actor_user(actor)
    organization = getattr(user, "organization", None) if user is not None else None
    opening = FileOpening.objects.create(
        civil_servant=civil_servant,
        opened_by=user,
        opened_by_label=_who(actor, user)[:200],
        organization_name=(organization.name if organization is not None else "")[:200],
        purpose=purpose,
        detail=(detail or "").strip()[:200],
        grant=found.grant,
        via=via if via in ("page", "api") else "page",
    )
    audit_log(
        actor=actor,
        action="civil_servants.file.open",
        target=civil_servant,
        after={"purpose": purpose, "via": opening.via, "grant": found.grant.pk if found.grant else None},
    )
    return credit_file(civil_servant)


def _who(actor, user) -> str:
    """As the servant sees who opened the file: the person's name and their account."""
    label = actor_label(actor)
    full_name = getattr(user, "full_name", "") if user is not None else ""
    return f"{full_name} ({label})" if full_name else label


def _end_of(day) -> datetime.datetime:
    """A date as the last moment of that day, Hangzhou time; a datetime as it is."""
    if isinstance(day, datetime.datetime):
        return day if timezone.is_aware(day) else timezone.make_aware(day)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


@transaction.atomic
def file_grant_create(
    *,
    grantee,
    organization: Organization | None = None,
    civil_servant: CivilServant | None = None,
    purpose: str,
    reason: str,
    expires_at,
    actor,
) -> FileAccessGrant:
    """A personnel officer lets a supervisor open files for a while: one servant's, or those of a subtree
    within the officer's own. The expiry is required and at most 90 days ahead; so is the reason."""
    errors: dict[str, list[str]] = {}
    if civil_servant is not None:
        if organization is None:
            organization = civil_servant.organization
        elif not civil_servant.organization.path.startswith(organization.path):
            errors["civil_servant"] = [_("This civil servant does not serve in that organization.")]
    if not isinstance(organization, Organization):
        errors["organization"] = [_("Choose whose files the grant opens.")]
    if not isinstance(grantee, get_user_model()) or not grantee.is_active:
        errors["grantee"] = [_("Choose the supervisor the grant is for.")]
    elif scope_for(grantee, Action.SUPERVISE).is_empty:
        errors["grantee"] = [_("Grants are given to supervisors only.")]
    elif actor is not None and grantee.pk == getattr(actor, "pk", None):
        errors["grantee"] = [_("You cannot grant yourself access.")]
    if purpose not in STAFF_PURPOSES:
        errors["purpose"] = [_("Choose what the files are opened for.")]
    reason = require_reason(reason, message=_("Give the reason for the grant."), errors=errors)
    now = timezone.now()
    if not isinstance(expires_at, datetime.date):
        errors["expires_at"] = [_("Give the day the grant ends.")]
    else:
        expires_at = _end_of(expires_at)
        if expires_at <= now:
            errors["expires_at"] = [_("The grant must end in the future.")]
        elif expires_at > now + datetime.timedelta(days=GRANT_MAX_DAYS):
            errors["expires_at"] = [_("A grant lasts at most %(days)d days.") % {"days": GRANT_MAX_DAYS}]
    if errors:
        raise ValidationError(errors)
    require_in_scope(
        actor,
        {"organization": organization},
        actions=[Action.PERSONNEL],
        message=_("You may only grant access to files within your own personnel scope."),
    )
    grant = FileAccessGrant.objects.create(
        grantee=grantee,
        organization=organization,
        civil_servant=civil_servant,
        purpose=purpose,
        reason=reason,
        granted_by_label=actor_label(actor)[:200],
        expires_at=expires_at,
    )
    audit_log(
        actor=actor,
        action="civil_servants.file_grant.create",
        target=grant,
        after={
            "grantee": grantee.pk,
            "organization": organization.pk,
            "civil_servant": civil_servant.pk if civil_servant else None,
            "purpose": purpose,
            "expires_at": expires_at.isoformat(),
            "reason": reason,
        },
    )
    return grant


@transaction.atomic
def file_grant_revoke(*, grant: FileAccessGrant, reason: str, actor) -> FileAccessGrant:
    grant = FileAccessGrant.objects.select_for_update().select_related("organization").get(pk=grant.pk)
    require_in_scope(
        actor,
        {"organization": grant.organization},
        actions=[Action.PERSONNEL],
        message=_("You may only revoke grants within your own personnel scope."),
    )
    if grant.revoked_at is not None:
        raise ValidationError(_("This grant is already revoked."), code="illegal_transition")
    if grant.expires_at <= timezone.now():
        raise ValidationError(_("This grant has already expired."), code="illegal_transition")
    reason = require_reason(reason, message=_("Give the reason for revoking the grant."))
    grant.revoked_at, grant.revocation_reason = timezone.now(), reason
    grant.save(update_fields=["revoked_at", "revocation_reason", "updated_at"])
    audit_log(
        actor=actor,
        action="civil_servants.file_grant.revoke",
        target=grant,
        after={"revoked_at": grant.revoked_at.isoformat(), "reason": reason},
    )
    return grant


def discipline_end(severity: str, decided_on: datetime.date) -> datetime.date | None:
    """The last day of a sanction's period (公务员法 第六十四条); None for dismissal (no period)."""
    months = DISCIPLINE_MONTHS.get(severity)
    if months is None:
        return None
    return decided_on + relativedelta(months=months) - datetime.timedelta(days=1)


def _require_personnel(actor, civil_servant: CivilServant, message: str) -> None:
    if actor is not None and not access.is_personnel_officer_of(actor, civil_servant):
        raise PermissionDenied(message)


@transaction.atomic
def career_entry_record(*, civil_servant: CivilServant, data: dict, actor) -> CareerEntry:
    """A commendation or a disciplinary outcome, with its decision; a sanction's period from the law when
    none is given."""
    _require_personnel(actor, civil_servant, _("Only the servant's personnel officers record these."))
    errors: dict[str, list[str]] = {}
    kind, severity = data.get("kind"), data.get("severity") or ""
    if kind not in CareerEntryKind.values:
        errors["kind"] = [_("Choose a commendation or a disciplinary outcome.")]
    elif kind == CareerEntryKind.DISCIPLINE and severity not in DisciplineSeverity.values:
        errors["severity"] = [_("Choose the sanction.")]
    elif kind == CareerEntryKind.COMMENDATION and severity:
        errors["severity"] = [_("A commendation has no sanction.")]
    decided_on, until_on = data.get("decided_on"), data.get("until_on")
    if not isinstance(decided_on, datetime.date):
        errors["decided_on"] = [_("Give the date of the decision.")]
    elif decided_on > timezone.localdate():
        errors["decided_on"] = [_("A decision cannot be dated in the future.")]
    if until_on is not None:
        if not isinstance(until_on, datetime.date):
            errors["until_on"] = [_("Give a date.")]
        elif kind == CareerEntryKind.COMMENDATION:
            errors["until_on"] = [_("A commendation has no end date.")]
        elif isinstance(decided_on, datetime.date) and until_on < decided_on:
            errors["until_on"] = [_("The end date is before the decision.")]
    for name, message in (
        ("title", _("Give the title of the decision.")),
        ("decided_by", _("Name the authority that decided.")),
        ("document_number", _("Give the number of the decision document.")),
    ):
        if not (data.get(name) or "").strip():
            errors[name] = [message]
    if errors:
        raise ValidationError(errors)
    if kind == CareerEntryKind.DISCIPLINE and until_on is None:
        until_on = discipline_end(severity, decided_on)
    entry = CareerEntry.objects.create(
        civil_servant=civil_servant,
        kind=kind,
        severity=severity,
        title=data["title"].strip(),
        decided_on=decided_on,
        until_on=until_on,
        decided_by=data["decided_by"].strip(),
        document_number=data["document_number"].strip(),
        facts=(data.get("facts") or "").strip(),
        recorded_by_label=actor_label(actor)[:200],
    )
    audit_log(
        actor=actor,
        action="civil_servants.career_entry.record",
        target=entry,
        after={
            "kind": kind,
            "severity": severity,
            "decided_on": decided_on.isoformat(),
            "until_on": until_on.isoformat() if until_on else None,
        },
    )
    rescore_soon([civil_servant.pk])
    return entry


@transaction.atomic
def career_entry_withdraw(*, entry: CareerEntry, reason: str, actor) -> CareerEntry:
    """An entry found wrong stops counting; it stays on file with the reason, never deleted."""
    entry = CareerEntry.objects.select_for_update().select_related("civil_servant__organization").get(pk=entry.pk)
    _require_personnel(actor, entry.civil_servant, _("Only the servant's personnel officers withdraw these."))
    if entry.withdrawn_at is not None:
        raise ValidationError(_("This entry is already withdrawn."), code="illegal_transition")
    reason = require_reason(reason, message=_("Give the reason for the withdrawal."))
    entry.withdrawn_at, entry.withdrawal_reason = timezone.now(), reason
    entry.save(update_fields=["withdrawn_at", "withdrawal_reason", "updated_at"])
    audit_log(actor=actor, action="civil_servants.career_entry.withdraw", target=entry, after={"reason": reason})
    rescore_soon([entry.civil_servant_id])
    return entry
