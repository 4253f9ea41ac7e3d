"""Editing the weekly timetable template and the bell schedule (R-CAL-3, R-A).

A template line (``TimetableEntry``) is valid from a date: a class's new line starts
with its academic year. A change made "from a date" after lessons were already held
from the line ends the old line the day before and starts a new one, so the lessons
already given keep the line they came from; a line with no lesson before that date is
simply changed. Removing a line that lessons came from ends it rather than deleting
it: the next lesson generation (``journal.timetable.plan_lessons``) then finds its
future lessons and removes those not yet worked with. A line never used is deleted.

Who may call these services is checked by the caller (views ask ``rules``); every
change writes its audit entry in its transaction. Refusals are ``JournalError`` with
a Russian message.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from audit.services import log_action
from journal.models import BellPeriod, TimetableEntry
from journal.models.calendar import WEEKDAY_CHOICES
from journal.services.errors import JournalError
from schools.models import ClassGroup, School, SchoolClass, Subject

ONE_DAY = datetime.timedelta(days=1)
WEEKDAYS = dict(WEEKDAY_CHOICES)
MAX_PERIOD = 12
TEACHING_ROLES = (Role.SUBJECT_TEACHER, Role.CLASS_TEACHER, Role.DEPUTY, Role.DIRECTOR)


def teacher_candidates(school: School):
    """Active people who teach in ``school``: whom a template line or a replacement names."""
    return (
        User.objects.filter(
            is_active=True,
            role_assignments__school=school,
            role_assignments__role__in=TEACHING_ROLES,
        )
        .distinct()
        .order_by("last_name", "first_name", "patronymic")
    )


def _state(entry: TimetableEntry) -> dict:
    return {
        "weekday": entry.weekday,
        "period": entry.period,
        "subject_id": entry.subject_id,
        "teacher_id": entry.teacher_id,
        "group_id": entry.group_id,
        "room": entry.room,
        "valid_from": entry.valid_from.isoformat(),
        "valid_to": entry.valid_to.isoformat() if entry.valid_to else None,
    }


def _check(
    *,
    school_class: SchoolClass,
    weekday: int,
    period: int,
    subject: Subject,
    teacher,
    group: ClassGroup | None,
    room: str,
) -> str:
    school = school_class.school
    if weekday not in WEEKDAYS:
        raise JournalError(_("День недели — с понедельника по субботу."))
    if not 1 <= period <= MAX_PERIOD:
        raise JournalError(_("Номер урока — от 1 до %(n)d.") % {"n": MAX_PERIOD})
    bells = set(BellPeriod.objects.filter(school=school).values_list("number", flat=True))
    if bells and period not in bells:
        raise JournalError(
            _("В расписании звонков школы нет %(n)d-го урока: сначала добавьте звонок.")
            % {"n": period}
        )
    if subject.school_id != school.pk:
        raise JournalError(_("Предмет относится к другой школе."))
    if subject.archived:
        raise JournalError(_("Предмет «%(name)s» в архиве.") % {"name": subject})
    if not teacher_candidates(school).filter(pk=teacher.pk).exists():
        raise JournalError(
            _("%(name)s не ведёт уроки в этой школе: нужна роль учителя.") % {"name": teacher}
        )
    if group is not None and group.school_class_id != school_class.pk:
        raise JournalError(_("Подгруппа относится к другому классу."))
    room = (room or "").strip()
    if len(room) > TimetableEntry._meta.get_field("room").max_length:
        raise JournalError(_("Номер кабинета слишком длинный."))
    return room


def _check_slot_free(
    *,
    school_class: SchoolClass,
    weekday: int,
    period: int,
    group: ClassGroup | None,
    valid_from: datetime.date,
    valid_to: datetime.date | None,
    exclude_pk=None,
) -> None:
    """A class's slot holds either one whole-class line or lines of distinct subgroups."""
    overlapping = TimetableEntry.objects.filter(
        school_class=school_class, weekday=weekday, period=period
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from))
    if valid_to is not None:
        overlapping = overlapping.filter(valid_from__lte=valid_to)
    # A line ended before it began (``remove_entry``) is never active: it clashes with nothing.
    overlapping = overlapping.exclude(pk=exclude_pk).exclude(valid_to__lt=F("valid_from"))
    if group is None:
        clash = overlapping.exists()
    else:
        clash = overlapping.filter(Q(group__isnull=True) | Q(group=group)).exists()
    if clash:
        raise JournalError(
            _(
                "У класса %(cls)s в %(day)s на %(n)d-м уроке уже есть занятие "
                "(весь класс или эта подгруппа)."
            )
            % {"cls": school_class, "day": WEEKDAYS[weekday], "n": period}
        )


