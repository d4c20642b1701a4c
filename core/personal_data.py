"""Natural persons' ID numbers: masked by default everywhere, shown whole only by an explicit act.

A model names its personal fields once, `personal_data_fields = ("subject_id_number", …)`, and gets:
- audit rows that never hold them whole (core.audit masks them on every write path);
- `masked_value(instance, name)` for forms and API output (the model's `masked_<name>` where it has one);
- `reveal(...)`: the whole values for someone who states why, written to the audit log with the actor.

Web pages, the API and exports all reveal through `reveal`, so there is one rule for the purpose and
one shape of audit row, whichever channel showed the number.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .audit import audit_log
from .identifiers import mask_identifier

REASON_MIN_LENGTH = 2  # "核查" is a purpose; a single character is not
REASON_MAX_LENGTH = 200


def masked_value(instance, name: str) -> str:
    masked = getattr(instance, f"masked_{name}", None)
    return masked if isinstance(masked, str) else mask_identifier(getattr(instance, name))


def masked_values(instance, names: Iterable[str] | None = None) -> dict[str, str]:
    names = instance.personal_data_fields if names is None else names
    return {name: masked_value(instance, name) for name in names}


def unmask_unchanged(instance, data: dict, names: Iterable[str] | None = None) -> dict:
    """`data` with every personal field that still holds the masked form of the stored value given
    back its stored value: a form or API client that shows the masked number and sends it back
    unchanged keeps the number on file; a whole new number replaces it."""
    names = instance.personal_data_fields if names is None else names
    restored = dict(data)
    for name in names:
        if name in restored and restored[name] and restored[name] == masked_value(instance, name):
            restored[name] = getattr(instance, name)
    return restored


def require_purpose(reason: str, *, field: str = "reason", message: str | None = None) -> str:
    """Why someone needs the whole number: a few words at least, or a field error."""
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN_LENGTH:
        raise ValidationError({field: [message or _("Say why you need to see the full ID number.")]})
    return reason[:REASON_MAX_LENGTH]


@transaction.atomic
def reveal(
    *, target, actor, reason: str, action: str, names: Iterable[str] | None = None, purpose_message: str | None = None
) -> dict[str, str]:
    """The whole values of `target`'s personal fields for `actor`, who says why; the audit row
    (action, actor, reason) is written before anything is returned."""
    reason = require_purpose(reason, message=purpose_message)
    names = tuple(target.personal_data_fields if names is None else names)
    values = {name: getattr(target, name) for name in names}
    audit_log(actor=actor, action=action, target=target, after={"reason": reason})
    return values
