"""The nightly integrity-score recompute (import it from civil_servants.tasks so Celery finds it)."""

from __future__ import annotations

from celery import shared_task

from .services import assessment


@shared_task(name="civil_servants.recompute_integrity_scores", acks_late=True, reject_on_worker_lost=True)
def recompute_integrity_scores() -> int:
    """Set-based and idempotent: a second run the same day writes nothing."""
    return assessment.score_recompute_all()


@shared_task(name="civil_servants.recompute_integrity_scores_of", acks_late=True, reject_on_worker_lost=True)
def recompute_integrity_scores_of(civil_servant_ids: list[int]) -> int:
    """At once when an input changes: one task per batch of servant ids (enqueue with delay_on_commit)."""
    return assessment.score_recompute_many(civil_servant_ids)
