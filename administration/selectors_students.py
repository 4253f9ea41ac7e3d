"""Reads of the students pages of a school's administration: the list (searched by name,
filtered by class and by whether they still study here), one student of the school with
their enrollments and guardians. A student never enrolled in the school answers 404."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from schools.models import Enrollment, Guardian, School, SchoolClass, Student

# Who the list shows: those studying here now (or admitted from a later day), those who
# left, everyone ever enrolled.
STATUS_CURRENT, STATUS_LEFT, STATUS_ALL = "current", "left", "all"
# A search of more words than this is cut: each word is one condition on three columns.
MAX_SEARCH_WORDS = 4


def _not_ended(day, prefix: str = "") -> Q:
    return Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day})


def school_classes(school: School) -> QuerySet[SchoolClass]:
    """The school's classes, the latest year first: what the list filters by and what a
    student is admitted or transferred to (a year's own dates are the services' check)."""
    return (
        SchoolClass.objects.filter(school=school)
        .select_related("academic_year")
        .order_by("-academic_year__start_date", "grade", "letter")
    )


def student_rows(
    school: School, *, words: list[str] = (), school_class=None, status: str = STATUS_CURRENT
) -> QuerySet[Student]:
    """The school's students by surname, each with ``shown_enrollments``: their enrollment
    in this school covering today, else the latest one here (two queries a page)."""
    today = timezone.localdate()
    here = Enrollment.objects.filter(student_id=OuterRef("pk"), school=school)
    students = Student.objects.filter(Exists(here))
    still_here = Exists(here.filter(_not_ended(today)))
    if status == STATUS_CURRENT:
        students = students.filter(still_here)
    elif status == STATUS_LEFT:
        students = students.exclude(still_here)
    if school_class is not None:
        in_class = here.filter(school_class=school_class)
        if status == STATUS_CURRENT:
            in_class = in_class.filter(_not_ended(today))
        students = students.filter(Exists(in_class))
    for word in list(words)[:MAX_SEARCH_WORDS]:
        students = students.filter(
            Q(last_name__icontains=word)
            | Q(first_name__icontains=word)
            | Q(patronymic__icontains=word)
        )
    enrollments = (
        Enrollment.objects.filter(school=school)
        .select_related("school_class")
        .order_by("-start_date", "-pk")
    )
    return students.order_by("last_name", "first_name", "patronymic", "pk").prefetch_related(
        Prefetch("enrollments", queryset=enrollments, to_attr="school_enrollments")
    )


def shown_enrollment(student: Student) -> Enrollment | None:
    """Of ``student_rows``' prefetched enrollments: the one covering today, else the
    latest."""
    today = timezone.localdate()
    rows = student.school_enrollments
    return next((e for e in rows if e.covers(today)), rows[0] if rows else None)


def get_school_student(school: School, pk) -> Student:
    """A student ever enrolled in ``school``: 404 otherwise. Nobody reaches another school's
    children through this school's pages."""
    student = Student.objects.filter(pk=pk, enrollments__school=school).distinct().first()
    if student is None:
        raise Http404
    return student


def get_school_guardian(school: School, pk) -> Guardian:
    """A guardian of a student ever enrolled in ``school``: 404 otherwise."""
    guardian = (
        Guardian.objects.filter(pk=pk, student__enrollments__school=school)
        .select_related("student")
        .distinct()
        .first()
    )
    if guardian is None:
        raise Http404
    return guardian


def student_enrollments(student: Student) -> list[Enrollment]:
    """The student's enrollments (every school: a transfer's history reads both ends),
    newest first."""
    return list(
        Enrollment.objects.filter(student=student)
        .select_related("school_class__academic_year", "school")
        .order_by("-start_date", "-pk")
    )


def current_enrollment(enrollments: list[Enrollment], school: School) -> Enrollment | None:
    """Of ``student_enrollments``: the one in ``school`` that has not ended before today
    (today's, or one starting later)."""
    today = timezone.localdate()
    return next(
        (
            e
            for e in enrollments
            if e.school_id == school.pk and (e.end_date is None or e.end_date >= today)
        ),
        None,
    )
