"""Reading complaints: the work queues, near-duplicates for the intake officer, the complainant's view."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from core.access import scope_for
from core.choices import Action

from .choices import Status
from .models import Complaint, ComplaintEvent

DUPLICATE_WINDOW_DAYS = 30
DUPLICATE_CANDIDATES = 200
DUPLICATE_THRESHOLD = 0.3


def bigrams(text: str) -> set[str]:
    """Character pairs of the text's letters and digits: Chinese has no spaces to split words on, and
    pairs of characters carry most of its meaning."""
    kept = [ch for ch in (text or "").lower() if ch.isalnum()]
    return {kept[i] + kept[i + 1] for i in range(len(kept) - 1)}


def similarity(a: str, b: str) -> float:
    left, right = bigrams(a), bigrams(b)
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


@dataclass
class NearDuplicate:
    complaint: Complaint
    similarity: float


def near_duplicates(complaint: Complaint, *, limit: int = 10) -> list[NearDuplicate]:
    """Other complaints about the same organization, received within 30 days either side, not merged
    away, whose text is alike: candidates read by the (organization, received_on) index, compared here."""
    window = datetime.timedelta(days=DUPLICATE_WINDOW_DAYS)
    candidates = (
        Complaint.objects.filter(
            organization_id=complaint.organization_id,
            received_on__range=(complaint.received_on - window, complaint.received_on + window),
        )
        .exclude(pk=complaint.pk)
        .exclude(status=Status.MERGED)
        .only("id", "tracking_code", "title", "facts", "status", "received_on", "category")
        .order_by("-id")[:DUPLICATE_CANDIDATES]
    )
    text = f"{complaint.title} {complaint.facts}"
    found = [NearDuplicate(other, round(similarity(text, f"{other.title} {other.facts}"), 2)) for other in candidates]
    found = [item for item in found if item.similarity >= DUPLICATE_THRESHOLD]
    found.sort(key=lambda item: (-item.similarity, -item.complaint.pk))
    return found[:limit]


def intake_queue(user):
    """Received and awaiting a decision, within the intake officer's scope, the soonest deadline first."""
    scope = scope_for(user, Action.INTAKE)
    queryset = Complaint.objects.filter(status=Status.RECEIVED)
    if scope.is_empty:
        return queryset.none()
    if not scope.everything:
        queryset = queryset.filter(scope.q("organization__path"))
    return queryset.select_related("organization")


def handling_queue(user):
    """Accepted complaints the user's organization handles (staff), or that the user supervises."""
    return (
        Complaint.objects.for_user(user)
        .filter(status__in=[Status.ACCEPTED, Status.REVIEW_REQUESTED])
        .select_related("organization", "handling_organization")
    )


def public_timeline(complaint: Complaint) -> list[ComplaintEvent]:
    """What the complainant reads: the public steps of their complaint (a merged one's own steps include the
    replies of the one it follows, copied when given)."""
    return list(ComplaintEvent.objects.filter(complaint=complaint, public=True).order_by("id"))
