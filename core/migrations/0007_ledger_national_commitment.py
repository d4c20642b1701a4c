"""Ledger entries commit to the national (pushed) document as well: HMAC-SHA256 under a secret key.

Entries appended before keep NULL and their old recipe (the entry hash leaves the field out), so
nothing already written changes: adding a nullable column rewrites no row and fires no row trigger.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_calendar_years"),
    ]

    operations = [
        migrations.AddField(
            model_name="ledgerentry",
            name="national_commitment",
            field=models.CharField(
                blank=True, max_length=64, null=True, verbose_name="national document commitment"
            ),
        ),
    ]
