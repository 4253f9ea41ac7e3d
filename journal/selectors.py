"""Reads for the journal, scoped to the user and with bounded queries; one fetch-or-404
helper per kind of object (``accounts.access``)."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.access import get_object_for_user
from accounts.caching import forget, kept
from accounts.roles import WHOLE_SCHOOL_ROLES, Role
from accounts.selectors import school_ids_for_user, school_ids_with_role
from audit.models import AuditEntry
from schools.models import Enrollment, Student, enrolled_on
from schools.selectors import get_student_for_user

from .models import (
    BellPeriod,
    ExcuseDocument,
    GuardianNote,
    Lesson,
    Mark,
    ReasonStatus,
    TimetableEntry,
)
from .services.history import ACTIONS


def history_entries(student: Student, school_id: int) -> QuerySet[AuditEntry]:
    """A student's attendance history in one school, newest first (R-J-6): their journal
    entries of the audit log (``journal.services.history``)."""
    return (
        AuditEntry.objects.filter(student=student, school_id=school_id, action__in=ACTIONS)
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


# What the lesson's page shows of it.
LESSON_PAGE_RELATED = (
    "school",
    "school_class",
    "subject",
    "group",
    "teacher",
    "attendance_taken_by",
)
# What a tap reads (the audit entry's school, the class's teacher, the history's subject):
# PostgreSQL plans a join of seven tables in ~2 ms, of five in ~0.3 ms, and the ORM builds
# each joined row. Who took attendance (the status line) is the user who taps, or one more
# query (journal.views.marking.lesson_mark).
MARKING_RELATED = ("school", "school_class", "subject")


def get_lesson_for_user(
    user,
    lesson_id: int,
    *,
    perm: str = "journal.view_lesson",
    related: tuple[str, ...] = LESSON_PAGE_RELATED,
) -> Lesson:
    """The lesson if ``user`` may ``perm`` it: 404 outside the user's schools, 403 inside."""
    lessons = Lesson.objects.select_related(*related)
    return get_object_for_user(user, lessons, perm=perm, pk=lesson_id)


def get_excuse_for_user(user, excuse_id: int, *, perm: str) -> ExcuseDocument:
    """The document if ``user`` may ``perm`` it (asked of the class the student was in over
    its dates): 404 outside the user's schools, 403 inside."""
    excuses = ExcuseDocument.objects.select_related("student")
    return get_object_for_user(user, excuses, perm=perm, pk=excuse_id)


def get_student_enrollment_for_user(
    user, student_id: int, *, day: datetime.date | None = None
) -> tuple[Student, Enrollment]:
    """The student and the enrollment whose class decides what ``user`` may see.

    404 for a student of another school; 403 for a same-school user who may not see the
    attendance of the student's class. The enrollment is the one covering ``day`` in one
    of the user's schools, else the latest there.
    """
    student = get_student_for_user(user, student_id)
    enrollments = Enrollment.objects.filter(student=student).select_related(
        "school_class__academic_year", "school_class__school", "school_class__class_teacher"
    )
    if not user.is_superuser:
        enrollments = enrollments.filter(school_id__in=school_ids_for_user(user))
    enrollments = list(enrollments.order_by("-start_date", "-pk"))
    if not enrollments:
        raise Http404
    day = day or timezone.localdate()
    enrollment = next((e for e in enrollments if e.covers(day)), enrollments[0])
    if not (
        user.has_perm("journal.view_class_attendance", enrollment.school_class)
        or user.has_perm("journal.view_student_attendance", student)
    ):
        raise PermissionDenied
    return student, enrollment


@dataclass(frozen=True)
class _SchoolScope:
    """Stands for a whole school when asking a school-wide permission (rules read school_id)."""

    school_id: int


def _unmarked_lessons_scope(user) -> tuple[Q, bool]:
    """Which lessons' marking the user oversees (a Q over Lesson), and whether a whole
    school is among them. 403 when none."""
    if not user.has_perm("journal.view_unmarked_lessons"):
        raise PermissionDenied
    school_ids = school_ids_for_user(user)
    whole = {
        school_id
        for school_id in school_ids
        if user.has_perm("journal.view_school_attendance", _SchoolScope(school_id))
    }
    homeroom = school_ids_with_role(user, Role.CLASS_TEACHER)
    teaching = school_ids_with_role(user, Role.SUBJECT_TEACHER)
    if not (whole or homeroom or teaching):
        raise PermissionDenied
    scope = (
        Q(school_id__in=whole)
        | Q(school_id__in=homeroom, school_class__class_teacher=user)
        | Q(school_id__in=school_ids, teacher=user)
    )
    return scope, bool(whole)


def unmarked_lessons_for_user(
    user, date_from: datetime.date, date_to: datetime.date
) -> tuple[QuerySet[Lesson], bool]:
    """Scheduled lessons of the period whose attendance was not taken, that the user
    oversees, by teacher and date; and whether a whole school is among them. 403 when the
    user oversees none."""
    scope, whole_school = _unmarked_lessons_scope(user)
    lessons = (
        Lesson.objects.filter(
            scope,
            date__gte=date_from,
            date__lte=date_to,
            status=Lesson.Status.SCHEDULED,
            attendance_taken_at__isnull=True,
        )
        .select_related("teacher", "school_class", "subject", "group")
        .order_by("teacher__last_name", "teacher__first_name", "teacher_id", "date", "period")
    )
    return lessons, whole_school


