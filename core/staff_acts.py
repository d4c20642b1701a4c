"""What staff do to a record on its page, each act a POST to its own URL that calls one service.

An app lists its acts (`Act`) and gets one view per act from `act_views`. A form with errors — its own or
the service's field errors — re-renders the record page with that form open and its messages by field; a
move the record's state does not allow comes back as a message on the record page; a record outside the
user's view answers 404, and an act the user may not take answers 403 (the service says so).
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


@dataclass(frozen=True)
class Act:
    name: str  # the URL's last segment, and the form's key on the record page
    perform: Callable  # (record, cleaned data, actor) -> None; calls one service
    success: str  # lazy; the message after it worked
    form_class: type | None = None
    form_kwargs: Callable | None = None  # (record) -> extra keyword arguments for the form


def act_views(
    acts: list[Act],
    *,
    url_prefix: str,
    name_prefix: str,
    records: Callable,  # (user) -> the queryset the user may see
    render_page: Callable,  # (request, record, {key: bound form}) -> the record page
    page_url: str,  # the URL name of the record page, taking pk
) -> list:
    def view_for(act: Act):
        @login_required
        @require_POST
        def view(request, pk):
            record = get_object_or_404(records(request.user), pk=pk)
            form = None
            if act.form_class is not None:
                extra = act.form_kwargs(record) if act.form_kwargs else {}
                form = act.form_class(request.POST, request.FILES, auto_id=f"id_{act.name}_%s", **extra)
                if not form.is_valid():
                    return render_page(request, record, {act.name: form})
            try:
                act.perform(record, form.cleaned_data if form else {}, request.user)
            except ValidationError as exc:
                if form is not None and hasattr(exc, "error_dict"):
                    attach_errors(form, exc)
                    return render_page(request, record, {act.name: form})
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, str(act.success))
            return redirect(page_url, pk=record.pk)

        view.__name__ = view.__qualname__ = f"{name_prefix}{act.name.replace('-', '_')}"
        return view

    return [
        path(f"{url_prefix}{act.name}/", view_for(act), name=f"{name_prefix}{act.name.replace('-', '_')}")
        for act in acts
    ]
