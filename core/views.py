from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import calendar
from .access import may_set_city_rules, scope_for
from .choices import Action
from .forms import AuditFilterForm, CalendarImportForm
from .health import check_broker, check_database
from .ledger import current_head
from .ledger.forms import RecordLookupForm, record_type_choices
from .ledger.lookup import check_record
from .models import AuditEvent, CalendarDay, LedgerCheck, Notification, PublicityRule
from .pagination import keyset_page
from .services import (
    calendar_days_import,
    calendar_year_mark_complete,
    notification_mark_read,
    parse_calendar_days,
    publicity_rule_update,
)


@never_cache
@require_GET
def healthz(request):
    database_ok, database_detail = check_database()
    broker_ok, broker_detail = check_broker()
    healthy = database_ok and broker_ok
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            "database": {"ok": database_ok, "detail": database_detail},
            "broker": {"ok": broker_ok, "detail": broker_detail},
        },
        status=200 if healthy else 503,
    )


@login_required
@require_GET
def audit_list(request):
    events = AuditEvent.objects.for_user(request.user, Action.SUPERVISE).select_related("actor", "target_type")
    if scope_for(request.user, Action.SUPERVISE).is_empty:
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    if form.is_valid():
        events = form.filter(events)
    page = keyset_page(events, request, key="id")
    return render(request, "core/audit_list.html", {"page": page, "form": form})


@login_required
@require_GET
def audit_detail(request, pk: int):
    event = get_object_or_404(
        AuditEvent.objects.for_user(request.user, Action.SUPERVISE).select_related("actor", "target_type"), pk=pk
    )
    return render(request, "core/audit_detail.html", {"event": event})


@login_required
@require_GET
def notification_list(request):
    notices = Notification.objects.filter(recipient=request.user)
    page = keyset_page(notices, request, key="id")
    return render(request, "core/notification_list.html", {"page": page})


@login_required
@require_POST
def notification_read(request, pk: int):
    notice = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notification_mark_read(notification=notice, actor=request.user)
    if notice.link and notice.link.startswith("/"):
        return redirect(notice.link)
    return redirect("core:notifications")


def _require_administrator(user) -> None:
    if not scope_for(user, Action.ADMINISTER).everything:
        raise PermissionDenied


@login_required
def calendar_admin(request):
    _require_administrator(request.user)
    form = CalendarImportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            days = parse_calendar_days(form.cleaned_data["lines"])
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("lines", message)
        else:
            count = calendar_days_import(
                days=days,
                source=form.cleaned_data["source"],
                complete=form.cleaned_data["complete"],
                actor=request.user,
            )
            messages.success(
                request, _("%(count)d calendar days saved; open deadlines are being recounted.") % {"count": count}
            )
            return redirect("core:calendar")
    this_year = timezone.localdate().year
    return render(
        request,
        "core/calendar_admin.html",
        {
            "form": form,
            "years": calendar.year_summaries(range(this_year - 1, this_year + 3)),
            "days": CalendarDay.objects.order_by("-date")[:60],
        },
    )


@login_required
@require_POST
def calendar_year_complete(request, year: int):
    """An administrator declares a partial year's table complete (the whole notice is in)."""
    _require_administrator(request.user)
    try:
        calendar_year_mark_complete(year=year, source=request.POST.get("source", "").strip(), actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("%(year)d is marked complete; deadlines through it are being recounted.") % {"year": year},
        )
    return redirect("core:calendar")


@login_required
def publicity_rules(request):
    """Everyone with a role reads the publicity periods; the city's supervisors and administrators change them."""
    if scope_for(request.user, Action.VIEW).is_empty:
        raise PermissionDenied
    can_edit = may_set_city_rules(request.user)
    rules = list(PublicityRule.objects.all())
    errors = {}
    if request.method == "POST":
        # Who may change a rule is the service's to decide: a reader's POST ends there in PermissionDenied (403).
        rule = get_object_or_404(PublicityRule, pk=request.POST.get("rule"))
        try:
            publicity_rule_update(
                rule=rule,
                min_months=_int(request.POST.get("min_months")),
                max_months=_int(request.POST.get("max_months")),
                actor=request.user,
            )
        except ValidationError as exc:
            errors = {"rule": rule.pk, **exc.message_dict}
        else:
            messages.success(request, _("Rule saved. It applies to records entered or corrected from now on."))
            return redirect("core:publicity_rules")
    return render(request, "core/publicity_rules.html", {"rules": rules, "errors": errors, "can_edit": can_edit})


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@require_GET
def ledger(request):
    """The publication ledger in public: its head, how to recompute it, and a check of one record."""
    asked = "record_type" in request.GET or "record_id" in request.GET
    form = RecordLookupForm(request.GET if asked else None)
    check = None
    if asked and form.is_valid():
        check = check_record(form.cleaned_data["record_type"], form.cleaned_data["record_id"], principal=request.user)
    return render(
        request,
        "core/ledger.html",
        {
            "head": current_head(),
            "last_check": LedgerCheck.objects.only("finished_at", "ok", "entries_checked").first(),
            "form": form,
            "check": check,
            "record_type_label": dict(record_type_choices()).get(check.record_type) if check else "",
        },
    )
