"""Permissions on schools objects (spec §1). Views ask ``user.has_perm(name, obj)``.

``schools.selectors`` returns exactly the objects these permissions allow; a
test checks that the two agree for every role, so change them together.

Psychologists: spec §1 gives them the students *referred to them* (casework tells
which, through ``schools.referrals``); they see the school's head-counts, never a class.
"""

import rules

from accounts.roles import Role
from accounts.rules import (
    classes_of,
    has_school_role,
    holds_school_role,
    is_class_teacher_of,
    is_psychologist_of_school,
    is_school_admin,
    is_staff_of_school,
    is_superuser,
    is_whole_school_staff,
    school_ids_of,
)
from accounts.selectors import school_ids_for_user

from .models import SchoolClass, Student
from .referrals import referred_students
from .selectors import territory_school_ids
from .teaching import taught_classes


@rules.predicate
def teaches_class(user, obj) -> bool:
    """Teaches a class (or a student's class): a timetable line or a lesson names them.

    The timetable is the truth here, not the role: a deputy who teaches holds the
    lessons they give. They must still be staff of that school.
    """
    staff_schools = school_ids_for_user(user)
    class_ids = [c.pk for c in classes_of(obj) if c.school_id in staff_schools]
    if not class_ids:
        return False
    return SchoolClass.objects.filter(taught_classes(user), pk__in=class_ids).exists()


def _student_id(obj) -> int | None:
    if isinstance(obj, Student):
        return obj.pk
    return getattr(obj, "student_id", None)


@rules.predicate
def is_referred_psychologist(user, obj) -> bool:
    """A psychologist of the object's school to whom its student is referred (a Student, or
    anything of one student: a case, an excuse document). Cached on the object."""
    student_id = _student_id(obj)
    if student_id is None or not is_psychologist_of_school(user, obj):
        return False
    cache = obj.__dict__.setdefault("_referred_to", {})
    if user.pk not in cache:
        cache[user.pk] = Student.objects.filter(referred_students(user), pk=student_id).exists()
    return cache[user.pk]


@rules.predicate
def oversees_school(user, obj) -> bool:
    """Municipal or regional official over the object's school (reports, never pupils' files)."""
    ids = school_ids_of(obj)
    return bool(ids) and territory_school_ids(user).filter(pk__in=ids).exists()


# Whole school, all classes and students: social pedagogue, deputy, director, administrator.
whole_school = is_whole_school_staff | is_school_admin

# The school itself (name, address): its staff and the officials above it.
rules.add_perm(
    "schools.view_school",
    is_superuser | is_staff_of_school | oversees_school,
)
# School summary (number of classes and students), no names.
rules.add_perm(
    "schools.view_school_summary",
    is_superuser | whole_school | is_psychologist_of_school,
)
rules.add_perm("schools.administer_school", is_superuser | is_school_admin)
# The administration pages of a school (classes, subjects, the staff list): its
# administrator and its director (issue #15). Who may grant which role is decided by
# ``accounts.services.check_role_change``, not here.
rules.add_perm(
    "schools.manage_school",
    is_superuser | has_school_role(Role.SCHOOL_ADMIN, Role.DIRECTOR),
)

# A class: its class teacher, the teachers who teach it, the whole-school roles.
rules.add_perm(
    "schools.view_schoolclass",
    is_superuser | whole_school | is_class_teacher_of | teaches_class,
)
rules.add_perm("schools.change_schoolclass", is_superuser | is_school_admin)

# A student's name and class. Municipal and regional officials never see pupils.
rules.add_perm(
    "schools.view_student",
    is_superuser | whole_school | is_referred_psychologist | is_class_teacher_of | teaches_class,
)
# Addresses, guardians and their phones, family status flags: not for subject teachers.
rules.add_perm(
    "schools.view_student_personal_data",
    is_superuser | whole_school | is_referred_psychologist | is_class_teacher_of,
)
# Personal data and parent contacts are kept by the class teacher, the social pedagogue
# and the administrator.
rules.add_perm(
    "schools.change_student",
    is_superuser | is_school_admin | has_school_role(Role.SOCIAL_PEDAGOGUE) | is_class_teacher_of,
)
# obj: the school the student is admitted to.
rules.add_perm("schools.add_student", is_superuser | is_school_admin)

# The school's audit log (who read or changed what about a child): its director and deputy.
is_audit_reader_of_school = has_school_role(Role.DIRECTOR, Role.DEPUTY)
rules.add_perm("schools.view_school_audit", is_superuser | is_audit_reader_of_school)
rules.add_perm(
    "schools.view_any_school_audit",
    is_superuser | holds_school_role(Role.DIRECTOR, Role.DEPUTY),
)
