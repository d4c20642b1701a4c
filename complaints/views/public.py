"""The public pages of complaints: filing one (/complaints/new/) and following it with its tracking code and
secret (/complaints/track/).

Filing. The form is read only when the request is multipart/form-data and its Content-Length is within
what five 10 MB files and the texts can take (otherwise the form comes back with a field error, not a 400
or a 500); files are received by `LimitedUploadHandler`, which drops a file past 10 MB as it arrives and
names it under "attachments"; a text field past DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields or a broken
body come back the same way. Uploaded files are never kept for a second try: the form says to choose them
again. On success the code and secret go into the session once; the receipt page pops them, so a reload
shows them no more, and an e-mail with both is sent after the commit when an address was given.

Tracking. Code + secret are POSTed (never in a URL); a wrong pair gets one neutral message and counts
towards the per-address limit of failed attempts (core.ratelimit.hit, "complaint_track", 10 per 10
minutes). A found complaint's id is kept in the session, signed, for 30 minutes; the tracking page shows
the status, the organizations, the public timeline (organization names, never staff names), how each
deadline was counted, and the acts the status allows — each a POST to a service, errors by field. The
complainant's identity is not shown there, only whether the complaint was filed with a name.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, ValidationError
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from core.forms import attach_errors
from core.ratelimit import client_digest, client_ip, hit, limited_response, ratelimit

from .. import selectors, services
from ..choices import Channel, EventKind, Status
from ..forms import MAX_BYTES, MAX_FILES, AddInformationForm, ComplaintFileForm, RateForm, ReviewForm, TrackForm
from ..models import Complaint
from ..services import deadlines

tracking_log = logging.getLogger("complaints.tracking")

RECEIPT_KEY = "complaints.receipt"
TRACK_KEY = "complaints.track"
TRACK_SALT = "complaints.track"
TRACK_MAX_AGE = 30 * 60
TRACK_LIMIT, TRACK_PERIOD = 10, 600
# Five files of 10 MB, their multipart headers and the texts: a body past this is not read at all.
BODY_MAX = MAX_FILES * MAX_BYTES + 2 * 1024 * 1024
OPEN_FOR_INFORMATION = (Status.RECEIVED, Status.ACCEPTED, Status.REVIEW_REQUESTED, Status.MERGED)
RATABLE = (Status.REPLIED, Status.REVIEWED, Status.DECLINED)


# --- filing ----------------------------------------------------------------------------------------------


class LimitedUploadHandler(TemporaryFileUploadHandler):
    """Files to temporary files (past FILE_UPLOAD_MAX_MEMORY_SIZE they would be anyway), a file past the
    attachment limit dropped while it arrives and its name noted in `request.oversized_uploads`."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received, self.too_big = 0, False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.too_big or self.received > MAX_BYTES:
            if not self.too_big:
                self.too_big = True
                self.file.close()
            return None
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size):
        if self.too_big:
            self.request.oversized_uploads.append(self.file_name or "")
            return None
        return super().file_complete(file_size)


