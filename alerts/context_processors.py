"""Counts for the navigation bar: unread notifications and the user's overdue tasks."""

from functools import cached_property

from django.utils import timezone

from .models import Notification, Task
from .permissions import own_tasks_q


class NavigationCounts:
    """Each count is one query, run only when a template shows it (pages without a navbar,
    htmx fragments, pay nothing)."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def unread(self) -> int:
        return Notification.objects.filter(user=self.user, read_at__isnull=True).count()

    @cached_property
    def overdue(self) -> int:
        return Task.objects.filter(
            own_tasks_q(self.user), status=Task.Status.OPEN, due_date__lt=timezone.localdate()
        ).count()


def navigation_counts(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"alerts_counts": NavigationCounts(user)}
