from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .access import ScopedQuerySet
from .choices import CalendarDayKind
from .publication import PublicationAction


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AuditEventQuerySet(ScopedQuerySet):
    scope_path_field = "scope_path"


class AuditEvent(models.Model):
    """One row per change, written by the service that made it (never by signals: bulk paths too).

    `scope_path` is the tree path of the organization the target belongs to, so that the one access
    rule can scope audit rows without core knowing what an organization is.
    """

    occurred_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # audit_actor_idx leads with the actor
    )
    actor_repr = models.CharField(_("actor (as shown)"), max_length=200)
    action = models.CharField(_("action"), max_length=80)
    target_type = models.ForeignKey(
        ContentType, verbose_name=_("target type"), null=True, blank=True, on_delete=models.PROTECT, db_index=False
    )
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_repr = models.CharField(_("target"), max_length=300, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    scope_path = models.CharField(_("organization path"), max_length=255, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        # Only what the audit views filter by; every index costs each bulk import a write per row.
        # Prefix searches (action "disclosures.", scope path "0001…") need the pattern operator class.
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
            models.Index(fields=["actor", "-id"], name="audit_actor_idx"),
            models.Index(fields=["action"], name="audit_action_prefix_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["scope_path"], name="audit_scope_prefix_idx", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_repr} {self.action} {self.target_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit events are append-only")
        super().save(*args, **kwargs)


class CalendarDay(models.Model):
    """A day that breaks the weekday rule: a statutory holiday or a make-up working day.

    Filled by administrators from the State Council notice for years the chinesecalendar library
    does not know yet, or for a local holiday; a row here wins over the library for its own day only.
    """

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=CalendarDayKind.choices)
    name = models.CharField(_("holiday name"), max_length=50, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.name}"


class CalendarYear(models.Model):
    """A year of the holiday table, and whether an administrator declared it complete.

    Rows of CalendarDay alone may be a single local holiday: until the year is marked complete (the
    State Council notice imported whole), days of a year the library does not know that the table
    does not name are counted by weekends only and deadlines through them stay provisional.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    complete = models.BooleanField(_("complete"), default=False)
    source = models.CharField(_("source"), max_length=200, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked complete by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # users are deactivated, never deleted: nothing looks them up here
    )
    marked_at = models.DateTimeField(_("marked complete at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self):
        return str(self.year)


class Notification(models.Model):
    """An in-app notice for one user; e-mail, where sent, is a copy of it."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    kind = models.CharField(_("kind"), max_length=60)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Sweeps may run twice at once; the key makes a repeated notice a no-op.
    dedupe_key = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-id"], name="notification_inbox_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_dedupe_unique",
            )
        ]

    def __str__(self):
        return self.subject


class PublicationVersion(models.Model):
    """Every publication event of every public record, with the payload as it stood then.

    Append-only: the record's history page, the national push and the ledger read it.
    """

    record_type = models.CharField(_("record type"), max_length=60)
    record_id = models.BigIntegerField(_("record id"))
    version = models.PositiveIntegerField(_("version"))
    action = models.CharField(_("action"), max_length=20, choices=PublicationAction.choices)
    occurred_at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_repr = models.CharField(_("actor"), max_length=200)
    reason = models.TextField(_("reason"), blank=True)
    payload = models.JSONField(_("payload"))

    class Meta:
        verbose_name = _("publication version")
        verbose_name_plural = _("publication versions")
        ordering = ["id"]
        indexes = [models.Index(fields=["record_type", "record_id", "id"], name="publication_record_idx")]

    def __str__(self):
        return f"{self.record_type}#{self.record_id} v{self.version} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Publication versions are append-only")
        super().save(*args, **kwargs)


