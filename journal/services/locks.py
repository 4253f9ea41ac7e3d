import datetime

from ..models import LockedWeek


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def is_week_locked(school_class_id: int, day: datetime.date) -> bool:
    return LockedWeek.objects.filter(
        school_class_id=school_class_id, week_start=week_start(day)
    ).exists()
