"""Counts for the navigation bar: unread notifications and the user's overdue tasks
(kept per user in the cache: alerts/navigation.py)."""

from functools import cached_property

from .navigation import navigation_counts_of


class NavigationCounts:
    """Read only when a template shows one of them (pages without the navigation bar, htmx
    fragments, pay nothing)."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def _counts(self) -> dict:
        return navigation_counts_of(self.user)

    @property
    def unread(self) -> int:
        return self._counts["unread"] or 0

    @property
    def overdue(self) -> int:
        return self._counts["overdue"] or 0


def navigation_counts(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"alerts_counts": NavigationCounts(user)}
