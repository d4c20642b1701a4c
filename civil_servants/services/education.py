"""Integrity education (§2): the course catalogue, completions, and the versioned handbook (诚信手册).

Courses are kept by the personnel officers over the organization that offers them; a completion is
recorded by a personnel officer over the servant. A handbook page never loses a word: every edit is a new
`HandbookVersion` with the next number and a note; the public reads the latest version of published pages.
The handbook is the city's, so it is edited by personnel officers at city level (and administrators).
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.access import require_in_scope, scope_for
from core.audit import actor_label, audit_log
from core.choices import Action
from organizations.models import CivilServant, Organization

from ..choices import CourseAudience
from ..models import Completion, Course, HandbookPage, HandbookVersion
from .assessment import rescore_soon

MIN_COURSE_YEAR = 2000
MAX_HOURS = Decimal("999.9")
COURSE_FIELDS = ("title", "hours", "provider", "mandatory", "year", "audience", "organization", "is_active")


def _hours(value, errors: dict, field: str = "hours", *, required: bool = True) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[field] = [_("Give the hours.")]
        return None
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors[field] = [_("Give the hours as a number, such as 2 or 1.5.")]
        return None
    if not hours.is_finite() or hours < Decimal("0.5") or hours > MAX_HOURS:
        errors[field] = [_("Hours are from 0.5 to 999.9.")]
        return None
    if hours != hours.quantize(Decimal("0.1")):
        errors[field] = [_("Give the hours to one decimal place at most.")]
        return None
    return hours.quantize(Decimal("0.1"))


def _clean_course(data: dict) -> dict:
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}
    title = (data.get("title") or "").strip()
    if len(title) < 2:
        errors["title"] = [_("Give the course's title.")]
    elif len(title) > 200:
        errors["title"] = [_("The title is at most 200 characters.")]
    cleaned["title"] = title
    cleaned["hours"] = _hours(data.get("hours"), errors)
    provider = (data.get("provider") or "").strip()
    if not provider:
        errors["provider"] = [_("Name the provider (for example 干部学习新干线).")]
    elif len(provider) > 100:
        errors["provider"] = [_("The provider is at most 100 characters.")]
    cleaned["provider"] = provider
    year = data.get("year")
    try:
        year = int(year)
    except (TypeError, ValueError):
        errors["year"] = [_("Give the year, such as 2026.")]
        year = None
    else:
        if not MIN_COURSE_YEAR <= year <= timezone.localdate().year + 1:
            errors["year"] = [_("Give a year from 2000 to next year.")]
    cleaned["year"] = year
    audience = data.get("audience") or CourseAudience.ALL
    if audience not in CourseAudience.values:
        errors["audience"] = [_("Choose the audience.")]
    cleaned["audience"] = audience
    organization = data.get("organization")
    if not isinstance(organization, Organization):
        errors["organization"] = [_("Choose the organization that offers the course.")]
    cleaned["organization"] = organization
    cleaned["mandatory"] = bool(data.get("mandatory"))
    cleaned["is_active"] = bool(data.get("is_active", True))
    if errors:
        raise ValidationError(errors)
    return cleaned


def _require_course_keeper(actor, organization) -> None:
    require_in_scope(
        actor,
        {"organization": organization},
        actions=[Action.PERSONNEL],
        message=_("You may only keep courses offered by organizations in your personnel scope."),
    )


def _snapshot(course: Course) -> dict:
    return {
        "title": course.title,
        "hours": str(course.hours),
        "provider": course.provider,
        "mandatory": course.mandatory,
        "year": course.year,
        "audience": course.audience,
        "organization": course.organization_id,
        "is_active": course.is_active,
    }


@transaction.atomic
def course_create(*, data: dict, actor) -> Course:
    cleaned = _clean_course(data)
    _require_course_keeper(actor, cleaned["organization"])
    course = Course.objects.create(**cleaned)
    audit_log(actor=actor, action="civil_servants.course.create", target=course, after=_snapshot(course))
    return course


@transaction.atomic
def course_update(*, course: Course, data: dict, actor) -> Course:
    course = Course.objects.select_for_update().select_related("organization").get(pk=course.pk)
    _require_course_keeper(actor, course.organization)
    cleaned = _clean_course({**_snapshot_values(course), **data})
    _require_course_keeper(actor, cleaned["organization"])
    if cleaned["year"] != course.year and course.completions.filter(completed_on__year__lt=cleaned["year"]).exists():
        raise ValidationError({"year": [_("Completions recorded before that year would fall outside the course.")]})
    before = _snapshot(course)
    for name, value in cleaned.items():
        setattr(course, name, value)
    course.save()
    audit_log(actor=actor, action="civil_servants.course.update", target=course, before=before, after=_snapshot(course))
    return course


def _snapshot_values(course: Course) -> dict:
    return {name: getattr(course, name) for name in COURSE_FIELDS}


def courses_for_user(user):
    """Courses offered by organizations in the user's personnel scope."""
    scope = scope_for(user, Action.PERSONNEL)
    if scope.everything:
        return Course.objects.all()
    if scope.is_empty:
        return Course.objects.none()
    return Course.objects.filter(scope.q("organization__path"))


