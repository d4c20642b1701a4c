from functools import cached_property

from django.conf import settings

from .access import scope_for
from .choices import Action


class _Navigation:
    """What the workspace menu may show, computed only when a template asks."""

    def __init__(self, user):
        self._user = user

    def _can(self, action) -> bool:
        return self._user.is_authenticated and not scope_for(self._user, action).is_empty

    @cached_property
    def view(self) -> bool:
        """May read some organization's records (any role)."""
        return self._can(Action.VIEW)

    @cached_property
    def personnel(self) -> bool:
        return self._can(Action.PERSONNEL)

    @cached_property
    def change(self) -> bool:
        return self._can(Action.CHANGE)

    @cached_property
    def review(self) -> bool:
        return self._can(Action.REVIEW)

    @cached_property
    def records(self) -> bool:
        """May work with published records of some organization (enter, review or supervise)."""
        return self.change or self.review or self.supervise

    complaints = cached_property(lambda self: self.records or self._can(Action.INTAKE))  # any complaint role

    @cached_property
    def supervise(self) -> bool:
        return self._can(Action.SUPERVISE)

    @cached_property
    def administer(self) -> bool:
        return self._user.is_authenticated and scope_for(self._user, Action.ADMINISTER).everything

    @cached_property
    def unread(self) -> int:
        if not self._user.is_authenticated:
            return 0
        return self._user.notifications.filter(read_at__isnull=True).count()


def site(request):
    return {"SITE_LANGUAGES": settings.LANGUAGES, "nav": _Navigation(getattr(request, "user", None))}
