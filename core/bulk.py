"""Set-based writes that stay fast on PostgreSQL: COPY instead of INSERT, and a staging table instead
of bulk_update's CASE chains. Other databases get Django's bulk_create / bulk_update."""

from __future__ import annotations

import functools
import json
from operator import itemgetter

from django.db import connections, router, transaction

BATCH_SIZE = 2000


def _copy_adapters(fields) -> list:
    """Per field, what turns its Python value into one COPY accepts: JSON fields need wrapping."""
    from psycopg.types.json import Jsonb

    return [Jsonb if f.get_internal_type() == "JSONField" else None for f in fields]


def insert_records(model, records: list) -> None:
    """bulk_create, through COPY on PostgreSQL.

    Django binds INSERT parameters on the client with psycopg 3, which for a 48-column table costs
    more Python time per row than everything else in the import; COPY sends the same rows as a
    stream. Ids are drawn from the table's sequence first so that records (and their audit rows)
    know them, as bulk_create's RETURNING would give them.
    """
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql" or not records:
        model.objects.bulk_create(records, batch_size=BATCH_SIZE)
        return
    fields = model._meta.concrete_fields
    quote = connection.ops.quote_name
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, model._meta.pk.column, len(records)],
        )
        for record, (pk,) in zip(records, cursor.fetchall(), strict=True):
            record.pk = pk
        columns = ", ".join(quote(f.column) for f in fields)
        # auto_now(_add) fields need pre_save (it stamps them); every other value is read as it stands.
        stamped = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
        attnames = [f.attname for f in fields]
        wrapped = [(index, adapt) for index, adapt in enumerate(_copy_adapters(fields)) if adapt]
        # One stamp for the batch, as one INSERT statement would give.
        stamps = {field.attname: field.pre_save(records[0], True) for field in stamped}
        with cursor.cursor.copy(f"COPY {quote(table)} ({columns}) FROM STDIN") as copy:
            for record in records:
                record.__dict__.update(stamps)
                row = [record.__dict__[name] for name in attnames]
                for index, adapt in wrapped:
                    if row[index] is not None:
                        row[index] = adapt(row[index])
                copy.write_row(row)
    for record in records:
        record._state.adding, record._state.db = False, connection.alias


def update_records(model, records: list, field_names: list[str]) -> None:
    """bulk_update, through a temporary table on PostgreSQL.

    bulk_update writes one CASE WHEN id=… per field with a branch per row, so its cost grows with
    the square of the batch (77 rows/s for 20,000 drafts of 40 fields). COPY into a temporary table
    and one UPDATE … FROM it is linear. Elsewhere (SQLite) small batches keep the CASE short.
    """
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql" or not records:
        model.objects.bulk_update(records, field_names, batch_size=100)
        return
    fields = [model._meta.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    pk_column = quote(model._meta.pk.column)
    columns = [pk_column, *(quote(f.column) for f in fields)]
    staging = quote(f"bulk_update_{model._meta.db_table}")
    # Every identifier below comes from the model's metadata, quoted; no value is spliced into SQL.
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {', '.join(columns)} FROM {quote(model._meta.db_table)} WITH NO DATA"
        )
        adapters = list(zip(fields, _copy_adapters(fields), strict=True))
        with cursor.cursor.copy(f"COPY {staging} ({', '.join(columns)}) FROM STDIN") as copy:
            for record in records:
                values = ((getattr(record, f.attname), adapt) for f, adapt in adapters)
                copy.write_row([record.pk, *(adapt(value) if adapt else value for value, adapt in values)])
        assignments = ", ".join(f"{column} = staged.{column}" for column in columns[1:])
        cursor.execute(
            f"UPDATE {quote(model._meta.db_table)} AS target SET {assignments} "  # noqa: S608
            f"FROM {staging} AS staged WHERE target.{pk_column} = staged.{pk_column}"
        )
        cursor.execute(f"DROP TABLE {staging}")


def copy_encoded(model, attnames: list[str], data: bytes) -> None:
    """COPY rows already encoded as COPY text (CopyEncoder) into the model's table; columns left out
    (the id) take their database default."""
    connection = connections[router.db_for_write(model)]
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(by_attname[name].column) for name in attnames)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy,
    ):
        copy.write(data)


# --- COPY text ------------------------------------------------------------------------------------
# Encoding rows in Python (for the generator's worker processes and the import's checking thread)
# lets the thread or process that talks to PostgreSQL send ready bytes without formatting them.

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_NULL = "\\N"


def _copy_str(value) -> str:
    return _NULL if value is None else str(value).translate(_COPY_ESCAPES)


def _copy_iso(value) -> str:
    return _NULL if value is None else value.isoformat()


