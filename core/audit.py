"""Audit rows are written by the services that change things, in the same transaction."""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models
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
    """Audit rows for a set-based change (bulk_create / update()): one per target, written with COPY
    on PostgreSQL. `changes` ({"before": …, "after": …}) is the same for every target."""
    from .bulk import copy_rows

    context = request_context.current()
    user, label = actor_user(actor), actor_label(actor)[:200]
    before, after = jsonable((changes or {}).get("before")), jsonable((changes or {}).get("after"))
    now = timezone.now()
    content_types: dict[type, int] = {}
    rows = []
    for target in targets:
        model = type(target)
        if model not in content_types:
            content_types[model] = ContentType.objects.get_for_model(target).pk
        rows.append(
            {
                "occurred_at": now,
                "actor_id": user.pk if user else None,
                "actor_repr": label,
                "action": action,
                "target_type_id": content_types[model],
                "target_id": str(target.pk),
                "target_repr": str(target)[:300],
                "before": before,
                "after": after,
                "request_id": context.request_id,
                "ip_address": context.ip_address,
                "scope_path": scope_path_of(target) if scope_path_of else _scope_path_of(target),
            }
        )
    copy_rows(AuditEvent, rows)
    return len(rows)


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
