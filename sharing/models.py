"""The outbox of the national push: one entry per announced publication event, written in the
publishing transaction, drained by `sharing.services.push_pending`."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.access import ScopedQuerySet
from core.models import PublicationVersion
from core.publication import PublicationAction

from .choices import AttemptOutcome, OutboxStatus


class OutboxEntryQuerySet(ScopedQuerySet):
    scope_path_field = "scope_path"

    def waiting(self):
        return self.filter(status__in=(OutboxStatus.PENDING, OutboxStatus.IN_FLIGHT))

    def of_record(self, record_type: str, record_id: int):
        return self.filter(record_type=record_type, record_id=record_id)


class OutboxEntry(models.Model):
    record_type = models.CharField(_("record type"), max_length=60)
    record_id = models.BigIntegerField(_("record id"))
    version = models.PositiveIntegerField(_("version"))
    action = models.CharField(_("action"), max_length=20, choices=PublicationAction.choices)
    # The payload sent is the version's national document, as it stood when it was published.
    publication = models.ForeignKey(
        PublicationVersion, verbose_name=_("publication event"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("responsible organization"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # read through scope_path
    )
    scope_path = models.CharField(_("organization path"), max_length=255)
    # One per (record, version, action): the national side deduplicates on it too.
    idempotency_key = models.CharField(_("idempotency key"), max_length=120, unique=True)
    status = models.CharField(_("status"), max_length=20, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    # Set when a worker claims the entry; another worker may claim it again once the lease is over.
    claim_token = models.UUIDField(_("claim"), null=True, blank=True)
    lease_expires_at = models.DateTimeField(_("claim expires at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    receipt_id = models.CharField(_("receipt"), max_length=64, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    rejection_reasons = models.JSONField(_("reasons for rejection"), default=list, blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OutboxEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("outbox entry")
        verbose_name_plural = _("outbox entries")
        ordering = ["-id"]
        indexes = [
            # The drain: what is due, oldest first (a small partial index whatever the history's size).
            models.Index(
                fields=["next_attempt_at", "id"], name="outbox_due_idx", condition=Q(status=OutboxStatus.PENDING)
            ),
            models.Index(
                fields=["lease_expires_at"], name="outbox_lease_idx", condition=Q(status=OutboxStatus.IN_FLIGHT)
            ),
            # The supervisor's lists (failed, rejected, …) newest first, and the per-record timeline.
            models.Index(fields=["status", "-id"], name="outbox_status_idx"),
            models.Index(fields=["record_type", "record_id", "id"], name="outbox_record_idx"),
            models.Index(fields=["delivered_at"], name="outbox_delivered_idx"),
            models.Index(fields=["scope_path"], name="outbox_scope_prefix_idx", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return f"{self.record_type}#{self.record_id} v{self.version} {self.action}"


class DeliveryAttempt(models.Model):
    """One try to deliver one entry: the per-record delivery timeline."""

    entry = models.ForeignKey(OutboxEntry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="tries")
    number = models.PositiveIntegerField(_("attempt"))
    batch_key = models.CharField(_("batch"), max_length=80)
    started_at = models.DateTimeField(_("started at"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=AttemptOutcome.choices)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    detail = models.TextField(_("detail"), blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["id"]

    def __str__(self):
        return f"{self.entry_id} #{self.number} {self.outcome}"


class Reconciliation(models.Model):
    """A nightly comparison of what we consider published with what the national platform holds."""

    ran_at = models.DateTimeField(_("ran at"), auto_now_add=True)
    ok = models.BooleanField(_("in agreement"))
    # Per record type: {"ours": n, "theirs": n, "missing_upstream": n, "missing_sample": [...],
    # "stale_upstream": n, "stale_sample": [...]}
    details = models.JSONField(_("details"), default=dict)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("reconciliation")
        verbose_name_plural = _("reconciliations")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.ran_at:%Y-%m-%d %H:%M} {'ok' if self.ok else 'gaps'}"


class OutboundMessageQuerySet(ScopedQuerySet):
    scope_path_field = "scope_path"


class OutboundMessage(models.Model):
    """A message to another system (a webhook: the 12345 hotline's status updates, core.outbound), queued in
    the transaction that changed what it tells and sent by `sharing.services.outbound_deliver`.

    Unlike the national push, every message counts (an event, not a whole document): none supersedes
    another, and messages with the same `ordering_key` are sent one at a time in the order queued."""

    destination = models.CharField(_("destination"), max_length=40)
    # One per event: queueing the same key again queues nothing, and the receiver deduplicates on it.
    idempotency_key = models.CharField(_("idempotency key"), max_length=160, unique=True)
    ordering_key = models.CharField(_("sent in order with"), max_length=120)
    payload = models.JSONField(_("payload"))
    owner = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("responsible organization"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # read through scope_path
    )
    scope_path = models.CharField(_("organization path"), max_length=255)
    status = models.CharField(_("status"), max_length=20, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    claim_token = models.UUIDField(_("claim"), null=True, blank=True)
    lease_expires_at = models.DateTimeField(_("claim expires at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OutboundMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                name="outbound_due_idx",
                condition=Q(status=OutboxStatus.PENDING),
            ),
            models.Index(
                fields=["lease_expires_at"], name="outbound_lease_idx", condition=Q(status=OutboxStatus.IN_FLIGHT)
            ),
            models.Index(fields=["ordering_key", "id"], name="outbound_order_idx"),
            models.Index(fields=["status", "-id"], name="outbound_status_idx"),
        ]

    def __str__(self):
        return f"{self.destination} {self.idempotency_key}"


class OutboundAttempt(models.Model):
    """One try to deliver one outbound message: its delivery log."""

    message = models.ForeignKey(
        OutboundMessage, verbose_name=_("message"), on_delete=models.CASCADE, related_name="tries"
    )
    number = models.PositiveIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("started at"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=AttemptOutcome.choices)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    detail = models.TextField(_("detail"), blank=True)

    class Meta:
        verbose_name = _("outbound attempt")
        verbose_name_plural = _("outbound attempts")
        ordering = ["id"]

    def __str__(self):
        return f"{self.message_id} #{self.number} {self.outcome}"
