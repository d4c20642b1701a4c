"""Every write to licence and penalty disclosures. Atomic, audited, side effects after commit."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import require_in_scope
from core.audit import audit_log, diff, snapshot
from core.calendar import WorkingCalendar, calendar_for
from core.choices import Action
from core.corrections import publish_correction
from core.deadlines import RecountWindow, recount_calendar, recount_deadlines
from core.personal_data import masked_values, reveal, unmask_unchanged
from core.principals import stamp_creator
from core.publication import PublicationAction, PublicationStatus
from core.publicity import PublicityScheme
from core.publishing import apply_transition, ensure_allowed, ensure_four_eyes, require_reason
from core.search import grams
from core.sweeps import Notice, claim_and_notify, listed

from . import national
from .models import LicenseDisclosure, PenaltyDisclosure
from .validation import validate

PUBLISH_WITHIN_WORKING_DAYS = 7  # 自作出行政决定之日起七个工作日内
MODELS = {"penalty": PenaltyDisclosure, "license": LicenseDisclosure}
# Penalties: by penalty kind and safety domain, the longest of several; 3–36 months when no rule row
# exists (the defaults the migration loads; DESIGN.md §4). Licences stay public while the record stands.
PUBLICITY = {"penalty": PublicityScheme("penalty", fallback=(3, 36)), "license": PublicityScheme("license")}
# The organizations a disclosure names: whoever writes must act for each of them.
ORGANIZATION_FIELDS = ("authority", "data_source")
EDITABLE_FIELDS = {
    kind: list(dict.fromkeys(s.attribute for s in national.SPECS[kind] if s.kind != "computed"))
    for kind in national.SPECS
}


def kind_of(record) -> str:
    return "penalty" if isinstance(record, PenaltyDisclosure) else "license"


def payload_of(record) -> dict:
    """What a published version looked like, in the national wire format (unmasked: kept inside)."""
    return national.to_national(record, kind_of(record))


# --- derived fields -------------------------------------------------------------------------------


def apply_deadline(record, calendar: WorkingCalendar | None = None) -> None:
    calendar = calendar or calendar_for(record.decided_on, PUBLISH_WITHIN_WORKING_DAYS)
    deadline = calendar.add_working_days(record.decided_on, PUBLISH_WITHIN_WORKING_DAYS)
    record.publish_deadline, record.deadline_provisional = deadline.due, deadline.provisional


def publicity_keys(kind: str, record) -> list[str]:
    if kind != "penalty":
        return []
    return [f"kind:{k}" for k in record.penalty_kinds] + ([f"domain:{record.safety_domain}"] if record.safety_domain else [])


def load_publicity_rules() -> dict[str, tuple[int, int]]:
    """The penalty rules, once for a batch (an import, the generator)."""
    return PUBLICITY["penalty"].rules()


def apply_publicity(kind: str, record, rules: dict | None = None) -> list[str]:
    return PUBLICITY[kind].apply(record, start=record.decided_on, keys=publicity_keys(kind, record), rules=rules)


def apply_derived(kind: str, record, *, calendar=None, rules=None) -> None:
    apply_deadline(record, calendar)
    apply_publicity(kind, record, rules)
    record.subject_grams = grams(record.subject_name)


# --- entering drafts ------------------------------------------------------------------------------


def _clean_or_raise(kind: str, data: dict, *, instance=None) -> dict:
    cleaned, errors = validate(kind, data, instance=instance)
    if errors:
        raise ValidationError(errors)
    return {k: v for k, v in cleaned.items() if k in EDITABLE_FIELDS[kind]}


def require_organizations_in_scope(fields: dict, *, actor, action: str, names=ORGANIZATION_FIELDS) -> None:
    """The deciding authority and the data source must be bodies the actor enters (or reviews) records
    for: on every write path, whatever the form or the API offered."""
    require_in_scope(
        actor,
        {name: fields.get(name) for name in names},
        actions=[action],
        message=_("You may not enter records for this organization."),
    )


@transaction.atomic
def disclosure_create(*, kind: str, data: dict, actor):
    fields = _clean_or_raise(kind, data)
    require_organizations_in_scope(fields, actor=actor, action=Action.CHANGE)
    record = MODELS[kind](**fields)
    stamp_creator(record, actor)
    apply_derived(kind, record)
    record.save()
    audit_log(
        actor=actor, action=f"{record.record_type}.create", target=record, after=snapshot(record, EDITABLE_FIELDS[kind])
    )
    return record


@transaction.atomic
def disclosure_update(*, record, data: dict, actor):
    """Edit a draft. Published records change only through a correction (a new version)."""
    kind = kind_of(record)
    if record.status != PublicationStatus.DRAFT:
        raise ValidationError(_("Only drafts can be edited; correct a published record instead."), code="not_draft")
    stored = type(record).objects.select_for_update().get(pk=record.pk)
    before = snapshot(stored, EDITABLE_FIELDS[kind])
    merged = {**before_values(stored, kind), **unmask_unchanged(stored, data)}
    fields = _clean_or_raise(kind, merged, instance=stored)
    require_organizations_in_scope(fields, actor=actor, action=Action.CHANGE)
    for name, value in fields.items():
        setattr(stored, name, value)
    apply_derived(kind, stored)
    stored.save()
    changed_before, changed_after = diff(before, snapshot(stored, EDITABLE_FIELDS[kind]))
    if changed_after:
        audit_log(
            actor=actor,
            action=f"{stored.record_type}.update",
            target=stored,
            before=changed_before,
            after=changed_after,
        )
    return stored


def before_values(record, kind: str, *, masked: bool = False) -> dict:
    """The editable values of a record; `masked`: ID numbers masked, as edit forms show them (sent
    back unchanged, a masked number keeps the stored one)."""
    values = {name: getattr(record, name) for name in EDITABLE_FIELDS[kind]}
    return {**values, **masked_values(record)} if masked else values


def disclosure_reveal_id_number(*, record, reason: str, actor) -> dict[str, str]:
    """The whole ID numbers of a record's natural persons, for someone who says why; audited.
    The staff page and the API reveal through here; an export with whole numbers asks the same
    reason (core.personal_data.require_purpose) and keeps it in the export's audit row."""
    return reveal(target=record, actor=actor, reason=reason, action=f"{record.record_type}.reveal_id")


