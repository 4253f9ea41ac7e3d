"""Timetable services (R-CAL-3): weekly template → concrete lessons, cancellations, replacements.

Lessons are generated from the active ``TimetableEntry`` rows for every school
day of a class (``journal.calendar``). On a moved working day the class follows
the timetable of the weekday the calendar names (Saturday 2025-11-01 runs
Monday's lessons). Generation only adds lessons: a slot (class, group, date,
period) that already has a lesson is left alone, whether it was generated
earlier, edited, cancelled or entered by hand, so running it again is harmless.
Lessons are never deleted here; a lesson that should not happen is cancelled.

Who may call these services is checked by the caller (views ask ``rules``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.selectors import school_ids_for_user
from audit.services import log_action
from journal.calendar import SchoolCalendar
from journal.models import Lesson, Term, TimetableEntry
from journal.services.errors import JournalError
from schools.models import School, SchoolClass

BULK_BATCH_SIZE = 1000


def generate_lessons(
    *,
    school: School,
    start: datetime.date,
    end: datetime.date,
    acting_user=None,
    school_class: SchoolClass | None = None,
) -> int:
    """Create the lessons of ``school`` (or of one class) from ``start`` to ``end``.

    Returns the number of lessons created. Runs a bounded number of queries
    whatever the number of classes and days.
    """
    if start > end:
        raise JournalError(_("Дата начала позже даты окончания."))
    if school_class is not None and school_class.school_id != school.pk:
        raise JournalError(_("Класс относится к другой школе."))

    classes = SchoolClass.objects.filter(
        school=school, academic_year__start_date__lte=end, academic_year__end_date__gte=start
    )
    if school_class is not None:
        classes = classes.filter(pk=school_class.pk)
    classes = list(classes)
    if not classes:
        return 0

    calendar = SchoolCalendar.for_school(school, start, end)
    entries = _entries_by_class_and_weekday(classes, start, end)
    with transaction.atomic():
        taken = _taken_slots(classes, start, end)
        lessons = []
        for current_class in classes:
            for day in calendar.school_days(current_class):
                for entry in entries.get((current_class.pk, calendar.timetable_weekday(day)), ()):
                    slot = (current_class.pk, entry.group_id, day, entry.period)
                    if slot in taken or not entry.active_on(day):
                        continue
                    taken.add(slot)
                    lessons.append(_lesson_from_entry(school, entry, day))
        # ignore_conflicts covers a concurrent run that filled a slot since we looked.
        Lesson.objects.bulk_create(lessons, batch_size=BULK_BATCH_SIZE, ignore_conflicts=True)
        if lessons:
            log_action(
                actor=acting_user,
                action="journal.lessons.generated",
                obj=school,
                data={
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                    "school_class": school_class.pk if school_class else None,
                    "created": len(lessons),
                },
            )
    return len(lessons)


def _entries_by_class_and_weekday(classes, start, end) -> dict[tuple[int, int], list]:
    entries = TimetableEntry.objects.filter(school_class__in=classes, valid_from__lte=end).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=start)
    )
    grouped = defaultdict(list)
    for entry in entries.order_by("period", "valid_from", "pk"):
        grouped[(entry.school_class_id, entry.weekday)].append(entry)
    return grouped


def _taken_slots(classes, start, end) -> set[tuple]:
    return set(
        Lesson.objects.filter(school_class__in=classes, date__range=(start, end)).values_list(
            "school_class_id", "group_id", "date", "period"
        )
    )


def _lesson_from_entry(school: School, entry: TimetableEntry, day: datetime.date) -> Lesson:
    return Lesson(
        school=school,
        school_class_id=entry.school_class_id,
        group_id=entry.group_id,
        date=day,
        period=entry.period,
        subject_id=entry.subject_id,
        teacher_id=entry.teacher_id,
        duration_minutes=school.lesson_minutes,
        source_entry=entry,
    )


def generate_term_lessons(*, term: Term, acting_user=None) -> int:
    """Create the lessons of every class of the term's school for the whole term."""
    return generate_lessons(
        school=term.academic_year.school,
        start=term.start_date,
        end=term.end_date,
        acting_user=acting_user,
    )


def cancel_lesson(*, lesson: Lesson, reason: str, acting_user) -> Lesson:
    """Cancel a lesson (it no longer counts as instructional time); marks must be removed first."""
    reason = (reason or "").strip()
    if not reason:
        raise JournalError(_("Укажите причину отмены урока."))
    with transaction.atomic():
        lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
        if lesson.is_cancelled:
            raise JournalError(_("Урок уже отменён."))
        if lesson.marks.exists():
            raise JournalError(
                _(
                    "На уроке уже отмечена посещаемость: сначала снимите отметки, затем отмените урок."
                )
            )
        lesson.status = Lesson.Status.CANCELLED
        lesson.cancel_reason = reason
        lesson.save(update_fields=["status", "cancel_reason"])
        log_action(
            actor=acting_user,
            action="journal.lesson.cancelled",
            obj=lesson,
            data={"reason": reason},
        )
    return lesson


def replace_teacher(*, lesson: Lesson, teacher, acting_user) -> Lesson:
    """Give a lesson to a substitute; ``replaced_teacher`` keeps the planned teacher.

    Replacing a substitute again keeps the planned teacher recorded; giving the
    lesson back to the planned teacher clears the replacement.
    """
    if lesson.school_id not in school_ids_for_user(teacher):
        raise JournalError(_("Замещающий учитель не работает в этой школе."))
    with transaction.atomic():
        lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
        if lesson.is_cancelled:
            raise JournalError(_("Урок отменён: замена не назначается."))
        if lesson.teacher_id == teacher.pk:
            raise JournalError(_("Этот учитель уже ведёт урок."))
        previous_teacher_id = lesson.teacher_id
        planned_teacher_id = lesson.replaced_teacher_id or lesson.teacher_id
        lesson.teacher = teacher
        lesson.replaced_teacher_id = (
            None if teacher.pk == planned_teacher_id else planned_teacher_id
        )
        lesson.save(update_fields=["teacher", "replaced_teacher"])
        log_action(
            actor=acting_user,
            action="journal.lesson.teacher_replaced",
            obj=lesson,
            data={
                "teacher": teacher.pk,
                "previous_teacher": previous_teacher_id,
                "planned_teacher": planned_teacher_id,
            },
        )
    return lesson
