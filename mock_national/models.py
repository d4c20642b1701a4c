"""What the stand-in received: one Batch per answered POST, one ReceivedRecord per record in it."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    PUBLISH = "publish", _("Publish")
    CORRECT = "correct", _("Correct")
    WITHDRAW = "withdraw", _("Withdraw")
    REPAIR = "repair", _("Credit repair")


class RefusalCode(models.TextChoices):
    """Why a record was refused, for the sender's program: the reasons say it for people."""

    # The platform has no rules for this record type: none of its fields were checked.
    UNKNOWN_RECORD_TYPE = "unknown_record_type", _("Unknown record type")
    # A newer version of the record was accepted already; applying this one would roll it back.
    STALE_VERSION = "stale_version", _("Older than the version held")
    # Field-level problems (missing, malformed, out of range), an unknown action, or a simulated rejection.
    INVALID_RECORD = "invalid_record", _("Invalid record")


class PlainInsertJSONField(models.JSONField):
    """A JSONField that keeps bulk inserts on PostgreSQL to plain VALUES.

    Django 5.2 bulk-inserts through UNNEST of array literals, and psycopg escapes every quote of the
    JSON text in Python to build them: that doubled the cost of a 200-record batch. A field that
    defines get_placeholder opts the insert out of UNNEST.
    """

    def get_placeholder(self, value, compiler, connection):
        return "%s"


class Batch(models.Model):
    batch_id = models.UUIDField(_("batch id"), default=uuid.uuid4, unique=True, editable=False)
    # Null when the answer was "lost" (ERROR_AFTER_APPLY): the key stays free for the sender's retry.
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True, null=True, blank=True)
    body_sha256 = models.CharField(_("SHA-256 of the body"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("status code"))
    # The exact bytes of the answer (kept as text: a JSON column may reorder keys), replayed for the same key.
    response_body = models.TextField(_("answer"), blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    record_count = models.PositiveIntegerField(_("records"))

    class Meta:
        verbose_name = _("received batch")
        verbose_name_plural = _("received batches")

    def __str__(self) -> str:
        return str(self.batch_id)


class ReceivedRecord(models.Model):
    receipt_id = models.UUIDField(_("receipt id"), default=uuid.uuid4, unique=True, editable=False)
    # No index: nothing looks entries up by batch, and every index costs on the hot insert path.
    batch = models.ForeignKey(
        Batch, on_delete=models.CASCADE, related_name="records", verbose_name=_("batch"), db_index=False
    )
    record_type = models.CharField(_("record type"), max_length=100)
    record_id = models.CharField(_("record id"), max_length=100)
    # The record id as a number when it is one, so that listings follow numeric order.
    record_sort_key = models.BigIntegerField(_("sort key"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"))
    # Longer than any accepted action: an unknown one (e.g. end_publicity) is stored with its rejection.
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    accepted = models.BooleanField(_("accepted"))
    refusal_code = models.CharField(_("refusal code"), max_length=30, choices=RefusalCode.choices, blank=True)
    reasons = PlainInsertJSONField(_("reasons"), default=list, blank=True)
    data = PlainInsertJSONField(_("data"), default=dict, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        verbose_name = _("received record")
        verbose_name_plural = _("received records")
        indexes = [
            models.Index(fields=["record_type", "record_id"], name="mock_nat_record_idx"),
            models.Index(
                fields=["record_type", "record_sort_key", "record_id"],
                condition=Q(accepted=True),
                name="mock_nat_accepted_sort_idx",
            ),
        ]
        constraints = [
            # A record version's action is accepted once; retries are answered from this row.
            models.UniqueConstraint(
                fields=["record_type", "record_id", "version", "action"],
                condition=Q(accepted=True),
                name="mock_nat_accepted_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record_type}:{self.record_id} v{self.version} {self.action}"


def sort_key_for(record_id: str) -> int | None:
    """A canonical decimal (no sign, no leading zero) that fits a bigint; anything else sorts after numbers."""
    if record_id.isascii() and record_id.isdigit() and (record_id == "0" or not record_id.startswith("0")):
        number = int(record_id)
        if number < 2**63:
            return number
    return None