class PublicityRule(models.Model):
    """How long a kind of public record stays public: editable by supervisors, defaults in migrations.

    `record_type` names the kind of record ("penalty", "dishonesty"…), `key` the category within it
    (a penalty kind, a safety domain, a severity). Several rules applying to one record: the longest wins.
    """

    record_type = models.CharField(_("record type"), max_length=40)
    key = models.CharField(_("category"), max_length=60)
    label = models.CharField(_("label"), max_length=100)
    min_months = models.PositiveSmallIntegerField(_("minimum months"))
    max_months = models.PositiveSmallIntegerField(_("maximum months"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("publicity rule")
        verbose_name_plural = _("publicity rules")
        ordering = ["record_type", "key"]
        constraints = [
            models.UniqueConstraint(fields=["record_type", "key"], name="publicity_rule_unique"),
            models.CheckConstraint(
                condition=models.Q(min_months__lte=models.F("max_months")), name="publicity_rule_order"
            ),
        ]

    def __str__(self):
        return f"{self.label}: {self.min_months}–{self.max_months}"


# --- the publication ledger -----------------------------------------------------------------------
# How entries are made and checked lives in core.ledger; these are only the tables and their guards.

LEDGER_GENESIS_HASH = "0" * 64
LEDGER_HEAD_ID = 1


class AppendOnlyError(ValueError):
    """Raised by every ORM path that would change or remove a ledger entry."""


def _refuse_change(*args, **kwargs):
    raise AppendOnlyError(
        "Ledger entries are append-only: they are never updated or deleted (core.ledger.ledger_append adds them)"
    )


class LedgerEntryQuerySet(models.QuerySet):
    # Every set-based way to change or remove rows is closed, so that neither a bulk path nor an
    # admin action can rewrite history. (On PostgreSQL a trigger refuses it below the ORM too.)
    update = _refuse_change
    delete = _refuse_change
    bulk_update = _refuse_change
    update_or_create = _refuse_change

    def bulk_create(self, *args, **kwargs):
        # An append that bypassed the head row would fork the chain; ledger_append is the one way in.
        raise AppendOnlyError("Ledger entries are appended one at a time by core.ledger.ledger_append")


class LedgerEntry(models.Model):
    """One link of the hash chain: a record was published, corrected, withdrawn or repaired.

    `hash` = SHA-256(prev_hash ‖ canonical JSON of the other fields); the recipe is in core.ledger and
    on the public /ledger/ page. `seq` is the primary key: gapless and ordered because every append
    locks the one LedgerHead row. `document_hash` is anyone's to recompute (the public document);
    `national_commitment` only the key holder's (the unmasked national document) — empty on entries
    appended before it existed, whose hash leaves it out.
    """

    seq = models.BigIntegerField(_("sequence number"), primary_key=True)
    occurred_at = models.DateTimeField(_("time"))
    record_type = models.CharField(_("record type"), max_length=60)
    record_id = models.BigIntegerField(_("record id"))
    version = models.PositiveIntegerField(_("version"))
    action = models.CharField(_("action"), max_length=20, choices=PublicationAction.choices)
    document_hash = models.CharField(_("document hash"), max_length=64)
    national_commitment = models.CharField(_("national document commitment"), max_length=64, null=True, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("entry hash"), max_length=64)

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["seq"]
        indexes = [models.Index(fields=["record_type", "record_id", "seq"], name="ledger_record_idx")]
        constraints = [models.CheckConstraint(condition=models.Q(seq__gte=1), name="ledger_seq_positive")]

    def __str__(self):
        return f"#{self.seq} {self.record_type}#{self.record_id} v{self.version} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            _refuse_change()
        kwargs["force_insert"] = True  # the primary key is given: never let save() try an UPDATE first
        kwargs.pop("force_update", None)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse_change()


class LedgerHead(models.Model):
    """The one row naming the last entry: appenders lock it (appends serialize, the chain stays a
    line) and readers get the head without counting a million rows."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=LEDGER_HEAD_ID, editable=False)
    seq = models.BigIntegerField(_("sequence number"), default=0)
    hash = models.CharField(_("hash"), max_length=64, default=LEDGER_GENESIS_HASH)
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ledger head")
        verbose_name_plural = _("ledger head")
        constraints = [models.CheckConstraint(condition=models.Q(id=LEDGER_HEAD_ID), name="ledger_head_single_row")]

    def __str__(self):
        return f"#{self.seq} {self.hash}"

    def delete(self, *args, **kwargs):
        _refuse_change()


class LedgerCheck(models.Model):
    """The outcome of one full verification (the nightly task writes one row per run).

    Kept as rows rather than a cache entry: the evidence that the ledger verified on a given night
    must outlive a cache flush, and a year of nightly rows is a few hundred small rows.
    """

    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"))
    ok = models.BooleanField(_("everything matched"))
    head_seq = models.BigIntegerField(_("head sequence number"))
    head_hash = models.CharField(_("head hash"), max_length=64)
    entries_checked = models.BigIntegerField(_("entries checked"))
    records_checked = models.BigIntegerField(_("records checked"))
    mismatch_count = models.BigIntegerField(_("mismatches"))
    mismatches = models.JSONField(_("first mismatches"), default=list, blank=True)
    workers = models.PositiveSmallIntegerField(_("processes"), default=1)

    class Meta:
        verbose_name = _("ledger check")
        verbose_name_plural = _("ledger checks")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.finished_at:%Y-%m-%d %H:%M} #{self.head_seq} {'ok' if self.ok else self.mismatch_count}"