# --- publication life cycle -----------------------------------------------------------------------


@transaction.atomic
def disclosure_publish(*, record, actor):
    record = type(record).objects.select_for_update().select_related("authority", "data_source").get(pk=record.pk)
    ensure_allowed(record, PublicationAction.PUBLISH)
    ensure_four_eyes(record, actor)
    published_names = record.snapshot_organizations()
    apply_transition(
        record, action=PublicationAction.PUBLISH, actor=actor, payload_builder=payload_of, extra_fields=published_names
    )
    return record


def disclosure_bulk_publish(*, records: Iterable, actor) -> tuple[list, dict[int, str]]:
    """Publish many; each is its own transaction, so one refusal does not undo the others."""
    published, refused = [], {}
    for record in records:
        try:
            published.append(disclosure_publish(record=record, actor=actor))
        except ValidationError as exc:
            refused[record.pk] = "; ".join(exc.messages)
    return published, refused


@transaction.atomic
def disclosure_withdraw(*, record, reason: str, actor):
    reason = require_reason(reason, message=_("Give the reason for the withdrawal."))
    record = type(record).objects.select_for_update().select_related("authority", "data_source").get(pk=record.pk)
    apply_transition(record, action=PublicationAction.WITHDRAW, actor=actor, reason=reason, payload_builder=payload_of)
    return record


@transaction.atomic
def disclosure_correct(*, record, data: dict, reason: str, actor):
    """A published record changes as a new version; every earlier version stays in its history."""
    kind = kind_of(record)
    stored = type(record).objects.select_for_update().select_related("authority", "data_source").get(pk=record.pk)

    def change(stored) -> list[str]:
        fields = _clean_or_raise(kind, {**before_values(stored, kind), **unmask_unchanged(stored, data)}, instance=stored)
        # A correction may not move the record to a body its reviewer has no say over.
        moved = [name for name in ORGANIZATION_FIELDS if fields.get(name) != getattr(stored, name)]
        require_organizations_in_scope(fields, actor=actor, action=Action.REVIEW, names=moved)
        for name, value in fields.items():
            setattr(stored, name, value)
        publicity = apply_publicity(kind, stored)
        stored.subject_grams = grams(stored.subject_name)
        published_names = stored.snapshot_organizations()  # a correction is published under today's names
        return [*fields, *publicity, "subject_grams", *published_names]

    publish_correction(
        stored, reason=reason, actor=actor, audited=lambda r: snapshot(r, EDITABLE_FIELDS[kind]), change=change
    )
    return stored


# --- sweeps (beat) --------------------------------------------------------------------------------


def flag_overdue_drafts(*, today: datetime.date | None = None) -> int:
    """Drafts past their deadline: notify the authority's reviewers and its supervisors, once."""
    from organizations.choices import Role
    from organizations.selectors import supervisors_over, users_with_role

    today = today or timezone.localdate()

    def notice_for(kind, model):
        def notice(authority, records) -> Notice:
            return Notice(
                recipients=[*users_with_role(authority, Role.REVIEWER), *supervisors_over(authority)],
                kind="disclosure.overdue",
                subject=_("%(org)s: %(count)d overdue %(kind)s")
                % {"count": len(records), "kind": model._meta.verbose_name_plural, "org": authority.short_name},
                body=_("Past the seven-working-day deadline and still unpublished: %(numbers)s")
                % {"numbers": listed(records, lambda r: r.decision_number)},
                link=f"/staff/disclosures/{kind}/?overdue=1",
                dedupe_key=f"overdue-{kind}-{authority.pk}-{today:%Y%m%d}",
            )

        return notice

    return sum(
        claim_and_notify(
            model.objects.overdue(today).select_related("authority"),
            marker="overdue_notified_at",
            audit_action=f"{model.record_type}.overdue",
            scope_path_of=lambda r: r.authority.path,
            group_by=lambda r: r.authority,
            notices=notice_for(kind, model),
            batch_size=5000,
            once=True,
        )
        for kind, model in MODELS.items()
    )


def recompute_publish_deadlines(years: Iterable[int]) -> int:
    """After the holiday table changed: recount the deadlines reaching into `years` of drafts, and of
    published records whose deadline was provisional (it decides whether they were published on time)."""
    window = RecountWindow.for_years(years)
    if window is None:
        return 0
    calendar = recount_calendar()
    fields = ("id", "decided_on", "publish_deadline", "deadline_provisional", "decision_number", "subject_name")
    moved = 0
    for model in MODELS.values():
        published_provisional = model.objects.exclude(status=PublicationStatus.DRAFT).filter(deadline_provisional=True)
        for records in (model.objects.drafts(), published_provisional):
            moved += len(
                recount_deadlines(
                    records.filter(window.spans(start="decided_on", due="publish_deadline")).only(*fields),
                    count=lambda record: calendar.add_working_days(record.decided_on, PUBLISH_WITHIN_WORKING_DAYS),
                    due_field="publish_deadline",
                    provisional_field="deadline_provisional",
                    action=f"{model.record_type}.deadline_recount",
                )
            )
    return moved
