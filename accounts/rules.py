"""Named predicates about who a user is relative to an object (spec §1).

These are the building blocks every app's ``rules.py`` combines into
permissions; views never test roles themselves, they ask ``user.has_perm``.

An object "belongs" to the schools returned by :func:`school_ids_of`:

* a ``School`` to itself;
* anything with a ``school_id`` (classes, lessons, marks, cases…) to that school;
* anything with a ``school_class`` to the class's school;
* a ``Student`` to every school they have an enrollment in (a transferred child
  keeps their history in the old school).

Role look-ups are cached on the user object (``accounts.selectors``), so a
page that checks many objects issues one query for the roles.
"""

import rules

from schools.models import Enrollment, School, SchoolClass, Student

from .roles import ADMINISTRATION_ROLES, WHOLE_SCHOOL_ROLES, Role
from .selectors import (
    municipality_ids_for_user,
    region_ids_for_user,
    roles_of,
    school_ids_for_user,
    territory_school_ids,
)


def school_ids_of(obj) -> frozenset[int]:
    """The schools an object belongs to (see the module docstring)."""
    if obj is None:
        return frozenset()
    if isinstance(obj, School):
        return frozenset({obj.pk})
    if isinstance(obj, Student):
        cached = getattr(obj, "_school_ids_cache", None)
        if cached is None:
            cached = frozenset(
                Enrollment.objects.filter(student=obj).values_list("school_id", flat=True)
            )
            obj._school_ids_cache = cached
        return cached
    school_id = getattr(obj, "school_id", None)
    if school_id is not None:
        return frozenset({school_id})
    school_class = getattr(obj, "school_class", None)
    if school_class is not None:
        return frozenset({school_class.school_id})
    return frozenset()


def _classes_of(obj) -> list[SchoolClass]:
    """The classes an object is about: a class itself, a student's classes of enrollment."""
    if isinstance(obj, SchoolClass):
        return [obj]
    if isinstance(obj, Student):
        return list(
            SchoolClass.objects.filter(enrollments__student=obj).only(
                "pk", "school_id", "class_teacher_id"
            )
        )
    school_class = getattr(obj, "school_class", None)
    return [school_class] if school_class is not None else []


def has_school_role(*roles: str):
    """Predicate factory: the user holds one of ``roles`` in a school the object belongs to."""
    wanted = frozenset(roles)

    @rules.predicate(name=f"has_school_role({', '.join(sorted(wanted))})")
    def predicate(user, obj) -> bool:
        return any(roles_of(user, school_id) & wanted for school_id in school_ids_of(obj))

    return predicate


@rules.predicate
def is_staff_of_school(user, obj) -> bool:
    """The user holds any school role in a school the object belongs to."""
    return bool(school_ids_of(obj) & school_ids_for_user(user))


@rules.predicate
def is_class_teacher_of(user, obj) -> bool:
    """Class teacher (the class's ``class_teacher`` holding the role) of a class or student."""
    return any(
        c.class_teacher_id == user.pk and Role.CLASS_TEACHER in roles_of(user, c.school_id)
        for c in _classes_of(obj)
    )


@rules.predicate
def teaches_class(user, obj) -> bool:
    """Teaches a class (or a student's class): a timetable line or a lesson names them.

    The timetable is the truth here, not the role: a deputy who teaches holds the
    lessons they give. They must still be staff of that school.
    """
    from journal.models import Lesson, TimetableEntry

    staff_schools = school_ids_for_user(user)
    class_ids = [c.pk for c in _classes_of(obj) if c.school_id in staff_schools]
    if not class_ids:
        return False
    return (
        TimetableEntry.objects.filter(teacher=user, school_class_id__in=class_ids).exists()
        or Lesson.objects.filter(teacher=user, school_class_id__in=class_ids).exists()
    )


@rules.predicate
def is_municipal_for(user, obj) -> bool:
    """A municipal official whose municipality contains the object's school."""
    municipality_ids = municipality_ids_for_user(user)
    if not municipality_ids:
        return False
    return School.objects.filter(
        pk__in=school_ids_of(obj), municipality_id__in=municipality_ids
    ).exists()


@rules.predicate
def is_regional_for(user, obj) -> bool:
    """A regional official whose region contains the object's school."""
    region_ids = region_ids_for_user(user)
    if not region_ids:
        return False
    return School.objects.filter(
        pk__in=school_ids_of(obj), municipality__region_id__in=region_ids
    ).exists()


@rules.predicate
def oversees_school(user, obj) -> bool:
    """Municipal or regional official over the object's school (reports, never pupils' files)."""
    ids = school_ids_of(obj)
    return bool(ids) and territory_school_ids(user).filter(pk__in=ids).exists()


is_superuser = rules.is_superuser

is_school_admin = has_school_role(Role.SCHOOL_ADMIN)
is_whole_school_staff = has_school_role(*WHOLE_SCHOOL_ROLES)
is_school_administration = has_school_role(*ADMINISTRATION_ROLES)
is_psychologist_of_school = has_school_role(Role.PSYCHOLOGIST)
is_social_pedagogue_of_school = has_school_role(Role.SOCIAL_PEDAGOGUE)
