"""Integrity education pages: the course catalogue and its forms, completions (one by one here; from a file
in completion_imports), the yearly completion rates of one's subtree, and the handbook —
its public reading view (published pages, latest version, the version history) and the staff editor.

Staff pages are for personnel officers; an organization, course or import outside one's personnel scope
answers 404, exactly like one that does not exist.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.access import scope_for
from core.choices import Action
from organizations.models import CivilServant, Organization

from ..forms import CompletionForm, CourseForm, HandbookEditForm, HandbookPageForm
from ..models import Completion, HandbookPage, HandbookVersion
from ..selectors import education as selectors
from ..services import education as services
from . import completion_imports


def _require_personnel(request):
    if scope_for(request.user, Action.PERSONNEL).is_empty:
        raise PermissionDenied
    return Organization.objects.for_user(request.user, Action.PERSONNEL).filter(is_active=True)


def _put_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


# --- courses ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def course_list(request):
    _require_personnel(request)
    courses = services.courses_for_user(request.user).select_related("organization")
    year = request.GET.get("year", "")
    if year.isdigit():
        courses = courses.filter(year=int(year))
    return render(
        request,
        "civil_servants/education/course_list.html",
        {"courses": courses[:500], "year": year, "years": selectors.course_years()},
    )


@login_required
def course_create(request):
    organizations = _require_personnel(request)
    initial = {"year": timezone.localdate().year, "organization": request.user.organization_id, "is_active": True}
    form = CourseForm(request.POST or None, organizations=organizations, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.course_create(data=form.cleaned_data, actor=request.user)
        except ValidationError as error:
            _put_errors(form, error)
        else:
            messages.success(request, _("Course added to the catalogue."))
            return redirect("civil_servants:course_list")
    return render(request, "civil_servants/education/course_form.html", {"form": form, "course": None})


@login_required
def course_edit(request, pk: int):
    organizations = _require_personnel(request)
    course = get_object_or_404(services.courses_for_user(request.user), pk=pk)
    initial = {name: getattr(course, name) for name in services.COURSE_FIELDS}
    form = CourseForm(request.POST or None, organizations=organizations, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.course_update(course=course, data=form.cleaned_data, actor=request.user)
        except ValidationError as error:
            _put_errors(form, error)
        else:
            messages.success(request, _("Course saved."))
            return redirect("civil_servants:course_list")
    return render(request, "civil_servants/education/course_form.html", {"form": form, "course": course})


# --- completions -----------------------------------------------------------------------------------------


@login_required
def completion_create(request):
    _require_personnel(request)
    form = CompletionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        servant = (
            CivilServant.objects.in_scope(request.user, Action.PERSONNEL)
            .select_related("organization")
            .filter(staff_number=form.cleaned_data["staff_number"].strip())
            .first()
        )
        if servant is None:
            form.add_error("staff_number", _("No civil servant with this staff number is found among those you keep."))
        else:
            try:
                services.completion_record(
                    civil_servant=servant,
                    course=form.cleaned_data["course"],
                    completed_on=form.cleaned_data["completed_on"],
                    hours=form.cleaned_data["hours"],
                    actor=request.user,
                )
            except PermissionDenied:
                form.add_error("staff_number", _("This civil servant is outside your personnel scope."))
            except ValidationError as error:
                _put_errors(form, error)
            else:
                messages.success(request, _("Completion recorded."))
                return redirect("civil_servants:completion_create")
    recent = Completion.objects.in_scope(request.user, Action.PERSONNEL).select_related("civil_servant", "course")[:20]
    return render(request, "civil_servants/education/completion_form.html", {"form": form, "recent": recent})


# --- completion rates ------------------------------------------------------------------------------------


@login_required
@require_GET
def completion_rates(request):
    organizations = _require_personnel(request)
    roots = list(organizations.order_by("path"))
    if not roots:
        raise PermissionDenied
    chosen = request.GET.get("organization", "")
    root = roots[0]
    if chosen:
        root = next((o for o in roots if chosen.isdigit() and o.pk == int(chosen)), None)
        if root is None:
            raise Http404
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() else timezone.localdate().year
    rows = selectors.completion_rates(year=year, root=root)
    years = sorted({*selectors.course_years(), year}, reverse=True)
    return render(
        request,
        "civil_servants/education/rates.html",
        {"rows": rows, "root": root, "year": year, "years": years, "organizations": roots},
    )


# --- the handbook: public reading view -------------------------------------------------------------------


def _latest_versions(pages) -> dict[int, HandbookVersion]:
    """The latest version of each page, in one query."""
    latest: dict[int, HandbookVersion] = {}
    for version in HandbookVersion.objects.filter(page__in=list(pages)).order_by("page_id", "-number"):
        latest.setdefault(version.page_id, version)
    return latest


@require_GET
def handbook_index(request):
    pages = list(HandbookPage.objects.filter(is_published=True))
    latest = _latest_versions(pages)
    entries = [(page, latest[page.pk]) for page in pages if page.pk in latest]
    return render(request, "civil_servants/handbook/index.html", {"entries": entries})


@require_GET
def handbook_page(request, slug: str):
    page = get_object_or_404(HandbookPage, slug=slug, is_published=True)
    versions = list(page.versions.order_by("-number"))
    if not versions:
        raise Http404
    return render(
        request,
        "civil_servants/handbook/page.html",
        {"page": page, "version": versions[0], "versions": versions, "latest": versions[0]},
    )


@require_GET
def handbook_version(request, slug: str, number: int):
    page = get_object_or_404(HandbookPage, slug=slug, is_published=True)
    versions = list(page.versions.order_by("-number"))
    version = next((v for v in versions if v.number == number), None)
    if version is None:
        raise Http404
    return render(
        request,
        "civil_servants/handbook/page.html",
        {"page": page, "version": version, "versions": versions, "latest": versions[0]},
    )


# --- the handbook: the staff editor ----------------------------------------------------------------------


def _require_editor(request) -> None:
    if not services.may_edit_handbook(request.user):
        raise PermissionDenied


@login_required
@require_GET
def handbook_staff_list(request):
    _require_editor(request)
    pages = list(HandbookPage.objects.all())
    latest = _latest_versions(pages)
    entries = [(page, latest.get(page.pk)) for page in pages]
    return render(request, "civil_servants/handbook/staff_list.html", {"entries": entries})


@login_required
def handbook_staff_create(request):
    _require_editor(request)
    form = HandbookPageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            page = services.handbook_page_create(data=form.cleaned_data, actor=request.user)
        except ValidationError as error:
            _put_errors(form, error)
        else:
            messages.success(request, _("Page created; it is not on public view until you publish it."))
            return redirect("civil_servants:handbook_staff_page", pk=page.pk)
    return render(request, "civil_servants/handbook/staff_form.html", {"form": form, "page": None})


@login_required
def handbook_staff_page(request, pk: int):
    """One page for its editors: every version (kept, viewable), a form for the next, publishing."""
    _require_editor(request)
    page = get_object_or_404(HandbookPage, pk=pk)
    versions = list(page.versions.order_by("-number"))
    latest = versions[0] if versions else None
    initial = {"title": latest.title, "body": latest.body} if latest else {}
    form = HandbookEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.handbook_page_edit(page=page, data=form.cleaned_data, actor=request.user)
        except ValidationError as error:
            _put_errors(form, error)
        else:
            messages.success(request, _("Version %(number)d saved.") % {"number": version.number})
            return redirect("civil_servants:handbook_staff_page", pk=page.pk)
    shown = latest
    number = request.GET.get("version", "")
    if number.isdigit():
        shown = next((v for v in versions if v.number == int(number)), None)
        if shown is None:
            raise Http404
    return render(
        request,
        "civil_servants/handbook/staff_page.html",
        {"page": page, "versions": versions, "shown": shown, "latest": latest, "form": form},
    )


@login_required
@require_POST
def handbook_staff_publish(request, pk: int):
    _require_editor(request)
    page = get_object_or_404(HandbookPage, pk=pk)
    published = request.POST.get("published", "1") == "1"
    try:
        services.handbook_page_publish(page=page, actor=request.user, published=published)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The page is on public view.") if published else _("The page is off public view."))
    return redirect("civil_servants:handbook_staff_page", pk=page.pk)


urlpatterns = [
    path("staff/education/courses/", course_list, name="course_list"),
    path("staff/education/courses/new/", course_create, name="course_create"),
    path("staff/education/courses/<int:pk>/edit/", course_edit, name="course_edit"),
    path("staff/education/completions/new/", completion_create, name="completion_create"),
    path("staff/education/rates/", completion_rates, name="completion_rates"),
    *completion_imports.urlpatterns,
    path("handbook/", handbook_index, name="handbook_index"),
    path("handbook/<slug:slug>/", handbook_page, name="handbook_page"),
    path("handbook/<slug:slug>/versions/<int:number>/", handbook_version, name="handbook_version"),
    path("staff/handbook/", handbook_staff_list, name="handbook_staff_list"),
    path("staff/handbook/new/", handbook_staff_create, name="handbook_staff_create"),
    path("staff/handbook/<int:pk>/", handbook_staff_page, name="handbook_staff_page"),
    path("staff/handbook/<int:pk>/publish/", handbook_staff_publish, name="handbook_staff_publish"),
]
