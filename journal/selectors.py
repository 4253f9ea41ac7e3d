"""Reads for the journal, scoped and with bounded queries."""

import datetime

from django.db.models import Q, QuerySet

from schools.models import Student, enrolled_on

from .models import ExcuseDocument, Lesson, Mark, TimetableEntry


def taught_classes(user) -> Q:
    """Q over SchoolClass: the classes a timetable line or a lesson names ``user`` the
    teacher of (registered with ``schools.teaching`` at start-up)."""
    return Q(pk__in=TimetableEntry.objects.filter(teacher=user).values("school_class_id")) | Q(
        pk__in=Lesson.objects.filter(teacher=user).values("school_class_id")
    )


def lesson_roster(lesson: Lesson) -> QuerySet[Student]:
    """Students who attend ``lesson``: enrolled in its class on its date (and in its subgroup)."""
    students = Student.objects.filter(
        Q(enrollments__school_class_id=lesson.school_class_id)
        & enrolled_on(lesson.date, "enrollments__")
    )
    if lesson.group_id:
        students = students.filter(class_groups=lesson.group_id)
    return students.distinct().order_by("last_name", "first_name", "patronymic", "pk")


def is_on_roster(lesson: Lesson, student_id: int) -> bool:
    return lesson_roster(lesson).filter(pk=student_id).exists()


def active_excuses_for(student_ids, start: datetime.date, end: datetime.date):
    """Active excuse documents of these students overlapping [start, end], lessons prefetched."""
    return (
        ExcuseDocument.objects.filter(
            student_id__in=student_ids,
            withdrawn_at__isnull=True,
            start_date__lte=end,
            end_date__gte=start,
        )
        .prefetch_related("lessons")
        .order_by("received_at", "pk")
    )


def excuse_covers(excuse: ExcuseDocument, lesson_id: int, day: datetime.date) -> bool:
    """A document covers a lesson inside its dates, restricted to its chosen lessons if any."""
    if not (excuse.start_date <= day <= excuse.end_date):
        return False
    chosen = {lesson.pk for lesson in excuse.lessons.all()}
    return not chosen or lesson_id in chosen


def covering_excuse(excuses, mark_or_lesson_id, day, student_id) -> ExcuseDocument | None:
    for excuse in excuses:
        if excuse.student_id == student_id and excuse_covers(excuse, mark_or_lesson_id, day):
            return excuse
    return None


def marks_of_lesson(lesson: Lesson) -> dict[int, Mark]:
    return {mark.student_id: mark for mark in Mark.objects.filter(lesson=lesson)}
