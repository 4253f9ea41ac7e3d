"""Counts for the navigation bar: unread notifications and the user's overdue tasks."""

from functools import cached_property

from django.db.models import F, Func, IntegerField, Subquery
from django.utils import timezone

from accounts.models import User

from .models import Notification, Task
from .rules import own_tasks_q


def _count(queryset) -> Subquery:
    """``SELECT COUNT(*)`` of ``queryset`` as a scalar subquery (0 when nothing matches)."""
    counted = queryset.order_by().annotate(
        count=Func(F("pk"), function="COUNT", output_field=IntegerField())
    )
    return Subquery(counted.values("count")[:1], output_field=IntegerField())


class NavigationCounts:
    """Both counts in one query, run only when a template shows one of them (pages without
    the navigation bar, htmx fragments, pay nothing)."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def _counts(self) -> dict:
        unread = Notification.objects.filter(user=self.user, read_at__isnull=True)
        overdue = Task.objects.filter(
            own_tasks_q(self.user), status=Task.Status.OPEN, due_date__lt=timezone.localdate()
        )
        return (
            User.objects.filter(pk=self.user.pk)
            .values(unread=_count(unread), overdue=_count(overdue))
            .get()
        )

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
