"""Audit rows are written by the services that change things, in the same transaction.

Audit rows are read by supervisors on the audit pages, so they never hold a natural person's whole
ID number: every model names its personal fields in `personal_data_fields`, and whatever the rows'
before/after JSON carries under one of those names is masked here, on every write path (one row,
many rows, rows written inside PostgreSQL). The whole number stays on the record, shown only by an
audited reveal (core.personal_data).
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterable
from functools import cache

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connections, models, router
from django.utils import timezone

from . import request_context
from .identifiers import mask_identifier
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
    before, after = audited((changes or {}).get("before")), audited((changes or {}).get("after"))
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


def audit_log_copied(
    *, actor, action: str, model, column: str, value, after_id: int, exclude_ids=(), changes=None
) -> int:
    """Audit rows, written inside PostgreSQL, for the rows a COPY just added to `model`'s table: those
    with `column = value` and an id above `after_id` (ids grow, so a batch's rows are exactly those
    above the last batch's highest), minus `exclude_ids`. Returns the new highest id, for the next
    batch. The target's text is the model's `audit_repr_sql` (its __str__ in SQL) and its scope the
    organization path named by the queryset's `scope_path_field` ("authority__path")."""
    from psycopg.types.json import Jsonb

    context = request_context.current()
    user = actor_user(actor)
    connection = connections[router.db_for_write(AuditEvent)]
    quote = connection.ops.quote_name
    meta = model._meta
    relation, path_attribute = model._default_manager.get_queryset().scope_path_field.split("__")
    scope_field = meta.get_field(relation)
    scope_model = scope_field.related_model
    audit = AuditEvent._meta
    fields = {f.attname: f for f in audit.concrete_fields}
    constants = {
        "occurred_at": timezone.now(),
        "actor_id": user.pk if user else None,
        "actor_repr": actor_label(actor)[:200],
        "action": action,
        "target_type_id": ContentType.objects.get_for_model(model).pk,
        "before": audited((changes or {}).get("before")),
        "after": audited((changes or {}).get("after")),
        "request_id": context.request_id,
        "ip_address": context.ip_address,
    }
    values = [
        Jsonb(v) if v is not None and isinstance(fields[k], models.JSONField) else v for k, v in constants.items()
    ]
    selected = ", ".join(f"%s::{fields[name].db_type(connection)}" for name in constants)
    columns = ", ".join(quote(fields[name].column) for name in [*constants, "target_id", "target_repr", "scope_path"])
    # Identifiers come from model metadata; `audit_repr_sql` is code, not input.
    sql = (
        f"WITH added AS (SELECT t.{quote(meta.pk.column)} AS id, left({model.audit_repr_sql}, 300) AS repr, "  # noqa: S608
        f"scope.{quote(scope_model._meta.get_field(path_attribute).column)} AS path "
        f"FROM {quote(meta.db_table)} AS t JOIN {quote(scope_model._meta.db_table)} AS scope "
        f"ON scope.{quote(scope_model._meta.pk.column)} = t.{quote(scope_field.column)} "
        f"WHERE t.{quote(meta.get_field(column).column)} = %s AND t.{quote(meta.pk.column)} > %s "
        f"AND NOT (t.{quote(meta.pk.column)} = ANY(%s::bigint[]))), "
        f"written AS (INSERT INTO {quote(audit.db_table)} ({columns}) "
        f"SELECT {selected}, added.id::text, added.repr, added.path FROM added) "
        f"SELECT max(id) FROM added"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value, after_id, list(exclude_ids), *values])
        (highest,) = cursor.fetchone()
    return highest if highest is not None else after_id


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
        before=audited(before),
        after=audited(after),
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


@cache
def personal_field_names() -> frozenset[str]:
    """Every field any installed model declares personal (`personal_data_fields`)."""
    return frozenset(name for model in apps.get_models() for name in getattr(model, "personal_data_fields", ()))


def mask_personal_data(value, names: frozenset[str] | None = None):
    """A copy of audit JSON with the values of personal fields masked, at any depth."""
    names = personal_field_names() if names is None else names
    if isinstance(value, dict):
        return {
            key: mask_identifier(item) if key in names and isinstance(item, str) else mask_personal_data(item, names)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [mask_personal_data(item, names) for item in value]
    return value


def audited(value):
    """What an audit row stores of a before/after value: JSON, personal ID numbers masked."""
    return mask_personal_data(jsonable(value))


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
