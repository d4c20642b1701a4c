"""A complaint about government dishonesty (政务失信投诉举报), its complainant kept apart, its timeline and
its files.

The complainant's identity lives in its own table (`Complainant`), read only through
`complaints.access.identity_of` — intake officers always, handlers and supervisors only with the
complainant's consent, and every reading logged — so that no list, export or API shape can carry it by
accident. The tracking code is public-ish (printed on letters, said on the phone); the secret that goes
with it is stored as an HMAC only.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.access import ScopedQuerySet, scope_for
from core.choices import Action
from core.models import TimeStampedModel
from organizations.models import CivilServant, Organization

from ..choices import Category, Channel, DeclineReason, EventKind, Status


def private_storage():
    from core.private_files import get_private_storage

    return get_private_storage()


class ComplaintQuerySet(ScopedQuerySet):
    """Who sees a complaint: the intake officers over the organization complained about, the handling
    organization's staff and reviewers, and supervisors over either organization. The public sees none:
    a complainant follows theirs with its code and secret."""

    scope_path_field = "handling_organization__path"

    def for_user(self, principal, action: str = Action.VIEW):
        parts = []
        for scope_action, fields in (
            (Action.INTAKE, ("organization__path",)),
            (Action.CHANGE, ("handling_organization__path",)),
            (Action.REVIEW, ("handling_organization__path",)),
            (Action.SUPERVISE, ("organization__path", "handling_organization__path")),
        ):
            scope = scope_for(principal, scope_action)
            if scope.everything:
                return self.all()
            if not scope.is_empty:
                parts.extend(scope.q(field) for field in fields)
        if not parts:
            return self.none()
        condition = parts[0]
        for part in parts[1:]:
            condition |= part
        return self.filter(condition)

    def in_scope(self, principal, action: str = Action.VIEW):
        return self.for_user(principal, action)

    def open(self):
        return self.filter(status__in=[Status.RECEIVED, Status.ACCEPTED, Status.REVIEW_REQUESTED])


class Complaint(TimeStampedModel):
    record_type = "complaints.complaint"

    tracking_code = models.CharField(_("tracking code"), max_length=20, unique=True)
    secret_digest = models.CharField(_("secret (HMAC)"), max_length=64)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    external_reference = models.CharField(_("reference in the sending system"), max_length=60, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization complained about"), on_delete=models.PROTECT, related_name="+"
    )
    person_named = models.CharField(_("person complained about"), max_length=60, blank=True)
    civil_servant = models.ForeignKey(
        CivilServant,
        verbose_name=_("civil servant complained about"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("summary"), max_length=120)
    facts = models.TextField(_("what happened"))
    happened_on = models.DateField(_("when it happened"), null=True, blank=True)
    place = models.CharField(_("where it happened"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    consent_to_share = models.BooleanField(_("identity may be shared with the handler"), default=False)
    received_on = models.DateField(_("received on"))
    received_by_label = models.CharField(_("registered by"), max_length=200, blank=True)

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    handling_organization = models.ForeignKey(
        Organization,
        verbose_name=_("handling organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decline_reason = models.CharField(
        _("reason not accepted"), max_length=20, choices=DeclineReason.choices, blank=True
    )
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.PROTECT, related_name="merged"
    )

    # Deadlines, in calendar days ending on a working day (core.calendar.add_calendar_days); each with the
    # start and the days it was counted from in `periods`, so the complainant is shown how.
    accept_due = models.DateField(_("acceptance decided by"))
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    handle_due = models.DateField(_("reply due by"), null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(_("extension (days)"), default=0)
    replied_on = models.DateField(_("replied on"), null=True, blank=True)
    review_request_due = models.DateField(_("a review may be asked until"), null=True, blank=True)
    review_requested_on = models.DateField(_("review asked on"), null=True, blank=True)
    review_due = models.DateField(_("review answered by"), null=True, blank=True)
    reviewed_on = models.DateField(_("review answered on"), null=True, blank=True)
    periods = models.JSONField(_("how the deadlines were counted"), default=dict)
    deadline_provisional = models.BooleanField(_("a deadline is provisional"), default=False)
    escalated_at = models.DateTimeField(_("escalated to supervisors at"), null=True, blank=True)

    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1–5)"), null=True, blank=True)
    satisfaction_comment = models.CharField(_("comment on the handling"), max_length=500, blank=True)
    dishonesty_record_id = models.BigIntegerField(_("dishonesty record proposed"), null=True, blank=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["handling_organization", "status", "-id"], name="complaint_queue_idx"),
            models.Index(fields=["organization", "received_on"], name="complaint_org_received_idx"),
            models.Index(fields=["status", "-id"], name="complaint_status_idx"),
            models.Index(fields=["received_on"], name="complaint_received_idx"),
            models.Index(fields=["accept_due"], condition=Q(status="received"), name="complaint_accept_due_idx"),
            models.Index(
                fields=["handling_organization", "handle_due", "id"],
                condition=Q(status="accepted"),
                name="complaint_handle_due_idx",
            ),
            models.Index(
                fields=["review_due"], condition=Q(status="review_requested"), name="complaint_review_due_idx"
            ),
            models.Index(
                fields=["channel", "external_reference"],
                condition=~Q(external_reference=""),
                name="complaint_external_idx",
            ),
        ]
        constraints = [
            # The 12345 hotline posts a work order once however often it retries: one complaint per order.
            models.UniqueConstraint(
                fields=["external_reference"],
                condition=Q(channel="hotline") & ~Q(external_reference=""),
                name="complaint_hotline_order_once",
            )
        ]

    def __str__(self):
        return self.tracking_code

    def audit_scope_path(self) -> str:
        return self.organization.path

    @property
    def is_open(self) -> bool:
        return self.status in (Status.RECEIVED, Status.ACCEPTED, Status.REVIEW_REQUESTED)


class Complainant(models.Model):
    """Who complained, when they gave their name: apart from the complaint, shown by one logged act."""

    complaint = models.OneToOneField(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="complainant"
    )
    name = models.CharField(_("name"), max_length=60)
    phone = models.CharField(_("telephone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    # Not `personal_data_fields`: core.audit masks those names in every audit row of every model, and
    # "name" or "address" are ordinary fields elsewhere. The identity never enters an audit row: the
    # services leave it out, and access.identity_of reveals IDENTITY_FIELDS with the reason only logged.
    IDENTITY_FIELDS = ("name", "phone", "email", "address")

    class Meta:
        verbose_name = _("complainant")
        verbose_name_plural = _("complainants")

    def __str__(self):
        return f"{self.complaint_id}"

    def audit_scope_path(self) -> str:
        return self.complaint.organization.path


class ComplaintEventQuerySet(models.QuerySet):
    def public(self):
        return self.filter(public=True)


class ComplaintEvent(models.Model):
    """One step of the timeline. `public` steps are what the complainant reads with the code."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    public = models.BooleanField(_("shown to the complainant"), default=True)
    text = models.TextField(_("text"), blank=True)
    actor_label = models.CharField(_("by"), max_length=200, blank=True)
    organization_name = models.CharField(_("organization"), max_length=200, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = ComplaintEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        ordering = ["id"]
        indexes = [models.Index(fields=["complaint", "id"], name="complaint_event_idx")]

    def __str__(self):
        return f"{self.complaint_id} · {self.kind}"


class ComplaintAttachment(models.Model):
    """A file the complainant (or the registering staff) attached: checked by content, images stripped of
    their metadata, kept in private storage and served only to those who may see the complaint."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(_("file"), storage=private_storage, upload_to="complaints/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    metadata_removed = models.BooleanField(_("image metadata removed"), default=False)
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)
    event = models.ForeignKey(
        ComplaintEvent, verbose_name=_("added with"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self):
        return self.original_name
