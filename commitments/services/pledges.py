"""Making a pledge and moving it through the shared publication life cycle (docs/life-cycle.md)."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import indicators
from core.access import require_in_scope, scope_for
from core.audit import audit_log, snapshot
from core.choices import Action
from core.corrections import publish_correction
from core.identifiers import normalize_uscc
from core.principals import stamp_creator
from core.publication import PublicationAction, PublicationStatus
from core.publishing import apply_transition, ensure_four_eyes, require_reason
from organizations.models import CivilServant, Organization

from .. import national
from ..choices import INVESTMENT_KINDS, DepartmentTheme, PledgeKind, ServiceArea
from ..models import Pledge

CONTENT_FIELDS = [
    "kind",
    "organization_id",
    "civil_servant_id",
    "theme",
    "service_area",
    "year",
    "counterparty",
    "counterparty_uscc",
    "project",
    "title",
    "content",
    "legal_basis",
    "starts_on",
    "due_on",
    "is_public",
    "responsible_person",
    "parent_id",
    "weight",
    "indicator",
    "indicator_parameters",
    "indicator_target",
]
EDITABLE = [
    "kind",
    "organization",
    "civil_servant",
    "theme",
    "service_area",
    "year",
    "counterparty",
    "counterparty_uscc",
    "project",
    "title",
    "content",
    "legal_basis",
    "starts_on",
    "due_on",
    "is_public",
    "responsible_person",
    "parent",
    "weight",
    "indicator",
    "indicator_parameters",
    "indicator_target",
]


def locked(pledge: Pledge) -> Pledge:
    # Only the pledge's own row is locked (its parent is an outer join, which PostgreSQL cannot lock).
    return Pledge.objects.select_for_update(of=("self",)).select_related("organization", "parent").get(pk=pledge.pk)


def require_staff(actor, pledge: Pledge) -> None:
    """Staff of the pledging body (or its supervisors) write its pledges; others are refused."""
    if actor is None:
        return
    path = pledge.organization.path
    if not (scope_for(actor, Action.CHANGE).covers(path) or scope_for(actor, Action.SUPERVISE).covers(path)):
        raise PermissionDenied(_("You may only write pledges of your own organization."))


def require_publisher(actor, pledge: Pledge) -> None:
    """The body's reviewers or its supervisors put a pledge on public view (not whoever entered it)."""
    if actor is None:
        return
    path = pledge.organization.path
    if not (scope_for(actor, Action.REVIEW).covers(path) or scope_for(actor, Action.SUPERVISE).covers(path)):
        raise PermissionDenied(_("Only a reviewer or a supervisor over this organization may publish its pledges."))


def require_writable_organization(actor, cleaned: dict) -> None:
    """The body a pledge is entered for — or moved to, for a civil servant's the body they serve in — is
    one the actor writes for (on every write path: forms, API, imports)."""
    require_in_scope(
        actor,
        {"organization": cleaned["organization"]},
        actions=[Action.CHANGE, Action.SUPERVISE],
        message=_("You may only enter pledges of your own organization."),
    )


def require_supervisor(actor, pledge: Pledge) -> None:
    if actor is not None and not scope_for(actor, Action.SUPERVISE).covers(pledge.organization.path):
        raise PermissionDenied(_("Only a supervisor over this organization may do this."))


