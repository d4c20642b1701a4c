"""The beat's sweeps every publishing app shares.

`end_due_publicity` ends the publicity of every registered record type (core.publishing) whose period
is over; an app that must do more when a record's publicity ends registers a hook
(`on_publicity_end`), run in the same transaction as the batch.

`claim_and_notify` is the one shape of the "tell someone once" sweeps (overdue drafts, overdue
obligations, records awaiting a ruling…): claim a batch with SELECT … FOR UPDATE SKIP LOCKED, mark it
(a timestamp field, so that it is claimed once), audit it, group it and notify each group with a
dedupe key. Two beats at once, or the same sweep twice, do no harm.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .audit import audit_log_many
from .publication import PublicationAction
from .publishing import apply_transition, publishables
from .services import notify

BATCH_SIZE = 500

_publicity_end_hooks: dict[str, list[Callable]] = {}


def on_publicity_end(record_type: str, hook: Callable[[list], object]) -> None:
    """`hook(records)` runs inside the sweep's transaction with each batch of one record type whose
    publicity just ended (dishonesty records close their pending repair applications)."""
    hooks = _publicity_end_hooks.setdefault(record_type, [])
    if hook not in hooks:
        hooks.append(hook)


def end_due_publicity(
    *, today: datetime.date | None = None, record_types: Iterable[str] | None = None, batch_size: int = BATCH_SIZE
) -> int:
    """Records past their maximum publicity period leave public view (kept inside), every registered
    type (or only `record_types`), batch by batch. Returns how many ended."""
    today = today or timezone.localdate()
    wanted = None if record_types is None else set(record_types)
    ended = 0
    for described in publishables():
        if wanted is not None and described.record_type not in wanted:
            continue
        hooks = _publicity_end_hooks.get(described.record_type, ())
        while True:
            with transaction.atomic():
                batch = list(
                    described.model._default_manager.publicity_due_to_end(today)
                    .select_related(*described.related)
                    .select_for_update(skip_locked=True, of=("self",))
                    .order_by("pk")[:batch_size]
                )
                for record in batch:
                    apply_transition(
                        record,
                        action=PublicationAction.END_PUBLICITY,
                        actor=None,
                        payload_builder=described.national_document,
                    )
                if batch:
                    for hook in hooks:
                        hook(batch)
            ended += len(batch)
            if len(batch) < batch_size:
                break
    return ended


# --- claim, mark, group, notify -------------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    """One notification to a group of recipients (core.services.notify); the dedupe key makes it once."""

    recipients: Iterable
    kind: str
    subject: str
    dedupe_key: str
    body: str = ""
    link: str = ""
    email: bool = True


def claim_and_notify(
    due,
    *,
    marker: str,
    group_by: Callable[[object], Hashable],
    notices: Callable[[Hashable, list], Notice | Iterable[Notice] | None],
    audit_action: str = "",
    scope_path_of: Callable[[object], str] | None = None,
    claimed: Callable[[list], object] | None = None,
    batch_size: int = BATCH_SIZE,
    once: bool = False,
) -> int:
    """Claim what is `due` (a queryset, with the select_related its notices need) and not yet marked,
    batch by batch, each in its own transaction: set `marker` (a timestamp field) on the batch, write
    one audit row per item (`audit_action`), run `claimed(batch)` for any further set-based work, then
    group the batch (`group_by`) and send what `notices(group, items)` says. Rows another sweep holds are
    skipped, not waited for; marked rows are never claimed again. `once`: a single batch per call.
    Returns how many were claimed."""
    model = due.model
    total = 0
    while True:
        with transaction.atomic():
            batch = list(
                due.filter(**{f"{marker}__isnull": True})
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("pk")[:batch_size]
            )
            if batch:
                model._base_manager.filter(pk__in=[item.pk for item in batch]).update(**{marker: timezone.now()})
                if audit_action:
                    audit_log_many(actor=None, action=audit_action, targets=batch, scope_path_of=scope_path_of)
                if claimed is not None:
                    claimed(batch)
                for group, items in grouped(batch, group_by).items():
                    for notice in _as_list(notices(group, items)):
                        notify(
                            recipients=notice.recipients,
                            kind=notice.kind,
                            subject=notice.subject,
                            body=notice.body,
                            link=notice.link,
                            dedupe_key=notice.dedupe_key,
                            email=notice.email,
                        )
        total += len(batch)
        if once or len(batch) < batch_size:
            return total


def grouped(items: Iterable, key: Callable[[object], Hashable]) -> dict[Hashable, list]:
    groups: dict[Hashable, list] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return groups


def listed(items: Iterable, label: Callable[[object], str], *, most: int = 10) -> str:
    """The first few of a group, for a notice's text: "甲、乙、丙…"."""
    items = list(items)
    return "、".join(label(item) for item in items[:most]) + ("…" if len(items) > most else "")


def _as_list(notices) -> list[Notice]:
    if notices is None:
        return []
    if isinstance(notices, Notice):
        return [notices]
    return list(notices)
