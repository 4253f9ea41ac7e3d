"""Named predicates about who a user is relative to an object (spec §1).

These are the building blocks every app's ``rules.py`` combines into
permissions; views never test roles themselves, they ask ``user.has_perm``.
Predicates about the territory (municipal and regional officials) and about
teaching a class live in ``schools.rules``, which knows schools and classes.

An object "belongs" to the schools returned by :func:`school_ids_of`:

* an object that names them itself, through an ``access_school_ids()`` method
  (a ``School``: itself; a ``Student``: every school they have an enrollment in,
  so a transferred child keeps their history in the old school);
* anything with a ``school_id`` (classes, lessons, marks, cases…) to that school;
* anything with a ``school_class`` to the class's school.

An object is "about" the classes returned by ``access_classes()`` when it has
that method (a class: itself; a student: the classes of their enrollments), else
its ``school_class``.

Role look-ups are cached on the user object (``accounts.selectors``), so a
page that checks many objects issues one query for the roles.
"""

import rules

from .roles import ADMINISTRATION_ROLES, WHOLE_SCHOOL_ROLES, Role
from .selectors import roles_of, school_ids_for_user, school_ids_with_role


def school_ids_of(obj) -> frozenset[int]:
    """The schools an object belongs to (see the module docstring)."""
    if obj is None:
        return frozenset()
    named = getattr(obj, "access_school_ids", None)
    if named is not None:
        return named()
    school_id = getattr(obj, "school_id", None)
    if school_id is not None:
        return frozenset({school_id})
    school_class = getattr(obj, "school_class", None)
    if school_class is not None:
        return frozenset({school_class.school_id})
    return frozenset()


def classes_of(obj) -> list:
    """The classes an object is about (see the module docstring)."""
    named = getattr(obj, "access_classes", None)
    if named is not None:
        return named()
    school_class = getattr(obj, "school_class", None)
    return [school_class] if school_class is not None else []


def has_school_role(*roles: str):
    """Predicate factory: the user holds one of ``roles`` in a school the object belongs to."""
    wanted = frozenset(roles)

    @rules.predicate(name=f"has_school_role({', '.join(sorted(wanted))})")
    def predicate(user, obj) -> bool:
        return any(roles_of(user, school_id) & wanted for school_id in school_ids_of(obj))

    return predicate


def holds_school_role(*roles: str):
    """Predicate factory for pages without an object: the user holds one of ``roles`` in
    some school (the page then shows only what the selectors scope to them)."""
    wanted = tuple(sorted(roles))

    @rules.predicate(name=f"holds_school_role({', '.join(wanted)})")
    def predicate(user) -> bool:
        return bool(school_ids_with_role(user, *wanted))

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
        for c in classes_of(obj)
    )


is_superuser = rules.is_superuser

is_school_admin = has_school_role(Role.SCHOOL_ADMIN)
is_whole_school_staff = has_school_role(*WHOLE_SCHOOL_ROLES)
is_school_administration = has_school_role(*ADMINISTRATION_ROLES)
is_psychologist_of_school = has_school_role(Role.PSYCHOLOGIST)
is_social_pedagogue_of_school = has_school_role(Role.SOCIAL_PEDAGOGUE)