def _body_problem(request) -> tuple[str | None, str, int] | None:
    """(field, message, status) when the filing POST cannot be read as a form; else None, the body parsed.
    Too large is 413 (with the form and the field error), unreadable 400 (with the form)."""
    request.oversized_uploads = []
    if request.content_type != "multipart/form-data":
        return None, _("The form was not sent as expected. Please fill it in again on this page."), 400
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    too_large = _(
        "What was sent is too large: at most %(n)d files of %(mb)d MB each. Please fill in the form again "
        "and choose smaller files."
    ) % {"n": MAX_FILES, "mb": MAX_BYTES // (1024 * 1024)}
    if length > BODY_MAX:
        return "attachments", too_large, 413
    request.upload_handlers = [LimitedUploadHandler(request)]
    try:
        request.POST  # noqa: B018 - parse now, to answer a body that cannot be read
        request.FILES  # noqa: B018
    except RequestDataTooBig:
        return None, _("A text is far longer than the form allows. Please shorten it and send the form again."), 413
    except (SuspiciousOperation, MultiPartParserError, OSError):
        return None, _("The form was not sent as expected. Please fill it in again on this page."), 400
    return None


def _file_page(request, form, status=200):
    return render(
        request,
        "complaints/public/file.html",
        {"form": form, "max_files": MAX_FILES, "max_mb": MAX_BYTES // (1024 * 1024)},
        status=status,
    )


def _send_receipt(email: str, code: str, secret: str, link: str) -> None:
    body = _(
        "Your complaint was received.\n\nTracking code: %(code)s\nSecret: %(secret)s\n\nFollow it at %(link)s "
        "with the code and the secret. Keep this message: the secret cannot be shown again, and nobody will "
        "ask you for it."
    ) % {"code": code, "secret": secret, "link": link}
    send_mail(_("Your complaint %(code)s") % {"code": code}, body, settings.DEFAULT_FROM_EMAIL, [email])


@csrf_protect
def _file(request):
    if request.method != "POST":
        return _file_page(request, ComplaintFileForm())
    form = ComplaintFileForm(request.POST, request.FILES)
    valid = form.is_valid()
    if request.oversized_uploads:
        names = ", ".join(name for name in request.oversized_uploads if name) or "?"
        form.add_error(
            "attachments",
            _("Larger than %(mb)d MB, not received: %(names)s.") % {"mb": MAX_BYTES // (1024 * 1024), "names": names},
        )
        valid = False
    if not valid:
        return _file_page(request, form, status=413 if request.oversized_uploads else 400)
    data = form.service_data()
    try:
        filed = services.complaint_file(data=data, channel=Channel.WEB, files=request.FILES.getlist("attachments"))
    except ValidationError as exc:
        attach_errors(form, exc)
        return _file_page(request, form, status=400)
    code, secret = filed.complaint.tracking_code, filed.secret
    email = "" if data.get("anonymous") else (data.get("email") or "").strip()
    if email:
        link = request.build_absolute_uri(reverse("complaints:track"))
        transaction.on_commit(lambda: _send_receipt(email, code, secret, link))
    request.session[RECEIPT_KEY] = {
        "code": code,
        "secret": secret,
        "emailed": bool(email),
        "accept_due": filed.complaint.accept_due.isoformat(),
    }
    return redirect("complaints:receipt")


@csrf_exempt  # the body is parsed with our upload handler first; the CSRF check follows in _file
@ratelimit("complaint_file", rate="5/10m")
@require_http_methods(["GET", "POST"])
@never_cache
def complaint_file(request):
    if request.method == "POST":
        problem = _body_problem(request)
        if problem is not None:
            field, message, status = problem
            form = ComplaintFileForm()
            form.cleaned_data = {}  # an unbound form carrying one error: the body could not be read
            form.add_error(field, message)
            return _file_page(request, form, status=status)
    return _file(request)


@require_http_methods(["GET"])
@never_cache
def complaint_receipt(request):
    receipt = request.session.pop(RECEIPT_KEY, None)
    return render(request, "complaints/public/receipt.html", {"receipt": receipt})


# --- tracking --------------------------------------------------------------------------------------------


def _failed_attempts(client: str) -> int:
    """The failed look-ups counted for `client` in the current window, read without counting one: the key
    core.ratelimit.hit() writes for the "complaint_track" scope."""
    window = int(time.time() // TRACK_PERIOD) * TRACK_PERIOD
    return cache.get(f"ratelimit:complaint_track:{client_digest(client)}:{window}") or 0


def _tracked(request) -> Complaint | None:
    token = request.session.get(TRACK_KEY)
    if not token:
        return None
    try:
        pk = signing.loads(token, salt=TRACK_SALT, max_age=TRACK_MAX_AGE)["id"]
    except (signing.BadSignature, KeyError, TypeError):
        request.session.pop(TRACK_KEY, None)
        return None
    return (
        Complaint.objects.select_related("organization", "handling_organization", "merged_into").filter(pk=pk).first()
    )


@require_http_methods(["GET", "POST"])
@never_cache
def complaint_track(request):
    if request.method != "POST":
        return render(request, "complaints/public/track.html", {"form": TrackForm()})
    form = TrackForm(request.POST)
    client = client_ip(request)
    complaint = None
    # Over the limit, no pair is looked up at all (a right guess must not come through either).
    if form.is_valid() and _failed_attempts(client) < TRACK_LIMIT:
        complaint = services.complaint_find(code=form.cleaned_data["code"], secret=form.cleaned_data["secret"])
    if complaint is None:
        result = hit("complaint_track", client, limit=TRACK_LIMIT, period=TRACK_PERIOD)
        if not result.allowed:
            code = str(form.data.get("code") or "")
            tracking_log.warning(
                "tracking attempts over the limit: code=…%s count=%d retry_after=%ds",
                "".join(ch for ch in code if ch.isalnum())[-4:],
                result.count,
                result.retry_after,
            )
            return limited_response(request, result)
        if form.is_valid():
            form.add_error(None, _("No complaint matches this code and secret."))
        return render(request, "complaints/public/track.html", {"form": form}, status=400)
    request.session.cycle_key()
    request.session[TRACK_KEY] = signing.dumps({"id": complaint.pk}, salt=TRACK_SALT)
    return redirect("complaints:track_view")


def _acts(complaint: Complaint, forms: dict) -> dict:
    """The acts the complaint's status allows, each with its (possibly bound) form."""
    followed = complaint.merged_into if complaint.merged_into_id else complaint
    today = timezone.localdate()
    acts = {}
    if complaint.status in OPEN_FOR_INFORMATION:
        acts["add"] = forms.get("add") or AddInformationForm()
    if followed.status in RATABLE and complaint.satisfaction is None:
        acts["rate"] = forms.get("rate") or RateForm()
    if followed.status == Status.REPLIED and followed.review_requested_on is None:
        acts["review"] = forms.get("review") or ReviewForm()
    acts.update(forms)  # a form sent back with its errors stays on the page, whatever the status now
    if "review" in acts:
        acts["review_last_day"] = followed.review_request_due
        acts["review_too_late"] = followed.review_request_due is not None and today > followed.review_request_due
    return acts


def _track_page(request, complaint: Complaint, forms: dict | None = None, status: int = 200):
    followed = complaint.merged_into if complaint.merged_into_id else complaint
    events = selectors.public_timeline(complaint)
    context = {
        "complaint": complaint,
        "followed": followed,
        "events": events,
        "rated_kind": EventKind.RATED,
        "deadlines": deadlines.explain(followed),
        "acts": _acts(complaint, forms or {}),
        "status_label": Status(complaint.status).label,
    }
    return render(request, "complaints/public/track_view.html", context, status=status)


def _expired(request):
    messages.info(request, _("For your privacy the page was closed: enter the code and the secret again."))
    return redirect("complaints:track")


@require_http_methods(["GET"])
@never_cache
def complaint_track_view(request):
    complaint = _tracked(request)
    if complaint is None:
        return _expired(request)
    return _track_page(request, complaint)


ACTS = {
    "add": (
        AddInformationForm,
        lambda complaint, form, request: services.complaint_add_information(
            complaint=complaint, text=form.cleaned_data["text"], files=request.FILES.getlist("attachments")
        ),
        gettext_lazy("Your information was added."),
    ),
    "rate": (
        RateForm,
        lambda complaint, form, request: services.complaint_rate(
            complaint=complaint, satisfaction=form.cleaned_data["satisfaction"], comment=form.cleaned_data["comment"]
        ),
        gettext_lazy("Thank you: your rating was recorded."),
    ),
    "review": (
        ReviewForm,
        lambda complaint, form, request: services.complaint_review_request(
            complaint=complaint, reason=form.cleaned_data["reason"]
        ),
        gettext_lazy("Your request for a review was recorded."),
    ),
}


@require_http_methods(["POST"])
@never_cache
def complaint_track_act(request, act: str):
    complaint = _tracked(request)
    if complaint is None:
        return _expired(request)
    if act not in ACTS:
        raise Http404
    form_class, perform, done = ACTS[act]
    try:
        form = form_class(request.POST, request.FILES)
        valid = form.is_valid()
    except (SuspiciousOperation, MultiPartParserError, OSError):
        form, valid = form_class(), False
        form.cleaned_data = {}
        form.add_error(None, _("The form was not sent as expected. Please fill it in again on this page."))
    if valid:
        try:
            perform(complaint, form, request)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, str(done))
            return redirect("complaints:track_view")
    return _track_page(request, complaint, {act: form}, status=400)


urlpatterns = [
    path("complaints/new/", complaint_file, name="file"),
    path("complaints/new/received/", complaint_receipt, name="receipt"),
    path("complaints/track/", complaint_track, name="track"),
    path("complaints/track/view/", complaint_track_view, name="track_view"),
    path("complaints/track/view/<str:act>/", complaint_track_act, name="track_act"),
]
