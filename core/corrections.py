"""The one correction flow of a published record: a new version, with its reason, in the ledger and
pushed; every earlier version stays in the record's history.

The app's `*_correct` service locks the record, checks who may correct it, and calls
`publish_correction` with what changes:

    publish_correction(
        record,
        reason=reason,
        actor=actor,
        audited=lambda r: snapshot(r, CONTENT_FIELDS),   # what the audit row compares, before and after
        change=lambda r: apply_my_changes(r, data),       # sets the new values; returns the fields it set
    )
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .audit import audit_log, diff
from .models import PublicationVersion
from .publication import PublicationAction
from .publishing import apply_transition, ensure_allowed, publishable, require_reason


def publish_correction(
    record,
    *,
    reason: str,
    actor,
    audited: Callable[[object], dict],
    change: Callable[[object], Iterable[str]],
    audit_action: str = "",
) -> PublicationVersion:
    """In the caller's transaction, on a record it locked: a stated reason (the one reason rule), a
    published record, a real change (else "Nothing was changed."), an audit row with what changed, then
    the CORRECT transition — version n+1, ledger entry, national push."""
    reason = require_reason(reason, message=_("Say what was wrong and what the correction changes."))
    ensure_allowed(record, PublicationAction.CORRECT)
    before = audited(record)
    changed_fields = list(change(record))
    changed_before, changed_after = diff(before, audited(record))
    if not changed_after:
        raise ValidationError(_("Nothing was changed."), code="no_change")
    audit_log(
        actor=actor,
        action=audit_action or f"{record.record_type}.update",
        target=record,
        before=changed_before,
        after=changed_after,
    )
    return apply_transition(
        record,
        action=PublicationAction.CORRECT,
        actor=actor,
        reason=reason,
        payload_builder=publishable(record.record_type).national_document,
        extra_fields=changed_fields,
    )
