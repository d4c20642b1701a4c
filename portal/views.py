from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.access import scope_for
from core.choices import Action
from core.ledger.chain import current_head
from core.models import LedgerCheck
from dishonesty_records.selectors import integrity_watch
from organizations.choices import OrganizationKind
from organizations.models import Organization
from sharing.selectors import push_summary


@require_GET
def home(request):
    districts = Organization.objects.public().filter(kind=OrganizationKind.GOVERNMENT, depth=2).only("id", "name")
    return render(request, "portal/home.html", {"districts": districts})


@login_required
@require_GET
def dashboard(request):
    """The staff workspace: what this person may do, by role; nothing that is not built yet."""
    user = request.user
    context = {
        "roles": user.role_assignments.select_related("organization").order_by("role"),
        "can_supervise": not scope_for(user, Action.SUPERVISE).is_empty,
        "can_manage_personnel": not scope_for(user, Action.PERSONNEL).is_empty,
        "is_administrator": scope_for(user, Action.ADMINISTER).everything,
        "notifications": user.notifications.filter(read_at__isnull=True)[:5],
    }
    if context["can_supervise"] or context["is_administrator"]:
        # What supervisors watch: is the push to the national platform keeping up, does the ledger verify.
        context["push"] = push_summary(user)
        context["ledger_head"] = current_head()
        context["ledger_check"] = LedgerCheck.objects.only("finished_at", "ok", "mismatch_count").first()
    if context["can_supervise"]:
        context["integrity"] = integrity_watch(user)
    return render(request, "portal/dashboard.html", context)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    return render(request, "500.html", status=500)
