"""Who may do what in the journal (spec §1). Views and services only ask these."""

import rules

from accounts.roles import REGISTRY_READER_ROLES, UNMARKED_LESSONS_READER_ROLES, Role
from accounts.rules import (
    has_school_role,
    holds_school_role,
    is_class_teacher_of,
    is_whole_school_staff,
)
from schools.rules import is_referred_psychologist, teaches_class


@rules.predicate
def is_lesson_teacher(user, lesson) -> bool:
    return lesson is not None and lesson.teacher_id == user.pk


# obj: a SchoolClass, or anything of one class (a Lesson, an ExcuseDocument: access_classes).
is_class_teacher = is_class_teacher_of
is_deputy = has_school_role(Role.DEPUTY)
is_director = has_school_role(Role.DIRECTOR)
is_social_pedagogue = has_school_role(Role.SOCIAL_PEDAGOGUE)
# A psychologist reads the students referred to them (schools.referrals), never a class.
is_psychologist = is_referred_psychologist
whole_school_reader = is_whole_school_staff

# Marking a lesson: its teacher (the substitute when replaced), the class teacher, the deputy.
rules.add_perm("journal.mark_lesson", is_lesson_teacher | is_class_teacher | is_deputy)
rules.add_perm("journal.view_lesson", is_lesson_teacher | is_class_teacher | whole_school_reader)
# After the reporting week is locked only the deputy edits (R-J-6).
rules.add_perm("journal.edit_locked_marks", is_deputy)
# Reasons and excuse documents: class teacher of the class, deputy, social pedagogue (obj: class).
rules.add_perm("journal.settle_reasons", is_class_teacher | is_deputy | is_social_pedagogue)
attendance_reader = is_class_teacher | whole_school_reader | is_psychologist
rules.add_perm("journal.view_class_attendance", attendance_reader)
# One student's attendance (card, excuse documents): obj is the Student.
rules.add_perm("journal.view_student_attendance", attendance_reader)
# The month grid of marks (spec §1: subject teachers see the marks of the classes they
# teach). It shows whether an absence is excused, as an e-journal's «УП» does; the kind of
# reason, the documents and a student's card stay with the readers above.
rules.add_perm("journal.view_class_marks", attendance_reader | teaches_class)
rules.add_perm("journal.view_school_attendance", whole_school_reader)
rules.add_perm("journal.lock_weeks", is_deputy | is_director)


# Pages without an object: a role held in some school opens them (the page is then scoped
# by journal.selectors).
# Unmarked lessons: the teacher's own, the class teacher's classes, the whole school.
rules.add_perm("journal.view_unmarked_lessons", holds_school_role(*UNMARKED_LESSONS_READER_ROLES))
# Replacements, cancellations and their undoing (obj: a School or a Lesson): in a Russian
# school the deputy director arranges them; the administrator and the director may too.
ARRANGING_ROLES = (Role.SCHOOL_ADMIN, Role.DIRECTOR, Role.DEPUTY)
rules.add_perm("journal.arrange_lessons", rules.is_superuser | has_school_role(*ARRANGING_ROLES))
# The dashboard's link, without an object.
rules.add_perm(
    "journal.arrange_any_lessons", rules.is_superuser | holds_school_role(*ARRANGING_ROLES)
)
# Registries: the whole school, or the classes a class teacher leads.
rules.add_perm("journal.view_registries", holds_school_role(*REGISTRY_READER_ROLES))
