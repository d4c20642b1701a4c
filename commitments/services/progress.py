"""Reporting how a pledge is kept: progress, milestones, and the roll-up into parent pledges."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DecimalField, ExpressionWrapper, F, OuterRef, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import actor_label, audit_log
from core.calendar import add_working_days
from core.publishing import require_reason
from core.uploads import stored_facts, upload_problems

from ..models import Evidence, Milestone, Pledge, ProgressReport
from .pledges import announce, locked, require_staff

HUNDRED = Decimal(100)


def _percent(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip().rstrip("%"))
    except (InvalidOperation, AttributeError):
        raise ValidationError({field: [_("Give the progress as a number from 0 to 100.")]}) from None
    if not number.is_finite() or not 0 <= number <= HUNDRED:
        raise ValidationError({field: [_("Progress is a share from 0 to 100 %.")]})
    return number.quantize(Decimal("0.01"))


def evidence_problems(files) -> list[str]:
    rules = settings.COMMITMENTS
    return upload_problems(files, allowed=rules["EVIDENCE_EXTENSIONS"], max_bytes=rules["EVIDENCE_MAX_BYTES"])


@transaction.atomic
def pledge_report_progress(
    *,
    pledge: Pledge,
    progress,
    note: str,
    actor,
    reason: str = "",
    milestone: Milestone | None = None,
    files=(),
    source="form",
) -> ProgressReport:
    """A new progress figure with what was done, and the files that show it. Going backwards needs the
    reason; a parent pledge's progress is its parts' and is not reported; a settled pledge takes no more
    reports. Every file is checked before anything is saved."""
    pledge = locked(pledge)
    require_staff(actor, pledge)
    errors: dict[str, list[str]] = {}
    if not pledge.is_open:
        raise ValidationError(_("This pledge is settled: its progress no longer changes."), code="illegal_transition")
    if Pledge.objects.filter(parent=pledge).exists():
        raise ValidationError({"progress": [_("This pledge's progress is rolled up from its parts: report on them.")]})
    if pledge.indicator:
        raise ValidationError({"progress": [_("This pledge is measured by the portal, not reported.")]})
    after = _percent(progress, "progress")
    note = (note or "").strip()
    if len(note) < 4:
        errors["note"] = [_("Say what was done.")]
    if after < pledge.progress:
        require_reason(reason, message=_("Progress goes down: say why."), errors=errors)
    if milestone is not None and milestone.pledge_id != pledge.pk:
        errors["milestone"] = [_("This milestone belongs to another pledge.")]
    files = [upload for upload in (files or []) if upload]
    if problems := evidence_problems(files):
        errors["files"] = problems
    if errors:
        raise ValidationError(errors)
    report = ProgressReport.objects.create(
        pledge=pledge,
        milestone=milestone,
        progress_before=pledge.progress,
        progress_after=after,
        note=note,
        reason=(reason or "").strip() if after < pledge.progress else "",
        source=source,
        reported_by_label=actor_label(actor)[:200],
    )
    for upload in files:
        evidence = Evidence(
            pledge=pledge, report=report, uploaded_by_label=report.reported_by_label, **stored_facts(upload)
        )
        evidence.file.save(upload.name, upload, save=False)
        evidence.save()
    if milestone is not None and milestone.done_on is None:
        milestone.done_on = timezone.localdate()
        milestone.save(update_fields=["done_on", "updated_at"])
    changed = after != pledge.progress
    pledge.progress = after
    audit_log(
        actor=actor,
        action="commitments.pledge.progress",
        target=pledge,
        before={"progress": str(report.progress_before)},
        after={"progress": str(after), "note": note, "files": [upload.name for upload in files]},
    )
    if changed:
        announce(pledge, reason=note, actor=actor, fields=["progress"])
        if pledge.parent_id:
            roll_up(pledge.parent)
    return report


def roll_up(pledge: Pledge) -> None:
    """A parent's progress is its parts', weighted: Σ(weight × progress) / Σ weight, worked out in SQL for
    each ancestor in turn (one statement a level), so a three-level tree costs three statements."""
    weighted = ExpressionWrapper(
        F("weight") * F("progress"), output_field=DecimalField(max_digits=12, decimal_places=4)
    )
    parts = Pledge.objects.filter(parent=OuterRef("pk")).order_by().values("parent")
    total = Subquery(parts.annotate(total=Sum(weighted)).values("total")[:1])
    weights = Subquery(parts.annotate(weights=Sum("weight")).values("weights")[:1])
    seen = set()
    current = pledge
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        row = (
            Pledge.objects.filter(pk=current.pk)
            .annotate(total=total, weights=weights)
            .values("total", "weights", "progress", "parent_id")[0]
        )
        if row["weights"]:
            progress = (Decimal(row["total"]) / Decimal(row["weights"])).quantize(Decimal("0.01"))
            if progress != row["progress"]:
                parent = locked(current)
                parent.progress = progress
                announce(parent, reason=_("Progress of its parts rolled up."), actor=None, fields=["progress"])
        current = Pledge.objects.get(pk=row["parent_id"]) if row["parent_id"] else None


@transaction.atomic
def milestone_add(
    *, pledge: Pledge, title: str, actor, due_on: datetime.date | None = None, working_days: int | None = None
) -> Milestone:
    """A milestone due on a date, or a number of working days after the pledge starts (the shared calendar:
    holidays and make-up working days counted)."""
    pledge = locked(pledge)
    require_staff(actor, pledge)
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("Give the milestone a title.")]
    provisional = False
    if working_days is not None:
        if not isinstance(working_days, int) or working_days < 1:
            errors["working_days"] = [_("Give a number of working days above zero.")]
        else:
            deadline = add_working_days(pledge.starts_on, working_days)
            due_on, provisional = deadline.due, deadline.provisional
    if not isinstance(due_on, datetime.date):
        errors.setdefault("due_on", [_("Give the date the milestone is due, or the working days to it.")])
    elif due_on < pledge.starts_on:
        errors["due_on"] = [_("A milestone cannot fall due before the pledge starts.")]
    elif due_on > pledge.due_on:
        errors["due_on"] = [_("A milestone cannot fall due after the pledge itself.")]
    if errors:
        raise ValidationError(errors)
    milestone = Milestone.objects.create(
        pledge=pledge, title=title, due_on=due_on, working_days=working_days, due_provisional=provisional
    )
    audit_log(
        actor=actor,
        action="commitments.milestone.add",
        target=pledge,
        after={"milestone": milestone.pk, "title": title, "due_on": due_on.isoformat()},
    )
    return milestone


def rolled_up_share(parts: list[tuple[Decimal, Decimal]]) -> Decimal | None:
    """The arithmetic shown on a parent's page: (weight, progress) of each part → the weighted share."""
    weights = sum((weight for weight, _progress in parts), Decimal(0))
    if not weights:
        return None
    return (sum((weight * progress for weight, progress in parts), Decimal(0)) / weights).quantize(Decimal("0.01"))


@transaction.atomic
def milestone_complete(*, milestone: Milestone, actor, on: datetime.date | None = None) -> Milestone:
    """A milestone reached without a progress figure of its own — the milestones of a parent pledge, whose
    progress is its parts', or of a measured one. A progress report on a leaf marks its milestone itself."""
    pledge = locked(milestone.pledge)
    require_staff(actor, pledge)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    today = timezone.localdate()
    on = on or today
    if not pledge.is_open:
        raise ValidationError(_("This pledge is settled: its milestones no longer change."), code="illegal_transition")
    if milestone.done_on is not None:
        raise ValidationError({"milestone": [_("This milestone is already reached.")]})
    if on > today or on < pledge.starts_on:
        raise ValidationError({"done_on": [_("Give a day between the pledge's start and today.")]})
    milestone.done_on = on
    milestone.save(update_fields=["done_on", "updated_at"])
    audit_log(
        actor=actor,
        action="commitments.milestone.complete",
        target=pledge,
        after={"milestone": milestone.pk, "title": milestone.title, "done_on": on.isoformat()},
    )
    return milestone
