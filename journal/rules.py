"""Who may do what in the journal (spec §1). Views and services only ask these."""

import rules

from accounts.roles import WHOLE_SCHOOL_ROLES, Role
from accounts.selectors import has_role, school_ids_with_role
from schools.rules import teaches_class


def _school_id(obj):
    return obj.school_id


@rules.predicate
def is_lesson_teacher(user, lesson) -> bool:
    return lesson is not None and lesson.teacher_id == user.pk


@rules.predicate
def is_class_teacher(user, obj) -> bool:
    """obj is a SchoolClass or anything with a school_class (a Lesson)."""
    school_class = getattr(obj, "school_class", obj)
    return (
        school_class is not None
        and school_class.class_teacher_id == user.pk
        and has_role(user, Role.CLASS_TEACHER, school_class.school_id)
    )


def _school_role(role):
    @rules.predicate(name=f"has_{role}_role_in_school")
    def predicate(user, obj) -> bool:
        return obj is not None and has_role(user, role, _school_id(obj))

    return predicate


is_deputy = _school_role(Role.DEPUTY)
is_director = _school_role(Role.DIRECTOR)
is_social_pedagogue = _school_role(Role.SOCIAL_PEDAGOGUE)
is_psychologist = _school_role(Role.PSYCHOLOGIST)

whole_school_reader = is_deputy | is_director | is_social_pedagogue

# Marking a lesson: its teacher (the substitute when replaced), the class teacher, the deputy.
rules.add_perm("journal.mark_lesson", is_lesson_teacher | is_class_teacher | is_deputy)
rules.add_perm("journal.view_lesson", is_lesson_teacher | is_class_teacher | whole_school_reader)
# After the reporting week is locked only the deputy edits (R-J-6).
rules.add_perm("journal.edit_locked_marks", is_deputy)
# Reasons and excuse documents: class teacher of the class, deputy, social pedagogue (obj: class).
rules.add_perm("journal.settle_reasons", is_class_teacher | is_deputy | is_social_pedagogue)
attendance_reader = is_class_teacher | whole_school_reader | is_psychologist
rules.add_perm("journal.view_class_attendance", attendance_reader)
# The month grid of marks (spec §1: subject teachers see the marks of the classes they
# teach). It shows whether an absence is excused, as an e-journal's «УП» does; the kind of
# reason, the documents and a student's card stay with the readers above.
rules.add_perm("journal.view_class_marks", attendance_reader | teaches_class)
rules.add_perm("journal.view_school_attendance", whole_school_reader)
rules.add_perm("journal.lock_weeks", is_deputy | is_director)


# Pages without an object: a role held in some school opens them (the page is then scoped).
def _holds_school_role(*roles):
    @rules.predicate(name=f"holds_{'_or_'.join(sorted(roles))}_in_a_school")
    def predicate(user) -> bool:
        return bool(school_ids_with_role(user, *roles))

    return predicate


# Unmarked lessons: the teacher's own, the class teacher's classes, the whole school.
rules.add_perm(
    "journal.view_unmarked_lessons",
    _holds_school_role(Role.SUBJECT_TEACHER, Role.CLASS_TEACHER, *sorted(WHOLE_SCHOOL_ROLES)),
)
# Registries: the whole school, or the classes a class teacher leads.
rules.add_perm(
    "journal.view_registries", _holds_school_role(Role.CLASS_TEACHER, *sorted(WHOLE_SCHOOL_ROLES))
)