def unmarked_lessons_of_class(school_class, day: datetime.date) -> list[Lesson]:
    """The class's (and its groups') scheduled lessons of ``day`` whose attendance was never
    taken — no «all present», no mark — by period, with the teacher and subject: a gap in
    the class's day, not presence (issue #15 point 8). One query."""
    return list(
        Lesson.objects.filter(
            school_class=school_class,
            date=day,
            status=Lesson.Status.SCHEDULED,
            attendance_taken_at__isnull=True,
        )
        .exclude(Exists(Mark.objects.filter(lesson=OuterRef("pk"))))
        .select_related("subject", "teacher", "group")
        .order_by("period", "group_id", "pk")
    )


def lessons_taught_on(user, day: datetime.date) -> QuerySet[Lesson]:
    """The lessons the user teaches on ``day`` (substitutions included) in the schools
    they are staff of, with their counts of absences and late arrivals."""
    return (
        Lesson.objects.filter(teacher=user, date=day, school_id__in=school_ids_for_user(user))
        .select_related("school_class", "subject", "group")
        .annotate(
            absent_count=Count("marks", filter=Q(marks__kind=Mark.Kind.ABSENT)),
            late_count=Count("marks", filter=Q(marks__kind=Mark.Kind.LATE)),
        )
        .order_by("period", "school_class__grade", "school_class__letter", "pk")
    )


def unknown_absences_of_class(
    school_class, start: datetime.date, end: datetime.date
) -> QuerySet[Mark]:
    """Absences in the class's lessons over [start, end] whose reason is still unknown
    (R-J-4), by student and date, with the student and the lesson's subject."""
    return (
        Mark.objects.filter(
            lesson__school_class_id=school_class.pk,
            kind=Mark.Kind.ABSENT,
            reason_status=ReasonStatus.UNKNOWN,
            date__gte=start,
            date__lte=end,
        )
        .select_related("student", "lesson__subject")
        .order_by(
            "student__last_name", "student__first_name", "student_id", "date", "lesson__period"
        )
    )


def guardian_notes_of_class(school_class, day: datetime.date) -> QuerySet[GuardianNote]:
    """Parents' notes for the class day: those waiting for a decision (any dates) and those
    covering ``day``, with the student and the chosen lessons; the class's pupils only."""
    in_class = Enrollment.objects.filter(school_class_id=school_class.pk).values("student_id")
    return (
        GuardianNote.objects.filter(school_id=school_class.school_id, student_id__in=in_class)
        .filter(Q(status=GuardianNote.Status.PENDING) | Q(start_date__lte=day, end_date__gte=day))
        .select_related("student", "guardian", "decided_by")
        .prefetch_related("lessons__subject")
        .order_by("start_date", "pk")
    )


def get_guardian_note_of_class(school_class, note_id: int) -> GuardianNote:
    """A note of a pupil of the class (the class already fetched for the user), else 404."""
    in_class = Enrollment.objects.filter(school_class_id=school_class.pk).values("student_id")
    note = (
        GuardianNote.objects.filter(
            pk=note_id, school_id=school_class.school_id, student_id__in=in_class
        )
        .select_related("student")
        .first()
    )
    if note is None:
        raise Http404
    return note


def registry_scope(user) -> Q | None:
    """Enrollments whose students the user may list in the registries (a Q over
    Enrollment), or None when they may list none."""
    if user.is_superuser:
        return Q()
    whole = school_ids_with_role(user, *WHOLE_SCHOOL_ROLES)
    led = school_ids_with_role(user, Role.CLASS_TEACHER)
    if not whole and not led:
        return None
    return Q(school_id__in=whole) | Q(
        school_class__class_teacher=user, school_class__school_id__in=led
    )


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


def read_roster(lesson: Lesson) -> list[Student]:
    """``lesson_roster`` read once per lesson object: the tap checks the student against it
    and answers the row from it with one query."""
    roster = getattr(lesson, "_roster", None)
    if roster is None:
        roster = lesson._roster = list(lesson_roster(lesson))
    return roster


def is_on_roster(lesson: Lesson, student_id: int) -> bool:
    roster = getattr(lesson, "_roster", None)
    if roster is not None:  # read already (read_roster)
        return any(student.pk == student_id for student in roster)
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


def _bells_key(school_id: int) -> str:
    return f"journal:bells:{school_id}"


def school_bells(school_id: int) -> dict[int, BellPeriod]:
    """{number: bell period} of the school, kept in the cache for
    ``SCHOOL_SETUP_CACHE_SECONDS`` (``accounts.caching``); saving or deleting a bell period
    forgets them (``journal.receivers``)."""
    periods = kept(
        _bells_key(school_id),
        settings.SCHOOL_SETUP_CACHE_SECONDS,
        lambda: list(BellPeriod.objects.filter(school_id=school_id).order_by()),
    )
    return {period.number: period for period in periods}


def forget_school_bells(school_id: int) -> None:
    forget([_bells_key(school_id)])


def bell_of(lesson: Lesson) -> BellPeriod | None:
    """The bell period of the lesson's number at its school, if the school has one."""
    return school_bells(lesson.school_id).get(lesson.period)


def bells_of(lessons) -> dict[tuple[int, int], BellPeriod]:
    """{(school id, number): bell period} for ``lessons``: their schools' bells
    (:func:`school_bells`, a query a school when not kept)."""
    return {
        (school_id, number): bell
        for school_id in sorted({lesson.school_id for lesson in lessons})
        for number, bell in school_bells(school_id).items()
    }


def marks_of_lesson(lesson: Lesson) -> dict[int, Mark]:
    # Unordered: Mark's Meta.ordering would join the lessons to sort by period.
    return {mark.student_id: mark for mark in Mark.objects.filter(lesson=lesson).order_by()}