def course_applies_to(course: Course, servant: CivilServant) -> bool:
    """A course is for the servants of its organization and everything below it."""
    return servant.organization.path.startswith(course.organization.path)


def clean_completion(
    *, civil_servant, course, completed_on, hours=None, today: datetime.date | None = None
) -> tuple[dict, dict]:
    """(cleaned values, field errors) of a completion, without touching the database beyond what is given."""
    errors: dict[str, list[str]] = {}
    today = today or timezone.localdate()
    if not isinstance(civil_servant, CivilServant):
        errors["civil_servant"] = [_("Choose the civil servant.")]
    if not isinstance(course, Course):
        errors["course"] = [_("Choose the course.")]
    if not isinstance(completed_on, datetime.date):
        errors["completed_on"] = [_("Give the date the course was completed.")]
    elif completed_on > today:
        errors["completed_on"] = [_("A completion cannot be dated in the future.")]
    elif isinstance(course, Course) and completed_on.year < course.year:
        errors["completed_on"] = [
            _("The course is of %(year)d: it cannot have been completed before.") % {"year": course.year}
        ]
    credited = _hours(hours, errors, required=False)
    if credited is None and "hours" not in errors and isinstance(course, Course):
        credited = course.hours
    if isinstance(course, Course) and credited is not None and credited > course.hours:
        errors["hours"] = [_("At most the course's %(hours)s hours can be credited.") % {"hours": course.hours}]
    if isinstance(course, Course) and not course.is_active and "course" not in errors:
        errors["course"] = [_("This course is no longer offered.")]
    applies = isinstance(course, Course) and isinstance(civil_servant, CivilServant)
    if applies and "course" not in errors and not course_applies_to(course, civil_servant):
        errors["course"] = [_("This course is not offered to the servant's organization.")]
    return {"civil_servant": civil_servant, "course": course, "completed_on": completed_on, "hours": credited}, errors


def _require_servant_in_scope(actor, servant: CivilServant) -> None:
    if actor is None:
        return
    if not scope_for(actor, Action.PERSONNEL).covers(servant.organization.path):
        raise PermissionDenied(_("This civil servant is outside your personnel scope."))


@transaction.atomic
def completion_record(
    *,
    civil_servant,
    course,
    completed_on,
    hours=None,
    actor,
    source: str = "form",
    audit: bool = True,
    rescore: bool = True,
) -> Completion:
    """One servant completed one course. Hours default to the course's; not before its year, not in the
    future; once per servant and course; only by a personnel officer over the servant."""
    if isinstance(civil_servant, CivilServant):
        _require_servant_in_scope(actor, civil_servant)
    cleaned, errors = clean_completion(
        civil_servant=civil_servant, course=course, completed_on=completed_on, hours=hours
    )
    if not errors and Completion.objects.filter(civil_servant=civil_servant, course=course).exists():
        errors["course"] = [_("This completion is already recorded.")]
    if errors:
        raise ValidationError(errors)
    completion = Completion.objects.create(**cleaned, source=source, recorded_by_label=actor_label(actor)[:200])
    if audit:
        audit_log(
            actor=actor,
            action="civil_servants.completion.record",
            target=completion,
            after={
                "civil_servant": civil_servant.pk,
                "course": course.pk,
                "completed_on": completed_on.isoformat(),
                "hours": str(completion.hours),
                "source": source,
            },
            scope_path=civil_servant.organization.path,
        )
    if rescore:  # an import rescores its servants once, at the end (rescore=False per row)
        rescore_soon([civil_servant.pk])
    return completion