def _copy_bool(value) -> str:
    return _NULL if value is None else ("t" if value else "f")


def _copy_decimal(value) -> str:
    return _NULL if value is None else format(value, "f")


@functools.lru_cache(maxsize=4096)
def _copy_json_cached(value: tuple) -> str:
    return json.dumps(list(value), ensure_ascii=False).translate(_COPY_ESCAPES)


def _copy_json(value) -> str:
    if isinstance(value, list) and all(type(v) is str for v in value):
        return _copy_json_cached(tuple(value))
    return json.dumps(value, ensure_ascii=False).translate(_COPY_ESCAPES)


_CONVERTERS = {
    "DateField": _copy_iso,
    "DateTimeField": _copy_iso,
    "BooleanField": _copy_bool,
    "DecimalField": _copy_decimal,
    "JSONField": _copy_json,
}


class CopyEncoder:
    """Row dicts → PostgreSQL COPY text, converting only the columns that are not plain text.

    Text columns (NOT NULL char/text) pass through as they are when no value holds a tab, newline,
    carriage return or backslash — true of everything generated here, and checked row by row; a row
    that fails the check is escaped value by value.
    """

    def __init__(self, fields):
        self.attnames = [f.attname for f in fields]
        self.values = itemgetter(*self.attnames)
        text = [i for i, f in enumerate(fields) if f.get_internal_type() in ("CharField", "TextField") and not f.null]
        self.text = text
        self.text_values = itemgetter(*(self.attnames[i] for i in text))
        self.converters = [
            (i, _CONVERTERS.get(f.get_internal_type(), _copy_str)) for i, f in enumerate(fields) if i not in text
        ]

    def encode(self, rows) -> bytes:
        return "".join(self.line(row) for row in rows).encode()

    def line(self, row) -> str:
        """One row (a dict by attname, e.g. a model instance's __dict__) as a COPY text line."""
        out = list(self.values(row))
        for i, convert in self.converters:
            value = out[i]
            out[i] = _NULL if value is None else convert(value)  # most optional columns are empty
        probe = "".join(self.text_values(row))
        if "\\" in probe or "\t" in probe or "\n" in probe or "\r" in probe:
            for i in self.text:
                out[i] = out[i].translate(_COPY_ESCAPES)
        return "\t".join(out) + "\n"


# --- synthetic benchmark data: rows planned as dicts, written as fast as the database takes them ---------


def reserve_ids(model, count: int) -> list[int]:
    """`count` ids for `model`'s rows before they are written (its sequence on PostgreSQL, the next after
    the highest elsewhere), so that planned rows can point at each other."""
    if not count:
        return []
    connection = connections[router.db_for_write(model)]
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, model._meta.pk.column, count],
            )
            return [pk for (pk,) in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        first = cursor.fetchone()[0] + 1
    return list(range(first, first + count))


class RowWriter:
    """Row dicts by attname → one COPY a call on PostgreSQL (bulk_create elsewhere, the planned auto_now
    times put back). A field a row leaves out takes its default; auto_now(_add) fields the run's `now`.
    `with_ids`: the rows carry their ids (from `reserve_ids`); otherwise the column default gives them."""

    def __init__(self, model, now, *, with_ids: bool = True):
        self.model = model
        fields = [f for f in model._meta.concrete_fields if with_ids or not f.primary_key]
        self.stamped = [f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
        self.defaults = {}
        for f in fields:
            if f.attname in self.stamped:
                self.defaults[f.attname] = now
            elif f.has_default():
                self.defaults[f.attname] = f.get_default()
            elif f.null:
                self.defaults[f.attname] = None
            elif f.get_internal_type() in ("CharField", "TextField"):
                self.defaults[f.attname] = ""
        self.connection = connections[router.db_for_write(model)]
        self.encoder = CopyEncoder(fields) if self.connection.vendor == "postgresql" else None
        self.written = 0

    def write(self, rows: list[dict]) -> None:
        if not rows:
            return
        full = [{**self.defaults, **row} for row in rows]
        with transaction.atomic(using=self.connection.alias):
            if self.encoder is not None:
                copy_encoded(self.model, self.encoder.attnames, self.encoder.encode(full))
            else:
                objects = [self.model(**row) for row in full]
                self.model.objects.bulk_create(objects, batch_size=500)
                planned = [name for name in self.stamped if name in rows[0]]
                if planned:  # auto_now(_add) overwrote the planned times: put them back
                    for obj, row in zip(objects, full, strict=True):
                        for name in planned:
                            setattr(obj, name, row[name])
                    self.model.objects.bulk_update(objects, planned, batch_size=500)
        self.written += len(rows)
