from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """What the complaint is about: the forms of government dishonesty the plan names (§5, §9–§13). Each is
    an Open311 service (its code is the value)."""

    BROKEN_PLEDGE = "broken_pledge", _("A government pledge not kept (不兑现政务承诺)")
    CONTRACT_DEFAULT = "contract_default", _("A contract broken: procurement, investment, PPP (违约毁约)")
    ARREARS = "arrears", _("Payments owed to a business left unpaid (拖欠企业账款)")
    COURT_JUDGMENT = "court_judgment", _("A court judgment not carried out (不执行法院生效判决)")
    NEW_OFFICIALS = "new_officials", _("New officials disowning predecessors' commitments (新官不理旧账)")
    DISCLOSURE = "disclosure", _("Decisions not made public on time (未按规定公示)")
    SERVICE_CONDUCT = "service_conduct", _("Shirking, delay or demands when handling matters (推诿拖延、吃拿卡要)")
    OTHER = "other", _("Other government dishonesty (其他政务失信行为)")


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    API = "api", _("API")
    OPEN311 = "open311", _("Open311 client")
    HOTLINE = "hotline", _("12345 hotline")
    PHONE = "phone", _("Telephone")
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("Visit in person")


STAFF_CHANNELS = (Channel.PHONE, Channel.LETTER, Channel.VISIT)


class Status(models.TextChoices):
    RECEIVED = "received", _("Received, awaiting a decision on acceptance")
    ACCEPTED = "accepted", _("Accepted, being handled")
    DECLINED = "declined", _("Not accepted (不予受理)")
    REPLIED = "replied", _("Replied")
    REVIEW_REQUESTED = "review_requested", _("Review requested (复核)")
    REVIEWED = "reviewed", _("Reviewed")
    MERGED = "merged", _("Merged into another complaint about the same matter")


OPEN_STATUSES = (Status.RECEIVED, Status.ACCEPTED, Status.REVIEW_REQUESTED)


class EventKind(models.TextChoices):
    FILED = "filed", _("Filed")
    INFORMATION_ADDED = "information_added", _("The complainant added information")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Not accepted")
    ASSIGNED = "assigned", _("Assigned for handling")
    TRANSFERRED = "transferred", _("Transferred to another organization")
    EXTENDED = "extended", _("Handling period extended")
    REPLIED = "replied", _("Replied")
    REVIEW_REQUESTED = "review_requested", _("Review requested")
    REVIEWED = "reviewed", _("Review answered")
    RATED = "rated", _("Satisfaction rated")
    REOPENED = "reopened", _("Reopened")
    ESCALATED = "escalated", _("Escalated to supervisors")
    OVERDUE = "overdue", _("Deadline passed")
    MERGED = "merged", _("Merged")
    SUBSTANTIATED = "substantiated", _("Found substantiated: a dishonesty record proposed")
    NOTE = "note", _("Internal note")


class DeadlineKind(models.TextChoices):
    """The periods of 信访工作条例 (2022), in calendar days (日); defaults in migration 0002."""

    ACCEPT = "accept", _("Decide on acceptance (from receipt)")
    HANDLE = "handle", _("Handle and reply (from acceptance)")
    EXTENSION = "extension", _("Longest extension of the handling period")
    REVIEW_REQUEST = "review_request", _("Ask for a review (from the written reply)")
    REVIEW_ANSWER = "review_answer", _("Answer a review (from the request)")


DEFAULT_DEADLINE_DAYS = {
    DeadlineKind.ACCEPT: (15, "信访工作条例（2022）"),
    DeadlineKind.HANDLE: (60, "信访工作条例（2022）"),
    DeadlineKind.EXTENSION: (30, "信访工作条例（2022）"),
    DeadlineKind.REVIEW_REQUEST: (30, "信访工作条例（2022）"),
    DeadlineKind.REVIEW_ANSWER: (30, "信访工作条例（2022）"),
}


class DeclineReason(models.TextChoices):
    """Why a complaint is not accepted (信访工作条例 and the platform's remit)."""

    NOT_DISHONESTY = "not_dishonesty", _("Not about government dishonesty: referred to the competent channel")
    LITIGATION = "litigation", _("Being dealt with by a court, arbitration or administrative review")
    ALREADY_HANDLED = "already_handled", _("The same matter was already handled and answered")
    NOT_ENOUGH = "not_enough", _("Too little to act on: no organization or facts identifiable")
    OTHER = "other", _("Other (stated)")
