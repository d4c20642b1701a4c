"""Demo dishonesty records in every display state, made through the services as the demo log-ins would make them.

Idempotent: a demo record is known by its source document number, so a second run adds nothing.

Who does what (organizations/demo.py): `staff` and `reviewer` answer for 杭州市市场监督管理局, `xihu_staff` and
`xihu_reviewer` for 西湖区市场监管局; `supervisor` (city) and `xihu_supervisor` (西湖区) propose and rule, never
on what they proposed themselves. Bodies without demo log-ins (西湖区政府, 西湖区财政局, 北山街道…) cannot waive
their objection period, so for them it is moved to yesterday before the ruling — see `_period_over`.

States that need the past are reached without faking a service: a determination may be dated in the past, so
the minimum publicity period of the repaired and repair-pending records, and the whole period of the ended one,
are already over; only the overdue record's deadlines are moved back (`_deadlines_passed`) before the sweep runs.
E-mail copies of the notices are not sent while seeding; the in-app notices are kept.
"""

from __future__ import annotations

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from organizations.models import CivilServant, Organization, User

from .. import services
from ..models import DishonestyRecord
from .cast import Cast, _file
from .records import RECORDS


def seed_dishonesty_records() -> int:
    """Make the demo records that are not there yet; returns how many were made."""
    today = timezone.localdate()
    known = set(
        DishonestyRecord.objects.filter(source_document_number__in=[r.number for r in RECORDS]).values_list(
            "source_document_number", flat=True
        )
    )
    missing = [r for r in RECORDS if r.number not in known]
    if not missing:
        return 0
    cast = Cast(
        today=today,
        users={u.username: u for u in User.objects.filter(username__in=_usernames())},
        organizations={o.short_name: o for o in Organization.objects.filter(short_name__in=_subjects())},
        people={p.name: p for p in CivilServant.objects.filter(name__in=_subjects()).select_related("organization")},
    )
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"), transaction.atomic():
        for demo in missing:
            record = services.record_propose(
                data=demo.data(cast),
                actor=cast.users[demo.proposer],
                files=[_file("来源文书.pdf", f"{demo.issuing_body} {demo.number}")],
            )
            demo.carry(record, cast)
    return len(missing)


def _usernames() -> set[str]:
    return {"staff", "reviewer", "xihu_staff", "xihu_reviewer", "supervisor", "xihu_supervisor"}


def _subjects() -> set[str]:
    return {r.subject for r in RECORDS}