@transaction.atomic
def add_entry(
    *,
    school_class: SchoolClass,
    weekday: int,
    period: int,
    subject: Subject,
    teacher,
    group: ClassGroup | None = None,
    room: str = "",
    valid_from: datetime.date | None = None,
    acting_user,
) -> TimetableEntry:
    """A new line of the class's template, valid from ``valid_from`` (default: the first
    day of the class's academic year) to the end of the year."""
    year = school_class.academic_year
    valid_from = valid_from or year.start_date
    if not year.start_date <= valid_from <= year.end_date:
        raise JournalError(_("Дата начала вне учебного года класса."))
    room = _check(
        school_class=school_class,
        weekday=weekday,
        period=period,
        subject=subject,
        teacher=teacher,
        group=group,
        room=room,
    )
    _check_slot_free(
        school_class=school_class,
        weekday=weekday,
        period=period,
        group=group,
        valid_from=valid_from,
        valid_to=None,
    )
    entry = TimetableEntry.objects.create(
        school_class=school_class,
        weekday=weekday,
        period=period,
        subject=subject,
        teacher=teacher,
        group=group,
        room=room,
        valid_from=valid_from,
    )
    log_action(
        actor=acting_user,
        action="journal.timetable_entry.added",
        obj=entry,
        data=_state(entry),
    )
    return entry


@transaction.atomic
def change_entry(
    *,
    entry: TimetableEntry,
    weekday: int,
    period: int,
    subject: Subject,
    teacher,
    group: ClassGroup | None,
    room: str,
    from_date: datetime.date,
    acting_user,
) -> TimetableEntry | None:
    """Change a line from ``from_date`` on; returns the line valid from then (the same or a
    new one), ``None`` when nothing changes."""
    entry = (
        TimetableEntry.objects.select_for_update().select_related("school_class").get(pk=entry.pk)
    )
    school_class = entry.school_class
    room = _check(
        school_class=school_class,
        weekday=weekday,
        period=period,
        subject=subject,
        teacher=teacher,
        group=group,
        room=room,
    )
    new = {
        "weekday": weekday,
        "period": period,
        "subject_id": subject.pk,
        "teacher_id": teacher.pk,
        "group_id": group.pk if group else None,
        "room": room,
    }
    old = _state(entry)
    if all(old[key] == value for key, value in new.items()):
        return None
    if entry.valid_to is not None and from_date > entry.valid_to:
        raise JournalError(
            _("Строка расписания действует только по %(date)s.")
            % {"date": f"{entry.valid_to:%d.%m.%Y}"}
        )
    split = from_date > entry.valid_from and entry.lessons.filter(date__lt=from_date).exists()
    valid_from = from_date if split else entry.valid_from
    _check_slot_free(
        school_class=school_class,
        weekday=weekday,
        period=period,
        group=group,
        valid_from=valid_from,
        valid_to=entry.valid_to,
        exclude_pk=entry.pk,
    )
    if split:
        successor = TimetableEntry.objects.create(
            school_class=school_class,
            valid_from=from_date,
            valid_to=entry.valid_to,
            **new,
        )
        entry.valid_to = from_date - ONE_DAY
        entry.save(update_fields=["valid_to"])
    else:
        for key, value in new.items():
            setattr(entry, key, value)
        entry.save()
        successor = entry
    log_action(
        actor=acting_user,
        action="journal.timetable_entry.changed",
        obj=successor,
        data={"old": old, "new": _state(successor), "split_from": entry.pk if split else None},
    )
    return successor


