"""Who entered a disclosure, as a principal key ("user:12", "client:5") for the four-eyes rule, which
compared display labels before. Existing rows get theirs from `created_by` (users) or from the label an
API client leaves ("api:<name>#<client id>"); rows entered by neither (the benchmark generator) keep none."""

import re
from collections import defaultdict

from django.db import migrations, models
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat

API_LABEL = re.compile(r"^api:.*#(\d+)$")
CHUNK = 10_000
APP, MODELS = "disclosures", ("PenaltyDisclosure", "LicenseDisclosure")


def fill_principals(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model(APP, name)
        model.objects.filter(created_by__isnull=False).update(
            created_by_principal=Concat(Value("user:"), Cast("created_by_id", CharField()))
        )
        by_client = defaultdict(list)
        labelled = model.objects.filter(created_by__isnull=True, created_by_label__startswith="api:")
        for pk, label in labelled.values_list("pk", "created_by_label").iterator():
            match = API_LABEL.match(label)
            if match:
                by_client[match.group(1)].append(pk)
        for client_id, pks in by_client.items():
            for start in range(0, len(pks), CHUNK):
                chunk = pks[start : start + CHUNK]
                model.objects.filter(pk__in=chunk).update(created_by_principal=f"client:{client_id}")


class Migration(migrations.Migration):

    dependencies = [
        ('disclosures', '0007_published_organization_names'),
    ]

    operations = [
        migrations.AddField(
            model_name='licensedisclosure',
            name='created_by_principal',
            field=models.CharField(blank=True, editable=False, max_length=40, verbose_name='entered by (principal)'),
        ),
        migrations.AddField(
            model_name='penaltydisclosure',
            name='created_by_principal',
            field=models.CharField(blank=True, editable=False, max_length=40, verbose_name='entered by (principal)'),
        ),
        migrations.RunPython(fill_principals, migrations.RunPython.noop),
    ]
