"""Reads of schools, classes and students, already scoped to what the user may see.

How other apps reuse this
-------------------------
* **Lists**: start from ``visible_students(user)`` / ``visible_classes(user)`` /
  ``visible_schools(user)`` and narrow them (``visible_students(user).filter(…)``),
  or scope your own model by them, e.g.
  ``Case.objects.filter(student__in=visible_students(user))``.
* **One object**: fetch it with ``get_student_for_user`` / ``get_class_for_user``,
  or for your own models with ``accounts.access.get_object_for_user(user,
  queryset, perm="casework.view_case", pk=pk)``. Objects of other schools
  answer 404, same-school objects without the permission 403.
* **Permissions** live in ``<app>/rules.py`` and combine the predicates of
  ``accounts.rules``; declare a ``view_…`` permission and a selector that agree
  (see ``tests/accounts/test_rules.py`` for the agreement test to copy).
* **URLs**: add every new URL name to ``URL_MATRIX`` in
  ``tests/test_url_permissions.py``; the test fails until you do.

Spec §1 in short: subject teachers see the classes they teach (a timetable line
or a lesson names them), class teachers their own class, social pedagogue,
deputy, director and administrator the whole school, the psychologist the students
referred to them (``schools.referrals``, filled by casework); municipal and regional
officials see schools, never pupils. A student belongs to every school and class
they have an enrollment in, past ones included (history stays readable).
"""

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.access import get_object_for_user
from accounts.roles import WHOLE_SCHOOL_ROLES, Role
from accounts.selectors import (
    municipality_ids_for_user,
    region_ids_for_user,
    school_ids_for_user,
    school_ids_with_role,
)

from .models import Enrollment, School, SchoolClass, Student
from .referrals import referred_students
from .teaching import taught_classes

WHOLE_SCHOOL_READERS = (*WHOLE_SCHOOL_ROLES, Role.SCHOOL_ADMIN)


def _own_class_ids(user) -> QuerySet:
    """Classes the user leads as class teacher or teaches, in schools where they are staff."""
    staff_schools = school_ids_for_user(user)
    class_teacher_schools = school_ids_with_role(user, Role.CLASS_TEACHER)
    taught = taught_classes(user)
    led = Q(class_teacher=user, school_id__in=class_teacher_schools)
    return SchoolClass.objects.filter(Q(school_id__in=staff_schools) & (led | taught)).values("pk")


def schools_for_user(user) -> QuerySet[School]:
    return School.objects.filter(pk__in=school_ids_for_user(user))


def territory_school_ids(user) -> QuerySet:
    """Schools a municipal or regional official oversees (their reports, never pupils' files)."""
    municipality_ids = municipality_ids_for_user(user)
    region_ids = region_ids_for_user(user)
    if not municipality_ids and not region_ids:
        return School.objects.none().values("pk")
    return School.objects.filter(
        Q(municipality_id__in=municipality_ids) | Q(municipality__region_id__in=region_ids)
    ).values("pk")


def visible_schools(user) -> QuerySet[School]:
    """Schools whose staff the user is, and schools of their municipality or region."""
    if not user.is_authenticated:
        return School.objects.none()
    if user.is_superuser:
        return School.objects.all()
    return School.objects.filter(
        Q(pk__in=school_ids_for_user(user)) | Q(pk__in=territory_school_ids(user))
    )


def visible_classes(user) -> QuerySet[SchoolClass]:
    if not user.is_authenticated:
        return SchoolClass.objects.none()
    if user.is_superuser:
        return SchoolClass.objects.all()
    whole_schools = school_ids_with_role(user, *WHOLE_SCHOOL_READERS)
    return SchoolClass.objects.filter(
        Q(school_id__in=whole_schools) | Q(pk__in=_own_class_ids(user))
    )


def visible_students(user) -> QuerySet[Student]:
    if not user.is_authenticated:
        return Student.objects.none()
    if user.is_superuser:
        return Student.objects.all()
    reader_schools = school_ids_with_role(user, *WHOLE_SCHOOL_READERS)
    condition = Q(school_id__in=reader_schools) | Q(school_class_id__in=_own_class_ids(user))
    psychologist_schools = school_ids_with_role(user, Role.PSYCHOLOGIST)
    if psychologist_schools:
        referred = Student.objects.filter(referred_students(user)).values("pk")
        condition |= Q(school_id__in=psychologist_schools, student_id__in=referred)
    enrollments = Enrollment.objects.filter(condition)
    return Student.objects.filter(pk__in=enrollments.values("student_id"))


def get_student_for_user(user, pk, *, perm: str = "schools.view_student") -> Student:
    """One student: 404 if of another school, 403 if the user lacks ``perm`` on them."""
    return get_object_for_user(user, Student.objects.all(), perm=perm, pk=pk)


def get_class_for_user(user, pk, *, perm: str = "schools.view_schoolclass") -> SchoolClass:
    """One class: 404 if of another school, 403 if the user lacks ``perm`` on it."""
    queryset = SchoolClass.objects.select_related("school", "academic_year", "class_teacher")
    return get_object_for_user(user, queryset, perm=perm, pk=pk)


def get_school_for_user(user, pk, *, perm: str = "schools.view_school") -> School:
    """One school: 404 if the user is not its staff, 403 without ``perm`` on it."""
    return get_object_for_user(user, School.objects.all(), perm=perm, pk=pk)


def get_class_student_for_user(user, school_class: SchoolClass, pk, *, perm: str) -> Student:
    """A student ever enrolled in ``school_class``: 404 otherwise, 403 without ``perm``."""
    students = Student.objects.filter(enrollments__school_class=school_class).distinct()
    return get_object_for_user(user, students, perm=perm, pk=pk)


def current_classes(school: School) -> list[SchoolClass]:
    """Classes of the academic year under way, else of the latest year (one query)."""
    classes = list(
        SchoolClass.objects.filter(school=school)
        .select_related("academic_year")
        .order_by("-academic_year__start_date", "grade", "letter")
    )
    today = timezone.localdate()
    current = [
        c for c in classes if c.academic_year.start_date <= today <= c.academic_year.end_date
    ]
    if current or not classes:
        return current
    latest = classes[0].academic_year_id
    return [c for c in classes if c.academic_year_id == latest]