# --- the handbook -------------------------------------------------------------------------------------


def may_edit_handbook(actor) -> bool:
    """The handbook is the city's: personnel officers at city level, and administrators."""
    if actor is None:
        return True
    scope = scope_for(actor, Action.PERSONNEL)
    return scope.everything or any(len(path) == Organization.steplen for path in scope.subtree_paths)


def _require_handbook_editor(actor) -> None:
    if not may_edit_handbook(actor):
        raise PermissionDenied(_("Only the city's personnel officers edit the handbook."))


def _clean_text(data: dict, errors: dict) -> tuple[str, str, str]:
    title = (data.get("title") or "").strip()
    body = (data.get("body") or "").strip()
    note = (data.get("note") or "").strip()
    if not title:
        errors["title"] = [_("Give the page's title.")]
    elif len(title) > 200:
        errors["title"] = [_("The title is at most 200 characters.")]
    if len(body) < 5:
        errors["body"] = [_("Write the page's text (at least 5 characters).")]
    if len(note) > 200:
        errors["note"] = [_("The note is at most 200 characters.")]
    return title, body, note


@transaction.atomic
def handbook_page_create(*, data: dict, actor) -> HandbookPage:
    """A new page with its first version; not on public view until published."""
    _require_handbook_editor(actor)
    errors: dict[str, list[str]] = {}
    title, body, note = _clean_text(data, errors)
    slug = (data.get("slug") or "").strip() or slugify(title)
    if not slug or slugify(slug) != slug or len(slug) > 80:
        errors["slug"] = [_("Give an address of lower-case letters, digits and hyphens, such as integrity-basics.")]
    elif HandbookPage.objects.filter(slug=slug).exists():
        errors["slug"] = [_("Another page has this address.")]
    position = data.get("position") or 0
    try:
        position = int(position)
        if position < 0:
            raise ValueError
    except (TypeError, ValueError):
        errors["position"] = [_("Give the position as a whole number from 0.")]
    if errors:
        raise ValidationError(errors)
    page = HandbookPage.objects.create(slug=slug, position=position)
    version = HandbookVersion.objects.create(
        page=page,
        number=1,
        title=title,
        body=body,
        note=note or _("First version"),
        edited_by_label=actor_label(actor)[:200],
    )
    audit_log(actor=actor, action="civil_servants.handbook_page.create", target=page, after={"version": version.number})
    return page


@transaction.atomic
def handbook_page_edit(*, page: HandbookPage, data: dict, actor) -> HandbookVersion:
    """A new version with the next number and a note saying what changed; the older ones stay."""
    _require_handbook_editor(actor)
    page = HandbookPage.objects.select_for_update().get(pk=page.pk)
    errors: dict[str, list[str]] = {}
    title, body, note = _clean_text(data, errors)
    if not note and "note" not in errors:
        errors["note"] = [_("Say what changed in this version.")]
    latest = page.versions.order_by("-number").first()
    if not errors and latest and (latest.title, latest.body) == (title, body):
        errors["body"] = [_("Nothing changed since the latest version.")]
    if errors:
        raise ValidationError(errors)
    number = (page.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    version = HandbookVersion.objects.create(
        page=page, number=number, title=title, body=body, note=note, edited_by_label=actor_label(actor)[:200]
    )
    page.save(update_fields=["updated_at"])
    audit_log(
        actor=actor,
        action="civil_servants.handbook_page.edit",
        target=page,
        before={"version": number - 1},
        after={"version": number, "note": note},
    )
    return version


@transaction.atomic
def handbook_page_publish(*, page: HandbookPage, actor, published: bool = True) -> HandbookPage:
    """Put a page on public view (or take it off): the public reads its latest version."""
    _require_handbook_editor(actor)
    page = HandbookPage.objects.select_for_update().get(pk=page.pk)
    if page.is_published == published:
        raise ValidationError(
            _("The page is already on public view.") if published else _("The page is not on public view."),
            code="illegal_transition",
        )
    page.is_published = published
    page.save(update_fields=["is_published", "updated_at"])
    audit_log(
        actor=actor,
        action="civil_servants.handbook_page.publish" if published else "civil_servants.handbook_page.unpublish",
        target=page,
        after={"is_published": published},
    )
    return page
