"""Default publicity periods for dishonesty records (the 2019 national rule): general 3–12 months,
serious 6–36 months. Supervisors edit them; the defaults are data, not constants."""

from django.db import migrations

DEFAULTS = [
    ("severity:general", "政务失信（一般）", 3, 12),
    ("severity:serious", "政务失信（严重）", 6, 36),
]


def load(apps, schema_editor):
    PublicityRule = apps.get_model("core", "PublicityRule")
    for key, label, low, high in DEFAULTS:
        PublicityRule.objects.get_or_create(
            record_type="dishonesty", key=key, defaults={"label": label, "min_months": low, "max_months": high}
        )


def unload(apps, schema_editor):
    apps.get_model("core", "PublicityRule").objects.filter(record_type="dishonesty").delete()


class Migration(migrations.Migration):
    dependencies = [("dishonesty_records", "0001_initial"), ("core", "0003_publicityrule_publicationversion")]

    operations = [migrations.RunPython(load, unload)]
