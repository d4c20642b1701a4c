import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from . import calendar

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def recompute_deadlines(years: list[int]) -> dict[str, int]:
    """Recount open deadlines in `years` after the holiday table changed. Idempotent."""
    moved = {}
    for name, recompute in calendar.deadline_recomputers().items():
        moved[name] = recompute(years)
        logger.info("recomputed %s deadlines for %s: %s moved", name, years, moved[name])
    return moved


@shared_task(acks_late=True, reject_on_worker_lost=True)
def warn_missing_holiday_calendar(today: str | None = None) -> int:
    """Each autumn, remind administrators to load next year's holidays before deadlines reach it."""
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
            "Load the State Council holiday notice for %(year)s in the holiday table."
        )
        % {"year": next_year},
        link="/staff/calendar/",
        dedupe_key=f"calendar-missing-{next_year}-{day:%Y-%m}",
        email=True,
    )
