"""Audit rows are written by the services that change things, in the same transaction."""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import connections, models, router
from django.utils import timezone

from . import request_context
from .models import AuditEvent


def actor_label(actor) -> str:
    if actor is None:
        return "system"
    label = getattr(actor, "audit_label", None)
    if label:
        return label
    return getattr(actor, "get_username", lambda: str(actor))()


def actor_user(actor):
    """API clients act on behalf of their organization; only real users go in the FK."""
    from django.contrib.auth import get_user_model

    return actor if isinstance(actor, get_user_model()) else None


def audit_log(*, actor, action: str, target=None, before=None, after=None, scope_path: str = "") -> AuditEvent:
    event = _build(actor=actor, action=action, target=target, before=before, after=after, scope_path=scope_path)
    event.save()
    return event


def audit_log_many(*, actor, action: str, targets: Iterable, changes=None, scope_path_of=None) -> int:
    """Audit rows for a set-based change (bulk_create / update()): one per target. `changes`
    ({"before": …, "after": …}) is the same for every target.

    On PostgreSQL one INSERT … SELECT FROM unnest(arrays) writes them: only the three columns that
    differ per target travel as arrays, so a 100,000-row import spends almost no Python time on its
    100,000 audit rows. Other databases get bulk_create.
    """
    targets = list(targets)
    if not targets:
        return 0
    context = request_context.current()
    user, label = actor_user(actor), actor_label(actor)[:200]
    before, after = jsonable((changes or {}).get("before")), jsonable((changes or {}).get("after"))
    scope = scope_path_of or _scope_path_of
    connection = connections[router.db_for_write(AuditEvent)]
    for model, group in _by_model(targets).items():
        constant = {
            "occurred_at": timezone.now(),
            "actor_id": user.pk if user else None,
            "actor_repr": label,
            "action": action,
            "target_type_id": ContentType.objects.get_for_model(model).pk,
            "before": before,
            "after": after,
            "request_id": context.request_id,
            "ip_address": context.ip_address,
        }
        varying = {
            "target_id": [str(target.pk) for target in group],
            "target_repr": [str(target)[:300] for target in group],
            "scope_path": [scope(target) for target in group],
        }
        if connection.vendor == "postgresql":
            _insert_unnested(connection, constant, varying)
        else:
            AuditEvent.objects.bulk_create(
                [
                    AuditEvent(**constant, **dict(zip(varying, values, strict=True)))
                    for values in zip(*varying.values(), strict=True)
                ],
                batch_size=2000,
            )
    return len(targets)


def _by_model(targets: list) -> dict[type, list]:
    groups: dict[type, list] = {}
    for target in targets:
        groups.setdefault(type(target), []).append(target)
    return groups


def _insert_unnested(connection, constant: dict, varying: dict) -> None:
    from psycopg.types.json import Jsonb

    meta = AuditEvent._meta
    quote = connection.ops.quote_name
    fields = {f.attname: f for f in meta.concrete_fields}
    column_sql = ", ".join(quote(fields[name].column) for name in [*constant, *varying])
    # Each constant is cast to its column's type: a NULL parameter would otherwise arrive as text.
    selected = [f"%s::{fields[name].db_type(connection)}" for name in constant]
    selected += [f"t.{quote(name)}" for name in varying]
    arrays = ", ".join("%s::text[]" for _ in varying)
    names = ", ".join(quote(name) for name in varying)
    values = [
        Jsonb(value) if value is not None and isinstance(fields[name], models.JSONField) else value
        for name, value in constant.items()
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(meta.db_table)} ({column_sql}) "  # noqa: S608 — identifiers from model metadata
            f"SELECT {', '.join(selected)} FROM unnest({arrays}) AS t({names})",
            [*values, *varying.values()],
        )


def _build(*, actor, action, target, before, after, scope_path) -> AuditEvent:
    context = request_context.current()
    event = AuditEvent(
        actor=actor_user(actor),
        actor_repr=actor_label(actor)[:200],
        action=action,
        before=jsonable(before),
        after=jsonable(after),
        request_id=context.request_id,
        ip_address=context.ip_address,
        scope_path=scope_path or _scope_path_of(target),
    )
    if target is not None:
        event.target_type = ContentType.objects.get_for_model(target)
        event.target_id = str(target.pk)
        event.target_repr = str(target)[:300]
    return event


def _scope_path_of(target) -> str:
    getter = getattr(target, "audit_scope_path", None)
    return getter() if callable(getter) else ""


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict:
    """The audited state of a model: concrete fields by attribute name (FKs as ids)."""
    names = fields or [f.attname for f in instance._meta.concrete_fields]
    return {name: jsonable(getattr(instance, name)) for name in names}


def diff(before: dict, after: dict) -> tuple[dict, dict]:
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    return {k: before.get(k) for k in sorted(changed)}, {k: after.get(k) for k in sorted(changed)}


def jsonable(value):
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return str(value)
