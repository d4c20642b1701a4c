"""Exports in the national exchange format (headers are the CF_* / XK_* codes), streamed.

Staff export what they may view, natural persons' ID numbers masked. Whole numbers only when the
user gives a reason for them (the export's audit row keeps it), and then only for records inside
their own scope, never for the public records of other organizations that `for_user(VIEW)` also
lets them read. The public open-data download is what anyone may see, ID numbers always masked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.db.models import QuerySet

from core.access import scope_for
from core.audit import audit_log
from core.choices import Action
from core.personal_data import require_purpose

from . import national, services

CHUNK_SIZE = 2000


def national_header(kind: str) -> list[str]:
    return [spec.code for spec in national.WIRE_SPECS[kind]]


def national_rows(records: QuerySet, kind: str, *, mask: Callable[[object], bool]) -> Iterator[list[str]]:
    """Rows in the national format, read in chunks so that memory stays flat whatever the count."""
    records = records.select_related("authority", "data_source").order_by("id")
    for record in records.iterator(chunk_size=CHUNK_SIZE):
        yield list(national.to_national(record, kind, mask=mask(record)).values())


def staff_records(user, kind: str, *, status: str = "", decided_after=None, decided_before=None) -> QuerySet:
    records = services.MODELS[kind].objects.for_user(user, Action.VIEW)
    if status:
        records = records.filter(status=status)
    if decided_after:
        records = records.filter(decided_on__gte=decided_after)
    if decided_before:
        records = records.filter(decided_on__lte=decided_before)
    return records


def staff_export(user, kind: str, *, file_format: str, filters: dict, reveal_reason: str = "") -> Iterator[list[str]]:
    """The rows of a staff export, after writing its audit row (who exported what, how many, and
    why with whole ID numbers when `reveal_reason` asks for them)."""
    reveal = bool(reveal_reason)
    if reveal:
        reveal_reason = require_purpose(reveal_reason, field="reveal_reason")
    records = staff_records(user, kind, **filters)
    own_scope = scope_for(user, Action.VIEW)
    audit_log(
        actor=user,
        action="disclosures.export.reveal_id" if reveal else "disclosures.export",
        after={
            "kind": kind,
            "format": file_format,
            "filters": {name: value for name, value in filters.items() if value},
            "rows": records.count(),
            **({"reason": reveal_reason} if reveal else {}),
        },
        scope_path=user.audit_scope_path(),
    )
    if not reveal:
        return national_rows(records, kind, mask=lambda record: True)
    return national_rows(records, kind, mask=lambda record: not own_scope.covers(record.authority.path))


def open_data_rows(kind: str) -> Iterator[list[str]]:
    return national_rows(services.MODELS[kind].objects.public(), kind, mask=lambda record: True)
