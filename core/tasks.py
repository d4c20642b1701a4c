import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from . import calendar

logger = logging.getLogger(__name__)

# Mismatches kept with each nightly check and named in the alert; all of them are counted.
LEDGER_CHECK_MAX_REPORT = 200


@shared_task(acks_late=True, reject_on_worker_lost=True)
def recompute_deadlines(years: list[int]) -> dict[str, int]:
    """Recount open deadlines in `years` after the holiday table changed. Idempotent."""
    moved = {}
    for name, recompute in calendar.deadline_recomputers().items():
        moved[name] = recompute(years)
        logger.info("recomputed %s deadlines for %s: %s moved", name, years, moved[name])
    return moved


@shared_task(acks_late=True, reject_on_worker_lost=True)
def end_due_publicity() -> int:
    """Hourly: every registered record type past its publicity period leaves public view. Idempotent."""
    from .sweeps import end_due_publicity as sweep

    return sweep()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def warn_missing_holiday_calendar(today: str | None = None) -> int:
    """Each autumn, remind administrators to load next year's holidays (and mark the year complete)
    before deadlines reach it."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    if day.month not in settings.HOLIDAY_WARNING_MONTHS:
        return 0
    next_year = day.year + 1
    if calendar.year_is_known(next_year):
        return 0
    administrators = import_string(settings.ADMINISTRATORS_SELECTOR)()
    from django.utils.translation import gettext as _

    from .services import notify

    return notify(
        recipients=administrators,
        kind="calendar.missing_year",
        subject=_("The holidays of %(year)s are not loaded yet") % {"year": next_year},
        body=_(
            "Deadlines that reach into %(year)s are counted by weekends only and marked provisional. "
            "Load the State Council holiday notice for %(year)s in the holiday table and mark the year complete."
        )
        % {"year": next_year},
        link="/staff/calendar/",
        dedupe_key=f"calendar-missing-{next_year}-{day:%Y-%m}",
        email=True,
    )


@shared_task(acks_late=True, reject_on_worker_lost=True)
def verify_ledger() -> dict:
    """Nightly: recompute the whole ledger, keep the outcome, alert when anything does not match.

    Idempotent: a second run writes another check row, and the alert's dedupe key (the findings
    themselves) makes a repeated alert for the same findings a no-op.
    """
    import hashlib

    from django.utils.translation import gettext as _

    from . import ledger
    from .models import LedgerCheck
    from .services import notify

    # The operators' parallel check (one process per core on one snapshot), from inside the worker.
    report = ledger.verify_ledger(max_report=LEDGER_CHECK_MAX_REPORT)
    check = LedgerCheck.objects.create(
        started_at=report.started_at,
        finished_at=report.finished_at,
        ok=report.ok,
        head_seq=report.head_seq,
        head_hash=report.head_hash,
        entries_checked=report.entries_checked,
        records_checked=report.records_checked,
        mismatch_count=report.mismatch_count,
        mismatches=[mismatch.as_dict() for mismatch in report.mismatches],
        workers=report.workers,
    )
    logger.info(
        "ledger verified in %.1f s by %s process(es): %s entries, %s records, %s mismatches",
        report.seconds,
        report.workers,
        report.entries_checked,
        report.records_checked,
        report.mismatch_count,
    )
    if not report.ok:
        # The same findings night after night raise one alert; anything new raises another.
        findings = [(m.problem, m.seq, m.record_type, m.record_id) for m in report.mismatches]
        digest = hashlib.sha256(repr((report.mismatch_count, findings)).encode()).hexdigest()[:32]
        shown = report.mismatches[:20]
        notify(
            recipients=import_string(settings.LEDGER_ALERT_SELECTOR)(),
            kind="ledger.mismatch",
            subject=_("The publication ledger does not verify: %(count)d mismatches")
            % {"count": report.mismatch_count},
            body="\n".join(
                [
                    _(
                        "The nightly check recomputed %(entries)d entries and compared %(records)d records with "
                        "their latest entries. What does not match:"
                    )
                    % {"entries": report.entries_checked, "records": report.records_checked},
                    *(str(mismatch) for mismatch in shown),
                    *(
                        [_("… and %(count)d more.") % {"count": report.mismatch_count - len(shown)}]
                        if report.mismatch_count > len(shown)
                        else []
                    ),
                ]
            ),
            link="/ledger/",
            dedupe_key=f"ledger-mismatch-{digest}",
            email=True,
        )
    return {"check": check.pk, "ok": report.ok, "entries": report.entries_checked, "mismatches": report.mismatch_count}
