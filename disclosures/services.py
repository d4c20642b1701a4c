"""Every write to licence and penalty disclosures. Atomic, audited, side effects after commit."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import actor_label, actor_user, audit_log, audit_log_many, diff, snapshot
from core.calendar import WorkingCalendar, add_months, calendar_for
from core.deadlines import RecountWindow, recount_calendar, recount_deadlines
from core.models import PublicityRule
from core.personal_data import masked_values, reveal, unmask_unchanged
from core.publication import PublicationAction, PublicationStatus
from core.publishing import apply_transition, ensure_allowed, ensure_four_eyes, require_reason
from core.search import grams
from core.services import notify

from . import national
from .models import LicenseDisclosure, PenaltyDisclosure
from .validation import validate

PUBLISH_WITHIN_WORKING_DAYS = 7  # 自作出行政决定之日起七个工作日内
MODELS = {"penalty": PenaltyDisclosure, "license": LicenseDisclosure}
# Used when no publicity rule row exists (the defaults the migration loads; DESIGN.md §4).
DEFAULT_PUBLICITY_MONTHS = (3, 36)
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


def publicity_months(kind: str, record, rules: dict | None = None) -> tuple[int, int] | None:
    """(minimum, maximum) months of publicity; several penalty kinds or a safety domain: the longest."""
    if kind != "penalty":
        return None  # licences stay public while the record stands
    rules = rules if rules is not None else load_publicity_rules()
    keys = [f"kind:{k}" for k in record.penalty_kinds] + (
        [f"domain:{record.safety_domain}"] if record.safety_domain else []
    )
    found = [rules[key] for key in keys if key in rules]
    if not found:
        return DEFAULT_PUBLICITY_MONTHS
    return max(r[0] for r in found), max(r[1] for r in found)


def load_publicity_rules() -> dict[str, tuple[int, int]]:
    return {
        key: (low, high)
        for key, low, high in PublicityRule.objects.filter(record_type="penalty").values_list(
            "key", "min_months", "max_months"
        )
    }


def apply_publicity(kind: str, record, rules: dict | None = None) -> None:
    months = publicity_months(kind, record, rules)
    if months is None:
        record.publicity_min_ends_on = record.publicity_ends_on = None
        return
    record.publicity_min_ends_on = add_months(record.decided_on, months[0])
    record.publicity_ends_on = add_months(record.decided_on, months[1])


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


@transaction.atomic
def disclosure_create(*, kind: str, data: dict, actor):
    fields = _clean_or_raise(kind, data)
    record = MODELS[kind](**fields)
    record.created_by = actor_user(actor)
    record.created_by_label = actor_label(actor)
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
    reason = require_reason(reason, message=_("Say what was wrong and what the correction changes."))
    kind = kind_of(record)
    stored = type(record).objects.select_for_update().select_related("authority", "data_source").get(pk=record.pk)
    ensure_allowed(stored, PublicationAction.CORRECT)
    before = snapshot(stored, EDITABLE_FIELDS[kind])
    fields = _clean_or_raise(kind, {**before_values(stored, kind), **unmask_unchanged(stored, data)}, instance=stored)
    for name, value in fields.items():
        setattr(stored, name, value)
    apply_publicity(kind, stored)
    stored.subject_grams = grams(stored.subject_name)
    published_names = stored.snapshot_organizations()  # a correction is published under today's names
    changed_before, changed_after = diff(before, snapshot(stored, EDITABLE_FIELDS[kind]))
    if not changed_after:
        raise ValidationError(_("Nothing was changed."), code="no_change")
    audit_log(
        actor=actor, action=f"{stored.record_type}.update", target=stored, before=changed_before, after=changed_after
    )
    apply_transition(
        stored,
        action=PublicationAction.CORRECT,
        actor=actor,
        reason=reason,
        payload_builder=payload_of,
        extra_fields=[*fields, "publicity_ends_on", "publicity_min_ends_on", "subject_grams", *published_names],
    )
    return stored


# --- sweeps (beat) --------------------------------------------------------------------------------


def end_due_publicity(*, today: datetime.date | None = None, batch_size: int = 500) -> int:
    """Records whose publicity period is over leave public view. Safe if two run at once."""
    today = today or timezone.localdate()
    ended = 0
    for model in MODELS.values():
        while True:
            with transaction.atomic():
                batch = list(
                    model.objects.publicity_due_to_end(today)
                    .select_related("authority", "data_source")
                    .select_for_update(skip_locked=True, of=("self",))
                    .order_by("id")[:batch_size]
                )
                for record in batch:
                    apply_transition(
                        record, action=PublicationAction.END_PUBLICITY, actor=None, payload_builder=payload_of
                    )
            ended += len(batch)
            if len(batch) < batch_size:
                break
    return ended


def flag_overdue_drafts(*, today: datetime.date | None = None) -> int:
    """Drafts past their deadline: notify the authority's reviewers and its supervisors, once."""
    from organizations.choices import Role
    from organizations.selectors import supervisors_over, users_with_role

    today = today or timezone.localdate()
    flagged = 0
    for kind, model in MODELS.items():
        with transaction.atomic():
            batch = list(
                model.objects.overdue(today)
                .filter(overdue_notified_at__isnull=True)
                .select_related("authority")
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("id")[:5000]
            )
            if not batch:
                continue
            model.objects.filter(pk__in=[r.pk for r in batch]).update(overdue_notified_at=timezone.now())
            audit_log_many(
                actor=None,
                action=f"{model.record_type}.overdue",
                targets=batch,
                scope_path_of=lambda r: r.authority.path,
            )
            by_authority = defaultdict(list)
            for record in batch:
                by_authority[record.authority].append(record)
            for authority, records in by_authority.items():
                recipients = list(users_with_role(authority, Role.REVIEWER)) + list(supervisors_over(authority))
                numbers = "、".join(r.decision_number for r in records[:10]) + ("…" if len(records) > 10 else "")
                notify(
                    recipients=recipients,
                    kind="disclosure.overdue",
                    subject=_("%(org)s: %(count)d overdue %(kind)s")
                    % {"count": len(records), "kind": model._meta.verbose_name_plural, "org": authority.short_name},
                    body=_("Past the seven-working-day deadline and still unpublished: %(numbers)s")
                    % {"numbers": numbers},
                    link=f"/staff/disclosures/{kind}/?overdue=1",
                    dedupe_key=f"overdue-{kind}-{authority.pk}-{today:%Y%m%d}",
                    email=True,
                )
            flagged += len(batch)
    return flagged


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