@transaction.atomic
def remove_entry(*, entry: TimetableEntry, from_date: datetime.date, acting_user) -> bool:
    """Take a line out of the template from ``from_date``. True when the line is deleted
    (no lesson ever came from it), False when it is ended and kept for its lessons."""
    entry = TimetableEntry.objects.select_for_update().get(pk=entry.pk)
    old = _state(entry)
    if not entry.lessons.exists():
        log_action(actor=acting_user, action="journal.timetable_entry.removed", obj=entry, data=old)
        entry.delete()
        return True
    # Ended the day before ``from_date``; a line ended before it began is never active but
    # still names its lessons, which the next generation removes (those not worked with).
    entry.valid_to = max(from_date, entry.valid_from) - ONE_DAY
    if old["valid_to"] is not None and entry.valid_to > datetime.date.fromisoformat(
        old["valid_to"]
    ):
        entry.valid_to = datetime.date.fromisoformat(old["valid_to"])
    entry.save(update_fields=["valid_to"])
    log_action(
        actor=acting_user,
        action="journal.timetable_entry.ended",
        obj=entry,
        data={"old": old, "new": _state(entry)},
    )
    return False


def _bell_state(period: BellPeriod) -> dict:
    return {
        "number": period.number,
        "start_time": period.start_time.strftime("%H:%M"),
        "end_time": period.end_time.strftime("%H:%M"),
    }


@transaction.atomic
def save_bell_period(
    *,
    school: School,
    number: int,
    start_time: datetime.time,
    end_time: datetime.time,
    acting_user,
    period: BellPeriod | None = None,
) -> BellPeriod:
    """Add a period to the bell schedule, or change ``period``. Periods follow one another
    without overlapping."""
    if not 1 <= number <= MAX_PERIOD:
        raise JournalError(_("Номер урока — от 1 до %(n)d.") % {"n": MAX_PERIOD})
    if start_time >= end_time:
        raise JournalError(_("Урок должен заканчиваться позже, чем начинается."))
    others = BellPeriod.objects.select_for_update().filter(school=school)
    if period is not None:
        others = others.exclude(pk=period.pk)
    for other in others:
        if other.number == number:
            raise JournalError(_("%(n)d-й урок в расписании звонков уже есть.") % {"n": number})
        if start_time < other.end_time and other.start_time < end_time:
            raise JournalError(
                _("Время пересекается с %(n)d-м уроком (%(time)s).")
                % {"n": other.number, "time": str(other)}
            )
        if (other.number < number) != (other.start_time < start_time):
            raise JournalError(_("Уроки идут по порядку номеров: %(time)s.") % {"time": str(other)})
    old = _bell_state(period) if period is not None else None
    if period is None:
        period = BellPeriod(school=school)
    period.number, period.start_time, period.end_time = number, start_time, end_time
    if old == _bell_state(period):
        return period
    period.save()
    log_action(
        actor=acting_user,
        action="journal.bell_period.saved",
        obj=period,
        data={"old": old, "new": _bell_state(period)},
    )
    return period


@transaction.atomic
def remove_bell_period(*, period: BellPeriod, acting_user) -> None:
    """Remove a period from the bell schedule unless a current template line uses it."""
    in_use = TimetableEntry.objects.filter(
        school_class__school_id=period.school_id, period=period.number
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=timezone.localdate()))
    if in_use.exists():
        raise JournalError(
            _("%(n)d-й урок есть в расписании классов: сначала уберите его из расписания.")
            % {"n": period.number}
        )
    log_action(
        actor=acting_user,
        action="journal.bell_period.removed",
        obj=period,
        data={"old": _bell_state(period)},
    )
    period.delete()
