"""The periods of 信访工作条例 (2022), in calendar days: the defaults a supervisor may change later."""

from django.db import migrations

DEFAULTS = [
    ("accept", 15),
    ("handle", 60),
    ("extension", 30),
    ("review_request", 30),
    ("review_answer", 30),
]


def add_defaults(apps, schema_editor):
    DeadlineRule = apps.get_model("complaints", "DeadlineRule")
    for kind, days in DEFAULTS:
        DeadlineRule.objects.get_or_create(kind=kind, defaults={"days": days, "legal_basis": "信访工作条例（2022）"})


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
