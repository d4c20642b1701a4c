from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    IN_FLIGHT = "in_flight", _("Being sent")
    DELIVERED = "delivered", _("Delivered")
    REJECTED = "rejected", _("Rejected by the national platform")
    FAILED = "failed", _("Failed (dead letter)")


class AttemptOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    THROTTLED = "throttled", _("Throttled (429)")
    SERVER_ERROR = "server_error", _("Server error")
    CLIENT_ERROR = "client_error", _("Refused request")
    TIMEOUT = "timeout", _("No answer in time")
    CONNECTION = "connection", _("Could not connect")
    BAD_ANSWER = "bad_answer", _("Unreadable answer")


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
