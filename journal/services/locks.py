"""When marks and reasons need the deputy to change them (R-J-6, setting journal.mark_edit_lock).

* ``week_approved`` (default): once the class's reporting week is locked — a LockedWeek
  row, written when its рапортичка is approved;
* ``days_after_lesson``: once ``journal.mark_edit_lock_days`` days have passed since the day;
* ``never``: marks stay editable by their author and the class teacher.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audit.services import log_action
from policy.services import settings_for

from ..models import LockedWeek


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def is_week_locked(school_class_id: int, day: datetime.date, *, school=None, policy=None) -> bool:
    """``policy``: the school's settings when the caller has them already."""
    rule, days = "week_approved", 0
    if school is not None or policy is not None:
        values = policy if policy is not None else settings_for(school)
        rule, days = values["journal.mark_edit_lock"], values["journal.mark_edit_lock_days"]
    if rule == "never":
        return False
    if rule == "days_after_lesson":
        return timezone.localdate() > day + datetime.timedelta(days=days)
    return LockedWeek.objects.filter(
        school_class_id=school_class_id, week_start=week_start(day)
    ).exists()


def lock_week(*, school_class, week_start: datetime.date, acting_user, reason: str = "") -> bool:
    """Lock a class's week (its рапортичка is approved): from now on only the deputy changes
    its marks. Idempotent: False when the week was locked already. Only the school's deputy
    or director locks a week (``journal.lock_weeks``): they approve the рапортичка."""
    if not acting_user.has_perm("journal.lock_weeks", school_class):
        raise PermissionDenied
    lock, created = LockedWeek.objects.get_or_create(
        school_class=school_class,
        week_start=week_start,
        defaults={"locked_by": acting_user, "reason": reason[:300]},
    )
    if created:
        log_action(
            actor=acting_user,
            action="journal.week.locked",
            obj=lock,
            school=school_class.school,
            data={"class": str(school_class), "week_start": week_start.isoformat()},
        )
    return created
