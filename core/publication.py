"""The publication life cycle shared by every public record (disclosures, dishonesty records, pledges).

    draft ──publish──▶ published ──correct──▶ published (version n+1; version n kept)
      │                   │  └──withdraw (reason)──▶ withdrawn
      │                   ├──publicity ends (sweep)──▶ publicity_ended
      │                   └──credit repair──▶ repaired
      └──withdraw (reason; never published, so nothing announced)──▶ withdrawn

Each concrete model inherits `PublishableRecord` and its queryset `PublicationQuerySet`; every
transition appends a `PublicationVersion` row with the record's public payload, which the national
push and the tamper-evident ledger build on.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .access import ScopedQuerySet


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    PUBLICITY_ENDED = "publicity_ended", _("Publicity ended")
    REPAIRED = "repaired", _("Credit repaired")


class PublicationAction(models.TextChoices):
    PUBLISH = "publish", _("Published")
    CORRECT = "correct", _("Corrected")
    WITHDRAW = "withdraw", _("Withdrawn")
    END_PUBLICITY = "end_publicity", _("Publicity ended")
    REPAIR = "repair", _("Credit repaired")


# Which status each action may start from.
ALLOWED_FROM: dict[str, frozenset[str]] = {
    PublicationAction.PUBLISH: frozenset({PublicationStatus.DRAFT}),
    PublicationAction.CORRECT: frozenset({PublicationStatus.PUBLISHED}),
    # A record never published may be withdrawn too (a confirmed dishonesty record found wrong before
    # publication): nothing was announced, so nothing goes to the ledger or the national platform.
    PublicationAction.WITHDRAW: frozenset({PublicationStatus.PUBLISHED, PublicationStatus.DRAFT}),
    PublicationAction.END_PUBLICITY: frozenset({PublicationStatus.PUBLISHED}),
    PublicationAction.REPAIR: frozenset({PublicationStatus.PUBLISHED}),
}
RESULTING_STATUS: dict[str, str] = {
    PublicationAction.PUBLISH: PublicationStatus.PUBLISHED,
    PublicationAction.CORRECT: PublicationStatus.PUBLISHED,
    PublicationAction.WITHDRAW: PublicationStatus.WITHDRAWN,
    PublicationAction.END_PUBLICITY: PublicationStatus.PUBLICITY_ENDED,
    PublicationAction.REPAIR: PublicationStatus.REPAIRED,
}


class PublicationQuerySet(ScopedQuerySet):
    def public_q(self) -> Q:
        today = timezone.localdate()
        return Q(status=PublicationStatus.PUBLISHED) & (
            Q(publicity_ends_on__isnull=True) | Q(publicity_ends_on__gte=today)
        )

    def drafts(self):
        return self.filter(status=PublicationStatus.DRAFT)

    def published(self):
        return self.filter(status=PublicationStatus.PUBLISHED)

    def overdue(self, today: datetime.date | None = None):
        """Drafts past their publication deadline (the deadline day itself is still on time)."""
        return self.drafts().filter(publish_deadline__lt=today or timezone.localdate())

    def publicity_due_to_end(self, today: datetime.date | None = None):
        return self.published().filter(publicity_ends_on__lt=today or timezone.localdate())


def published_on_time(published_at: datetime.datetime | None, deadline: datetime.date | None) -> bool | None:
    """`PublishableRecord.on_time` from the two columns (for lists read without model instances)."""
    if not published_at or not deadline:
        return None
    return timezone.localdate(published_at) <= deadline


class PublishableRecord(models.Model):
    status = models.CharField(
        _("status"), max_length=20, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT
    )
    # 0 while never published; the n-th published version otherwise (corrections add one).
    version = models.PositiveIntegerField(_("version"), default=0)
    publish_deadline = models.DateField(_("publication deadline"), null=True, blank=True)
    deadline_provisional = models.BooleanField(_("deadline provisional"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # users are deactivated, never deleted: nothing looks them up here
    )
    corrected_at = models.DateTimeField(_("last corrected at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    publicity_ends_on = models.DateField(_("publicity ends on"), null=True, blank=True)
    publicity_min_ends_on = models.DateField(_("earliest end of publicity"), null=True, blank=True)
    publicity_ended_at = models.DateTimeField(_("publicity ended at"), null=True, blank=True)
    # Set by the overdue sweep when it has notified reviewers and supervisors, so it does so once.
    overdue_notified_at = models.DateTimeField(_("overdue notice sent at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # users are deactivated, never deleted: nothing looks them up here
    )
    # Who entered it as a stable key ("user:12", "client:5"; core.principals): the four-eyes rule
    # compares this with whoever publishes. The label is only what pages show.
    created_by_principal = models.CharField(_("entered by (principal)"), max_length=40, blank=True, editable=False)
    created_by_label = models.CharField(_("entered by (as shown)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def on_time(self) -> bool | None:
        """Published within the deadline? None while unpublished or without a deadline."""
        return published_on_time(self.published_at, self.publish_deadline)

    @property
    def is_overdue(self) -> bool:
        return (
            self.status == PublicationStatus.DRAFT
            and self.publish_deadline is not None
            and self.publish_deadline < timezone.localdate()
        )

    @property
    def is_public(self) -> bool:
        return self.status == PublicationStatus.PUBLISHED and (
            self.publicity_ends_on is None or self.publicity_ends_on >= timezone.localdate()
        )
