"""Reads of the timetable pages, scoped to the user: objects of a school they manage (its
administrator or director, ``schools.manage_school``); another school's answer 404."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from accounts.access import get_object_for_user
from journal.models import BellPeriod, Lesson, Term, TimetableEntry
from journal.models.calendar import WEEKDAY_CHOICES
from schools.models import AcademicYear, ClassGroup, School, SchoolClass, Student, enrolled_on

MANAGE = "schools.manage_school"
# Replacements and cancellations: the deputy too (journal.rules).
ARRANGE = "journal.arrange_lessons"


def get_managed_entry(user, pk) -> TimetableEntry:
    queryset = TimetableEntry.objects.select_related(
        "school_class__school", "school_class__academic_year", "subject", "teacher", "group"
    )
    return get_object_for_user(user, queryset, perm=MANAGE, pk=pk)


def get_managed_bell(user, pk) -> BellPeriod:
    return get_object_for_user(
        user, BellPeriod.objects.select_related("school"), perm=MANAGE, pk=pk
    )


def get_managed_group(user, pk) -> ClassGroup:
    queryset = ClassGroup.objects.select_related(
        "school_class__school", "school_class__academic_year"
    )
    return get_object_for_user(user, queryset, perm=MANAGE, pk=pk)


def get_arranged_lesson(user, pk) -> Lesson:
    """A lesson whose replacement or cancellation the user arranges."""
    queryset = Lesson.objects.select_related("school", "school_class", "subject", "teacher")
    return get_object_for_user(user, queryset, perm=ARRANGE, pk=pk)


def current_entries(**lookup) -> QuerySet[TimetableEntry]:
    """Template lines in force today or later (a line ended before it began is a tombstone
    kept for its lessons, never shown)."""
    today = timezone.localdate()
    return (
        TimetableEntry.objects.filter(**lookup)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .exclude(valid_to__lt=F("valid_from"))
    )


def timetable_classes(year: AcademicYear) -> QuerySet[SchoolClass]:
    """The year's classes with the number of their current template lines (one query)."""
    today = timezone.localdate()
    in_force = Q(timetable_entries__valid_to__isnull=True) | (
        Q(timetable_entries__valid_to__gte=today)
        & Q(timetable_entries__valid_to__gte=F("timetable_entries__valid_from"))
    )
    return (
        SchoolClass.objects.filter(academic_year=year)
        .select_related("class_teacher")
        .annotate(entry_count=Count("timetable_entries", filter=in_force, distinct=True))
        .order_by("grade", "letter")
    )


@dataclass
class TemplateDay:
    weekday: int
    label: str
    entries: list[TimetableEntry] = field(default_factory=list)


def class_template(school_class: SchoolClass, week_length: int) -> list[TemplateDay]:
    """The class's weekly template by weekday (one query): Monday to the last day of its
    week, and Saturday too when it has lines."""
    days = {
        weekday: TemplateDay(weekday=weekday, label=str(label))
        for weekday, label in WEEKDAY_CHOICES
    }
    entries = (
        current_entries(school_class=school_class)
        .select_related("subject", "teacher", "group")
        .order_by("weekday", "period", "group__name", "valid_from")
    )
    entries = list(entries)
    busy = teacher_clashes(school_class, entries)
    for entry in entries:
        entry.clashes = busy.get((entry.teacher_id, entry.weekday, entry.period), [])
        days[entry.weekday].entries.append(entry)
    return [day for day in days.values() if day.weekday <= week_length or day.entries]


def teacher_clashes(school_class: SchoolClass, entries) -> dict[tuple, list[SchoolClass]]:
    """Other classes where the teachers of ``entries`` teach at the same weekday and period
    (one query): a double booking, or a lesson of two classes' subgroups together — the
    page shows it for the administrator to judge."""
    teacher_ids = {entry.teacher_id for entry in entries}
    busy: dict[tuple, list[SchoolClass]] = {}
    if not teacher_ids:
        return busy
    others = (
        current_entries(school_class__school_id=school_class.school_id, teacher_id__in=teacher_ids)
        .exclude(school_class=school_class)
        .select_related("school_class")
        .order_by("school_class__grade", "school_class__letter")
    )
    for other in others:
        busy.setdefault((other.teacher_id, other.weekday, other.period), []).append(
            other.school_class
        )
    return busy


def bell_periods(school: School) -> list[BellPeriod]:
    return list(BellPeriod.objects.filter(school=school).order_by("number"))


def class_groups(school_class: SchoolClass) -> QuerySet[ClassGroup]:
    return (
        ClassGroup.objects.filter(school_class=school_class)
        .annotate(student_count=Count("students", distinct=True))
        .order_by("name")
    )


def class_students(school_class: SchoolClass):
    """Pupils of the class today, by surname (whom a subgroup may take)."""
    today = timezone.localdate()
    return (
        Student.objects.filter(
            enrolled_on(today, "enrollments__"), enrollments__school_class=school_class
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


def year_terms(year: AcademicYear) -> QuerySet[Term]:
    return Term.objects.filter(academic_year=year).select_related("academic_year")


def day_lessons(
    school: School, day: datetime.date, school_class: SchoolClass | None
) -> list[Lesson]:
    """The school's (or a class's) lessons of ``day`` with whether attendance has marks
    (one query)."""
    lessons = Lesson.objects.filter(school=school, date=day)
    if school_class is not None:
        lessons = lessons.filter(school_class=school_class)
    return list(
        lessons.select_related("school_class", "group", "subject", "teacher", "replaced_teacher")
        .annotate(mark_count=Count("marks"))
        .order_by("school_class__grade", "school_class__letter", "period", "group__name")
    )
