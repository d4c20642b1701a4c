from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    IN_FLIGHT = "in_flight", _("Being sent")
    DELIVERED = "delivered", _("Delivered")
    REJECTED = "rejected", _("Rejected by the national platform")
    FAILED = "failed", _("Failed (dead letter)")
    # A newer version (or a later action) of the same record was queued before this one was delivered.
    # Each national document is whole, so the newer one carries everything this one said; sending this
    # one after it would roll the national record back. Final: never sent, never replayed.
    SUPERSEDED = "superseded", _("Superseded by a newer version")


class AttemptOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    THROTTLED = "throttled", _("Throttled (429)")
    SERVER_ERROR = "server_error", _("Server error")
    CLIENT_ERROR = "client_error", _("Refused request")
    TIMEOUT = "timeout", _("No answer in time")
    CONNECTION = "connection", _("Could not connect")
    BAD_ANSWER = "bad_answer", _("Unreadable answer")
    # The national platform holds a newer version of the record and refused this one (stale_version).
    STALE = "stale", _("Refused as older than the version held")


# The national platform's refusal code for "older than the version I hold" (see mock_national.intake).
STALE_VERSION_CODE = "stale_version"

# Outcomes after which the same request is tried again later (the transport failed, not the data).
TRANSPORT_OUTCOMES = frozenset(
    {
        AttemptOutcome.SERVER_ERROR,
        AttemptOutcome.CLIENT_ERROR,
        AttemptOutcome.TIMEOUT,
        AttemptOutcome.CONNECTION,
        AttemptOutcome.BAD_ANSWER,
    }
)