def clean_pledge(data: dict, *, instance: Pledge | None = None) -> dict:
    """Field-level errors in the user's language for a new pledge or a changed one; nothing is saved."""
    base = {name: getattr(instance, name) for name in EDITABLE} if instance is not None else {}
    cleaned = {**base, **{name: data[name] for name in EDITABLE if name in data}}
    errors: dict[str, list[str]] = {}

    def error(field, message):
        errors.setdefault(field, []).append(message)

    kind = cleaned.get("kind")
    if kind not in PledgeKind.values:
        error("kind", _("Choose what kind of pledge this is."))
    organization = cleaned.get("organization")
    if not isinstance(organization, Organization):
        error("organization", _("Choose the organization that pledges."))
    for name in ("title", "content", "legal_basis", "counterparty", "project", "responsible_person"):
        cleaned[name] = (cleaned.get(name) or "").strip()
    if not cleaned["title"]:
        error("title", _("Give the pledge a title."))
    if len(cleaned["content"]) < 4:
        error("content", _("Say what is pledged."))
    starts, due = cleaned.get("starts_on"), cleaned.get("due_on")
    if not isinstance(starts, datetime.date):
        error("starts_on", _("Give the date the pledge starts."))
    if not isinstance(due, datetime.date):
        error("due_on", _("Give the date it is due."))
    elif isinstance(starts, datetime.date) and due < starts:
        error("due_on", _("A pledge cannot fall due before it starts."))
    cleaned["theme"] = cleaned.get("theme") or ""
    cleaned["service_area"] = cleaned.get("service_area") or ""
    cleaned["counterparty_uscc"] = (cleaned.get("counterparty_uscc") or "").strip().upper()
    cleaned.setdefault("is_public", True)
    if kind == PledgeKind.DEPARTMENT and cleaned["theme"] not in DepartmentTheme.values:
        error("theme", _("Choose what the department pledges on."))
    if kind == PledgeKind.STREET and cleaned["service_area"] not in ServiceArea.values:
        error("service_area", _("Choose the public service the pledge is about."))
    if kind == PledgeKind.PRACTICAL_MATTER and not isinstance(cleaned.get("year"), int):
        error("year", _("Give the year of the list of practical things this belongs to."))
    if kind in INVESTMENT_KINDS:
        if not cleaned["counterparty"]:
            error("counterparty", _("Name the company or investor the promise was made to."))
        if cleaned["counterparty_uscc"] and normalize_uscc(cleaned["counterparty_uscc"]) is None:
            error("counterparty_uscc", _("This is not a valid unified social credit code."))
    if kind == PledgeKind.PPP_DUTY and not cleaned["project"]:
        error("project", _("Name the PPP project."))
    person = cleaned.get("civil_servant")
    if kind == PledgeKind.CIVIL_SERVANT:
        if not isinstance(person, CivilServant):
            error("civil_servant", _("Choose the civil servant who pledges."))
        else:
            cleaned["organization"] = person.organization
            # Internal until the servant signs it in person (pledge_sign), which publishes it.
            cleaned["is_public"] = bool(instance is not None and instance.signed_at)
    else:
        cleaned["civil_servant"] = None
    parent = cleaned.get("parent")
    if parent is not None:
        if isinstance(organization, Organization) and parent.organization_id != organization.pk:
            error("parent", _("A part of a pledge belongs to the same organization as the whole."))
        if instance is not None and (parent.pk == instance.pk or _descends_from(parent, instance)):
            error("parent", _("A pledge cannot be part of itself."))
        if not parent.is_open:
            error("parent", _("This pledge is settled: nothing more can be added to it."))
    try:
        cleaned["weight"] = Decimal(str(cleaned.get("weight", 1) if cleaned.get("weight") is not None else 1))
        if cleaned["weight"] <= 0:
            error("weight", _("A weight is more than zero."))
    except InvalidOperation:
        error("weight", _("Give the weight as a number."))
    _clean_indicator(cleaned, error)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_indicator(cleaned: dict, error) -> None:
    key = cleaned.get("indicator") or ""
    cleaned["indicator"] = key
    if not key:
        cleaned["indicator_parameters"], cleaned["indicator_target"] = {}, None
        return
    try:
        described = indicators.indicator(key)
    except LookupError:
        error("indicator", _("The portal measures no such thing."))
        return
    try:
        cleaned["indicator_parameters"] = described.clean_parameters(cleaned.get("indicator_parameters"))
    except ValidationError as exc:
        for message in exc.messages:
            error("indicator_parameters", message)
    target = cleaned.get("indicator_target")
    try:
        target = Decimal(str(target)) if target is not None else None
    except InvalidOperation:
        target = None
    if target is None or not 0 <= target <= 100:
        error("indicator_target", _("Give the share (0–100 %) the measured value is to reach."))
    cleaned["indicator_target"] = target


def _descends_from(pledge: Pledge, ancestor: Pledge) -> bool:
    seen = set()
    while pledge.parent_id is not None and pledge.parent_id not in seen:
        if pledge.parent_id == ancestor.pk:
            return True
        seen.add(pledge.parent_id)
        pledge = Pledge.objects.only("id", "parent_id").get(pk=pledge.parent_id)
    return False


@transaction.atomic
def pledge_create(*, data: dict, actor) -> Pledge:
    cleaned = clean_pledge(data)
    require_writable_organization(actor, cleaned)
    pledge = Pledge(**cleaned)
    stamp_creator(pledge, actor)
    pledge.save()
    audit_log(actor=actor, action="commitments.pledge.create", target=pledge, after=snapshot(pledge, CONTENT_FIELDS))
    if pledge.parent_id:
        from .progress import roll_up

        roll_up(pledge.parent)
    return pledge


