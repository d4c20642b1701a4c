"""Integrity education (§2): the course catalogue, who completed what, and the handbook (诚信手册)."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.access import ScopedQuerySet
from core.imports.models import ImportJobBase
from core.models import TimeStampedModel
from organizations.models import CivilServant, Organization

from ..choices import CourseAudience


class Course(TimeStampedModel):
    title = models.CharField(_("title"), max_length=200)
    hours = models.DecimalField(
        _("hours"), max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    provider = models.CharField(_("provider"), max_length=100)  # e.g. 干部学习新干线, 市委党校
    mandatory = models.BooleanField(_("mandatory"), default=False)
    year = models.PositiveSmallIntegerField(_("year"))
    audience = models.CharField(
        _("audience"), max_length=16, choices=CourseAudience.choices, default=CourseAudience.ALL
    )
    # Who offers it: its personnel officers keep it; a city course is for everyone below.
    organization = models.ForeignKey(
        Organization, verbose_name=_("offered by"), on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["-year", "title"]
        indexes = [models.Index(fields=["year", "mandatory"], name="course_year_idx")]

    def __str__(self):
        return f"{self.year} · {self.title}"

    def audit_scope_path(self) -> str:
        return self.organization.path


class CompletionQuerySet(ScopedQuerySet):
    scope_path_field = "civil_servant__organization__path"


class Completion(models.Model):
    civil_servant = models.ForeignKey(
        CivilServant, verbose_name=_("civil servant"), on_delete=models.PROTECT, related_name="completions"
    )
    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="completions")
    completed_on = models.DateField(_("completed on"))
    hours = models.DecimalField(_("hours credited"), max_digits=5, decimal_places=1)
    source = models.CharField(_("source"), max_length=8, default="form")  # form | import
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by_label = models.CharField(_("recorded by"), max_length=200)

    objects = CompletionQuerySet.as_manager()

    class Meta:
        verbose_name = _("course completion")
        verbose_name_plural = _("course completions")
        ordering = ["-completed_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["civil_servant", "course"], name="completion_once")]
        indexes = [models.Index(fields=["course", "civil_servant"], name="completion_course_idx")]

    def __str__(self):
        return f"{self.civil_servant_id} · {self.course_id}"


class CompletionImport(ImportJobBase):
    """A CSV/XLSX file of completions (staff number, course, date): checked, then saved all or nothing."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("file"), upload_to="civil_servants/imports/%Y/%m/")
    saved_count = models.PositiveIntegerField(_("completions saved"), default=0)

    class Meta:
        verbose_name = _("completion import")
        verbose_name_plural = _("completion imports")
        ordering = ["-id"]

    def audit_scope_path(self) -> str:
        return self.organization.path


class HandbookPage(TimeStampedModel):
    """A page of the integrity handbook (诚信手册): its text lives in versions; the public reads the latest."""

    slug = models.SlugField(_("address"), max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_published = models.BooleanField(_("on public view"), default=False)

    class Meta:
        verbose_name = _("handbook page")
        verbose_name_plural = _("handbook pages")
        ordering = ["position", "id"]

    def __str__(self):
        return self.slug


class HandbookVersion(models.Model):
    page = models.ForeignKey(HandbookPage, verbose_name=_("page"), on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    edited_at = models.DateTimeField(_("edited at"), auto_now_add=True)
    edited_by_label = models.CharField(_("edited by"), max_length=200)

    class Meta:
        verbose_name = _("handbook page version")
        verbose_name_plural = _("handbook page versions")
        ordering = ["page_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["page", "number"], name="handbook_version_once")]

    def __str__(self):
        return f"{self.page_id} v{self.number}"
