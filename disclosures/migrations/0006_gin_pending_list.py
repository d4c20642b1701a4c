"""Bulk imports add ~30 name grams per row to a GIN index: a larger pending list lets PostgreSQL
merge them in bulk (autovacuum or a full list) instead of one by one. Measured on a 100,000-row
import: 4,139 → 4,932 rows/s at 32 MB (5,269 at 64 MB) (bench/RESULTS.md). Searches scan the pending list until it is merged."""

from django.db import migrations

GIN_INDEXES = ("penalty_subject_grams_gin", "license_subject_grams_gin", "penalty_kinds_gin")


def widen(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in GIN_INDEXES:
        schema_editor.execute(f'ALTER INDEX IF EXISTS "{name}" SET (gin_pending_list_limit = 32768)')


def reset(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in GIN_INDEXES:
        schema_editor.execute(f'ALTER INDEX IF EXISTS "{name}" RESET (gin_pending_list_limit)')


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0005_fewer_fk_indexes")]

    operations = [migrations.RunPython(widen, reset)]
