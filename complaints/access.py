"""Who may do what with a complaint, and the one way to the complainant's identity.

- intake officers (信访局) over the organization complained about: everything, identity included;
- the handling organization's staff: investigate and reply; its reviewers (the 负责人 who approve) and
  supervisors over it: extend, transfer, reopen, escalate, answer a review;
- the identity: intake officers; handlers, approvers and supervisors only when the complainant
  consented — so never the organization complained about without consent — and each reading is
  logged (core.personal_data.reveal).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.access import scope_for
from core.choices import Action
from core.personal_data import reveal


def _covers(user, action: str, organization) -> bool:
    return organization is not None and scope_for(user, action).covers(organization.path)


def may_intake(user, complaint) -> bool:
    return _covers(user, Action.INTAKE, complaint.organization)


def may_handle(user, complaint) -> bool:
    return _covers(user, Action.CHANGE, complaint.handling_organization)


def may_approve(user, complaint) -> bool:
    """The handling organization's head (its reviewers) or a supervisor over it: extensions, reviews."""
    organization = complaint.handling_organization
    return _covers(user, Action.REVIEW, organization) or _covers(user, Action.SUPERVISE, organization)


def may_supervise(user, complaint) -> bool:
    return _covers(user, Action.SUPERVISE, complaint.organization) or _covers(
        user, Action.SUPERVISE, complaint.handling_organization
    )


def may_see_identity(user, complaint) -> bool:
    if complaint.anonymous:
        return False
    if may_intake(user, complaint):
        return True
    return complaint.consent_to_share and (
        may_handle(user, complaint) or may_approve(user, complaint) or may_supervise(user, complaint)
    )


def identity_of(user, complaint, *, reason: str) -> dict[str, str] | None:
    """The complainant's name and contacts for someone allowed, who says why (logged); None otherwise."""
    if not may_see_identity(user, complaint):
        return None
    complainant = getattr(complaint, "complainant", None)
    if complainant is None:
        return None
    return reveal(
        target=complainant,
        actor=user,
        reason=reason,
        action="complaints.identity.view",
        names=complainant.IDENTITY_FIELDS,
        purpose_message=_("Say why you need to see who complained."),
    )


def masked_name(name: str) -> str:
    """王小明 → 王**: enough to tell two complainants apart on a page, not to know who they are."""
    name = (name or "").strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""