@transaction.atomic
def pledge_update(*, pledge: Pledge, data: dict, actor) -> Pledge:
    """Change a draft; a published pledge is corrected instead (a new version, with a reason)."""
    pledge = locked(pledge)
    require_staff(actor, pledge)
    if pledge.status != PublicationStatus.DRAFT:
        raise ValidationError(
            _("A published pledge is corrected, with the reason, not edited."), code="illegal_transition"
        )
    before = snapshot(pledge, CONTENT_FIELDS)
    cleaned = clean_pledge(data, instance=pledge)
    require_writable_organization(actor, cleaned)
    for name, value in cleaned.items():
        setattr(pledge, name, value)
    pledge.save()
    audit_log(
        actor=actor,
        action="commitments.pledge.update",
        target=pledge,
        before=before,
        after=snapshot(pledge, CONTENT_FIELDS),
    )
    return pledge


@transaction.atomic
def pledge_publish(*, pledge: Pledge, actor) -> Pledge:
    """A public pledge goes on public view, into the ledger and to the national platform (four eyes)."""
    pledge = locked(pledge)
    require_publisher(actor, pledge)
    if not pledge.is_public:
        raise ValidationError(_("An internal pledge is not published."), code="illegal_transition")
    ensure_four_eyes(pledge, actor)
    apply_transition(pledge, action=PublicationAction.PUBLISH, actor=actor, payload_builder=national.to_national)
    return pledge


@transaction.atomic
def pledge_withdraw(*, pledge: Pledge, reason: str, actor) -> Pledge:
    reason = require_reason(reason, message=_("Give the reason for the withdrawal."))
    pledge = locked(pledge)
    require_supervisor(actor, pledge)
    apply_transition(
        pledge, action=PublicationAction.WITHDRAW, actor=actor, reason=reason, payload_builder=national.to_national
    )
    return pledge


@transaction.atomic
def pledge_correct(*, pledge: Pledge, data: dict, reason: str, actor) -> Pledge:
    pledge = locked(pledge)
    require_staff(actor, pledge)

    def change(record):
        cleaned = clean_pledge(data, instance=record)
        require_writable_organization(actor, cleaned)
        for name, value in cleaned.items():
            setattr(record, name, value)
        return [name for name in EDITABLE if name in data]

    publish_correction(
        pledge,
        reason=reason,
        actor=actor,
        audited=lambda record: snapshot(record, CONTENT_FIELDS),
        change=change,
        audit_action="commitments.pledge.update",
    )
    return pledge


@transaction.atomic
def pledge_sign(*, pledge: Pledge, text_sha256: str, actor) -> Pledge:
    """A civil servant signs their pledge before taking office, in person: the time and the text they were
    shown are recorded, and the signed pledge goes on public view (the ledger, the national platform)."""
    pledge = locked(pledge)
    if pledge.kind != PledgeKind.CIVIL_SERVANT or getattr(actor, "civil_servant_id", None) != pledge.civil_servant_id:
        raise PermissionDenied(_("Only the civil servant who makes this pledge may sign it."))
    if pledge.signed_at is not None:
        raise ValidationError(_("This pledge is already signed."), code="illegal_transition")
    if not pledge.is_open:
        raise ValidationError(_("This pledge is settled: it can no longer be signed."), code="illegal_transition")
    if text_sha256 != pledge.text_sha256:
        raise ValidationError(
            {"text_sha256": [_("The pledge's text changed since you opened it: read it again before signing.")]}
        )
    pledge.signed_at, pledge.signed_text_sha256, pledge.is_public = timezone.now(), text_sha256, True
    pledge.save(update_fields=["signed_at", "signed_text_sha256", "is_public", "updated_at"])
    audit_log(
        actor=actor,
        action="commitments.pledge.sign",
        target=pledge,
        after={"signed_at": pledge.signed_at.isoformat(), "text_sha256": text_sha256},
    )
    if pledge.status == PublicationStatus.DRAFT:
        apply_transition(pledge, action=PublicationAction.PUBLISH, actor=actor, payload_builder=national.to_national)
    return pledge


def announce(pledge: Pledge, *, reason: str, actor, fields: list[str]) -> None:
    """What the public sees of a published pledge changed (progress, fulfilment): a new version in the
    ledger and to the national platform, in the caller's transaction. A draft just saves."""
    if pledge.status == PublicationStatus.PUBLISHED:
        apply_transition(
            pledge,
            action=PublicationAction.CORRECT,
            actor=actor,
            reason=reason,
            payload_builder=national.to_national,
            extra_fields=fields,
        )
    else:
        pledge.save(update_fields=[*fields, "updated_at"])
