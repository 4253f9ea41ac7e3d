"""The navigation bar's counts (unread notifications, overdue tasks), kept per user.

Every full page shows them, and building their query took a twelfth of the web workers'
time under load (issue 14), so they are kept in the cache for
``NAVIGATION_COUNTS_CACHE_SECONDS`` per user (0: not kept; the test settings count them on
every page). The user's own reading and completing forgets them, at once and again when
the change commits; what others do (a new alert, a task handed over) shows within the
minute. The inbox and the task list themselves are always read live. With the cache down
(Redis), the counts come from the database and every page still shows
(``accounts.caching``).
"""

from django.conf import settings
from django.db.models import F, Func, IntegerField, Subquery
from django.utils import timezone

from accounts.caching import forget, kept
from accounts.models import User

from .models import Notification, Task
from .rules import own_tasks_q


def _cache_key(user_id: int) -> str:
    return f"alerts:navigation-counts:{user_id}"


def _count(queryset) -> Subquery:
    """``SELECT COUNT(*)`` of ``queryset`` as a scalar subquery (0 when nothing matches)."""
    counted = queryset.order_by().annotate(
        count=Func(F("pk"), function="COUNT", output_field=IntegerField())
    )
    return Subquery(counted.values("count")[:1], output_field=IntegerField())


def _read(user) -> dict:
    """Both counts in one query."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    overdue = Task.objects.filter(
        own_tasks_q(user), status=Task.Status.OPEN, due_date__lt=timezone.localdate()
    )
    return (
        User.objects.filter(pk=user.pk).values(unread=_count(unread), overdue=_count(overdue)).get()
    )


def navigation_counts_of(user) -> dict:
    """{"unread": n, "overdue": n} of ``user``, from the cache when it has them."""
    seconds = settings.NAVIGATION_COUNTS_CACHE_SECONDS
    return kept(_cache_key(user.pk), seconds, lambda: _read(user))


def forget_navigation_counts(user_id: int) -> None:
    """The user's counts are read again on their next page."""
    forget([_cache_key(user_id)])
