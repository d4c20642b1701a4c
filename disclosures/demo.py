"""Demo disclosures in every state, entered and published through the services (audited, versioned).

Idempotent: records are keyed by decision number; a second run adds nothing.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from core.access import scope_for
from core.audit import actor_label
from core.choices import Action
from core.sweeps import end_due_publicity
from organizations.models import Organization, User

from . import services
from .models import LicenseDisclosure, PenaltyDisclosure
from .synthetic.generator import Generator, load_authorities


def _entry(kind: str, row: dict, organizations: dict) -> dict:
    """What a clerk would type, from a synthetic row (the generator's vocabulary, one source of truth)."""
    data = {name: row[name] for name in services.EDITABLE_FIELDS[kind] if name in row}
    data["authority"], data["data_source"] = organizations[row["authority_id"]], organizations[row["data_source_id"]]
    return data


@transaction.atomic
def seed_disclosures(*, penalties: int = 240, licenses: int = 80, seed: int = 2017) -> int:
    """Drafts (some overdue), published on time and late, corrected, withdrawn, publicity ended."""
    staff, reviewer = User.objects.get(username="staff"), User.objects.get(username="reviewer")
    # The demo clerk enters its own bureau's records; the others, decided all over the tree, are seeded
    # by the system (a clerk may enter records only for the bodies it works for).
    if PenaltyDisclosure.objects.filter(created_by_label__in=[actor_label(staff), actor_label(None)]).exists():
        return 0
    clerk_scope = scope_for(staff, Action.CHANGE)
    rng = random.Random(seed)
    today = timezone.localdate()
    authorities = load_authorities()
    weights = [weight for _authority, weight in authorities]
    generator = Generator(authorities=authorities, seed=seed, today=today, now=timezone.now())
    organizations = Organization.objects.in_bulk([authority.pk for authority, _weight in authorities])
    created = 0
    for kind, count, build in (("penalty", penalties, generator.penalty), ("license", licenses, generator.license)):
        for _number in range(count):
            authority = rng.choices(authorities, weights)[0][0]
            roll = rng.random()
            if roll < 0.08:
                age = rng.randrange(1, 25)  # a draft; overdue once past its seven working days
            elif roll < 0.11:
                age = rng.randrange(3 * 365 + 30, 4 * 365)  # old enough for its publicity to have ended
            else:
                age = rng.randrange(2, 500)
            decided_on = today - datetime.timedelta(days=age)
            data = _entry(kind, build(authority, decided_on), organizations)
            own = all(clerk_scope.covers(data[name].path) for name in services.ORGANIZATION_FIELDS)
            record = services.disclosure_create(kind=kind, data=data, actor=staff if own else None)
            created += 1
            if roll < 0.08:
                continue
            record = services.disclosure_publish(record=record, actor=reviewer)
            _backdate_publication(
                record, decided_on + datetime.timedelta(days=rng.choice([1, 2, 3, 5, 6, 8, 13])), today
            )
            if 0.90 < roll < 0.94:
                field = "penalty_content" if kind == "penalty" else "content"
                services.disclosure_correct(
                    record=record,
                    data={field: getattr(record, field) + "（更正）"},
                    reason="更正文字错误",
                    actor=reviewer,
                )
            elif roll >= 0.97:
                services.disclosure_withdraw(record=record, reason="经行政复议，原处理决定被撤销", actor=reviewer)
    end_due_publicity(today=today)
    return created


def _backdate_publication(record, published_on: datetime.date, today: datetime.date) -> None:
    """Demo only: make the history look lived-in (published days after the decision, mostly on time)."""
    from core.models import PublicationVersion

    published_on = min(published_on, today)
    moment = timezone.make_aware(datetime.datetime.combine(published_on, datetime.time(10, 30)))
    type(record).objects.filter(pk=record.pk).update(published_at=moment)
    PublicationVersion.objects.filter(record_type=record.record_type, record_id=record.pk).update(occurred_at=moment)
    record.published_at = moment


def counts() -> dict[str, int]:
    return {"penalties": PenaltyDisclosure.objects.count(), "licenses": LicenseDisclosure.objects.count()}
