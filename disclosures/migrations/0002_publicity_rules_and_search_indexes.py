"""Default publicity rules (editable data, DESIGN.md §4) and PostgreSQL-only search indexes."""

from django.db import migrations

# Newer local rules under the national credit-repair measures: at least 3 months, at most 3 years;
# at least one year for special equipment, work safety and fire safety.
PENALTY_KINDS = {
    "warning": "警告", "public_criticism": "通报批评", "fine": "罚款",
    "confiscation_of_illegal_gains": "没收违法所得", "confiscation_of_illegal_property": "没收非法财物",
    "license_suspension": "暂扣许可证件", "qualification_downgrade": "降低资质等级",
    "license_revocation": "吊销许可证件", "business_restriction": "限制开展生产经营活动",
    "production_suspension": "责令停产停业", "closure": "责令关闭", "practice_restriction": "限制从业",
    "detention": "行政拘留", "other": "其他",
}
DOMAINS = {"special_equipment": "特种设备", "work_safety": "安全生产", "fire_safety": "消防安全"}

SEARCH_INDEXES = [
    ("disclosures_penaltydisclosure", "penalty_subject_grams_gin"),
    ("disclosures_licensedisclosure", "license_subject_grams_gin"),
]


def load_rules(apps, schema_editor):
    PublicityRule = apps.get_model("core", "PublicityRule")
    rows = [("kind:" + key, f"处罚类别：{label}", 3, 36) for key, label in PENALTY_KINDS.items()]
    rows += [("domain:" + key, f"安全领域：{label}", 12, 36) for key, label in DOMAINS.items()]
    for key, label, low, high in rows:
        PublicityRule.objects.get_or_create(
            record_type="penalty", key=key, defaults={"label": label, "min_months": low, "max_months": high}
        )


def unload_rules(apps, schema_editor):
    apps.get_model("core", "PublicityRule").objects.filter(record_type="penalty").delete()


def create_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite (embedded mode) searches with LIKE
    for table, name in SEARCH_INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
            f"USING gin (array_to_tsvector(string_to_array(\"subject_grams\", ' ')))"
        )
    schema_editor.execute(
        'CREATE INDEX IF NOT EXISTS "penalty_kinds_gin" ON "disclosures_penaltydisclosure" '
        'USING gin ("penalty_kinds" jsonb_path_ops)'
    )


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, name in [*SEARCH_INDEXES, (None, "penalty_kinds_gin")]:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_publicityrule_publicationversion"),
        ("disclosures", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load_rules, unload_rules),
        migrations.RunPython(create_search_indexes, drop_search_indexes),
    ]
