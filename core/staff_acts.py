"""What staff do to a record on its page, each act a POST to its own URL that calls one service.

An app lists its acts (`Act`) and the kinds of thing they act on (`Target`: the record itself, or a part
of it shown on its page — an obligation, a sanction), and gets one view per act from `act_views`. A form
with errors — its own or the service's field errors — re-renders the record page with that form open and
its messages by field; a move the record's state does not allow comes back as a message on the record
page; a target outside the user's view answers 404, and an act the user may not take answers 403 (the
act's `allowed` check or the service says so).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.views.decorators.http import require_POST

from .forms import attach_errors

RECORD = "record"


@dataclass(frozen=True)
class Act:
    name: str  # the URL's last segment, and the form's key on the record page
    perform: Callable  # (target, cleaned data, actor) -> None; calls one service
    success: str  # lazy; the message after it worked
    form_class: type | None = None
    form_kwargs: Callable | None = None  # (target) -> extra keyword arguments for the form
    target: str = RECORD  # a key of act_views' targets
    allowed: Callable | None = None  # (user, record) -> None, raising PermissionDenied when not


@dataclass(frozen=True)
class Target:
    url_prefix: str  # e.g. "staff/pledges/<int:pk>/"
    name_prefix: str  # the URL name is name_prefix + the act's name
    queryset: Callable  # (user) -> what the user may see of this kind
    record_of: Callable | None = None  # (user, target) -> the record whose page shows it; None: itself


def act_views(acts: list[Act], *, targets: dict[str, Target], render_page: Callable, page_url: str) -> list:
    """One URL pattern per act. `render_page(request, record, {key: bound form})` draws the record page;
    `page_url` names it (taking pk). A form's key is the act's name, and for a part of the record the
    act's name and the part's id, so that the page opens the right one of several."""

    def view_for(act: Act):
        target_kind = targets[act.target]

        @login_required
        @require_POST
        def view(request, pk):
            target = get_object_or_404(target_kind.queryset(request.user), pk=pk)
            record = target_kind.record_of(request.user, target) if target_kind.record_of else target
            if act.allowed is not None:
                act.allowed(request.user, record)
            key = act.name if act.target == RECORD else f"{act.name}-{target.pk}"
            form = None
            if act.form_class is not None:
                extra = act.form_kwargs(target) if act.form_kwargs else {}
                form = act.form_class(request.POST, request.FILES, auto_id=f"id_{key}_%s", **extra)
                if not form.is_valid():
                    return render_page(request, record, {key: form})
            try:
                act.perform(target, form.cleaned_data if form else {}, request.user)
            except ValidationError as exc:
                if form is not None and hasattr(exc, "error_dict"):
                    attach_errors(form, exc)
                    return render_page(request, record, {key: form})
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, str(act.success))
            return redirect(page_url, pk=record.pk)

        view.__name__ = view.__qualname__ = f"{target_kind.name_prefix}{act.name.replace('-', '_')}"
        return view

    return [
        path(
            f"{targets[act.target].url_prefix}{act.name}/",
            view_for(act),
            name=f"{targets[act.target].name_prefix}{act.name.replace('-', '_')}",
        )
        for act in acts
    ]
