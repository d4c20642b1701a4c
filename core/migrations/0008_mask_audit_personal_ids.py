"""Mask the natural persons' ID numbers that audit rows written before core.audit masked them hold.

Disclosure create/update/correct rows snapshotted `subject_id_number` and
`legal_representative_id_number` whole, where every supervisor's audit page showed them. The rows
keep who did what, when and to which record; only the numbers become masked (330106********1234),
as new rows are written. Audit rows are not the ledger: no hash covers them, and the numbers stay
whole on the records themselves, behind the audited reveal.
"""

from django.db import migrations
from django.db.models import Q

# The personal fields as they were named when this migration was written (frozen on purpose: the
# models' `personal_data_fields` may grow, this migration must not change meaning).
PERSONAL_FIELDS = ("subject_id_number", "legal_representative_id_number", "resident_id")
BATCH_SIZE = 2000


def mask_personal_ids(apps, schema_editor):
    from core.audit import mask_personal_data

    AuditEvent = apps.get_model("core", "AuditEvent")
    events = AuditEvent.objects.using(schema_editor.connection.alias)
    names = frozenset(PERSONAL_FIELDS)
    holding = Q(before__has_any_keys=list(PERSONAL_FIELDS)) | Q(after__has_any_keys=list(PERSONAL_FIELDS))
    last_id = 0
    while True:
        batch = list(events.filter(holding, pk__gt=last_id).order_by("pk").only("pk", "before", "after")[:BATCH_SIZE])
        if not batch:
            break
        changed = []
        for event in batch:
            before, after = mask_personal_data(event.before, names), mask_personal_data(event.after, names)
            if before != event.before or after != event.after:
                event.before, event.after = before, after
                changed.append(event)
        events.bulk_update(changed, ["before", "after"])
        last_id = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [("core", "0007_ledger_national_commitment")]

    # Masked digits cannot be given back; going back leaves the rows masked.
    operations = [migrations.RunPython(mask_personal_ids, migrations.RunPython.noop)]
