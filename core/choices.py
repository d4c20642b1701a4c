from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Statutory holiday (day off)")
    WORKDAY = "workday", _("Make-up working day (调休上班)")


class CalendarYearState(models.TextChoices):
    """How much of a year's holidays the calendar knows."""

    COMPLETE = "complete", _("Complete")
    # Some days are in the holiday table, but nobody said the year's notice is all there.
    PARTIAL = "partial", _("Partial")
    UNKNOWN = "unknown", _("Unknown")


class Action(models.TextChoices):
    """What a principal wants to do with a record; the access rule turns it into a scope."""

    VIEW = "view", _("view")
    CHANGE = "change", _("enter and edit")
    REVIEW = "review", _("review and publish")
    SUPERVISE = "supervise", _("supervise")
    PERSONNEL = "personnel", _("manage civil servants' files")
    INTAKE = "intake", _("take in complaints")
    ADMINISTER = "administer", _("administer")
    # Rules that hold for the whole city (publicity periods …): set at city level only, read by everyone.
    SET_CITY_RULES = "set_city_rules", _("change city-wide rules")
