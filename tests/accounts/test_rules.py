"""Permissions (schools/rules.py) and scoped selectors (schools/selectors.py) agree per role."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.roles import Role
from schools import selectors
from tests import factories
from tests.accounts.world import SUPERUSER

pytestmark = pytest.mark.django_db

# Which of school A's objects each role may see (spec §1).
SEES_STUDENT = {
    Role.SUBJECT_TEACHER: {"student"},
    Role.CLASS_TEACHER: {"student"},
    Role.SOCIAL_PEDAGOGUE: {"student", "other_student"},
    Role.PSYCHOLOGIST: {"student"},  # referred to them (tests/casework/world.py)
    Role.DEPUTY: {"student", "other_student"},
    Role.DIRECTOR: {"student", "other_student"},
    Role.SCHOOL_ADMIN: {"student", "other_student"},
    Role.MUNICIPAL: set(),
    Role.REGIONAL: set(),
}
SEES_CLASS = {
    Role.SUBJECT_TEACHER: {"school_class"},
    Role.CLASS_TEACHER: {"school_class"},
    Role.SOCIAL_PEDAGOGUE: {"school_class", "other_class"},
    Role.PSYCHOLOGIST: set(),
    Role.DEPUTY: {"school_class", "other_class"},
    Role.DIRECTOR: {"school_class", "other_class"},
    Role.SCHOOL_ADMIN: {"school_class", "other_class"},
    Role.MUNICIPAL: set(),
    Role.REGIONAL: set(),
}


@pytest.mark.parametrize("role", list(Role))
def test_visible_students_follow_spec_and_agree_with_rules(world, role):
    user = world.users[role]
    visible = set(selectors.visible_students(user))
    expected = {getattr(world.a, name) for name in SEES_STUDENT[role]}
    assert visible == expected
    for side in (world.a, world.b):
        for student in (side.student, side.other_student):
            assert user.has_perm("schools.view_student", student) == (student in visible)


@pytest.mark.parametrize("role", list(Role))
def test_visible_classes_follow_spec_and_agree_with_rules(world, role):
    user = world.users[role]
    visible = set(selectors.visible_classes(user))
    assert visible == {getattr(world.a, name) for name in SEES_CLASS[role]}
    for side in (world.a, world.b):
        for school_class in (side.school_class, side.other_class):
            assert user.has_perm("schools.view_schoolclass", school_class) == (
                school_class in visible
            )


@pytest.mark.parametrize("role", list(Role))
def test_visible_schools(world, role):
    visible = set(selectors.visible_schools(world.users[role]))
    assert visible == {world.a.school}
    assert world.users[role].has_perm("schools.view_school", world.a.school)
    assert not world.users[role].has_perm("schools.view_school", world.b.school)


def test_superuser_sees_everything(world):
    user = world.users[SUPERUSER]
    assert set(selectors.visible_students(user)) >= {world.a.student, world.b.student}
    assert selectors.get_student_for_user(user, world.b.student.pk) == world.b.student


def test_teacher_of_a_lesson_only_sees_the_class(world):
    """A Lesson (a substitution) without a timetable line makes a teacher of the class."""
    substitute = factories.staff_user(Role.SUBJECT_TEACHER, world.a.school)
    assert not substitute.has_perm("schools.view_student", world.a.other_student)
    from journal.models import Lesson

    Lesson.objects.create(
        school=world.a.school,
        school_class=world.a.other_class,
        date=world.a.lesson.date,
        period=2,
        subject=world.a.subject,
        teacher=substitute,
    )
    substitute = type(substitute).objects.get(pk=substitute.pk)
    assert substitute.has_perm("schools.view_student", world.a.other_student)
    assert set(selectors.visible_students(substitute)) == {world.a.other_student}


def test_class_teacher_fk_without_the_role_grants_nothing(world):
    deputy = world.users[Role.DEPUTY]
    world.a.other_class.class_teacher = factories.staff_user(Role.SUBJECT_TEACHER, world.a.school)
    world.a.other_class.save()
    teacher = world.a.other_class.class_teacher
    assert not teacher.has_perm("schools.view_student", world.a.other_student)
    assert deputy.has_perm("schools.view_student", world.a.other_student)


def test_transferred_student_stays_visible_to_both_schools(world):
    factories.EnrollmentFactory(student=world.b.student, school_class=world.a.other_class)
    deputy_a = world.users[Role.DEPUTY]
    assert world.b.student in selectors.visible_students(deputy_a)
    assert selectors.get_student_for_user(deputy_a, world.b.student.pk) == world.b.student


@pytest.mark.parametrize("role", list(Role))
def test_other_schools_student_is_404(world, role):
    with pytest.raises(Http404):
        selectors.get_student_for_user(world.users[role], world.b.student.pk)
    with pytest.raises(Http404):
        selectors.get_class_for_user(world.users[role], world.b.school_class.pk)


def test_missing_student_is_404(world):
    with pytest.raises(Http404):
        selectors.get_student_for_user(world.users[Role.DIRECTOR], 10**9)


def test_same_school_student_not_taught_is_403(world):
    teacher = world.users[Role.SUBJECT_TEACHER]
    assert selectors.get_student_for_user(teacher, world.a.student.pk) == world.a.student
    with pytest.raises(PermissionDenied):
        selectors.get_student_for_user(teacher, world.a.other_student.pk)
    with pytest.raises(PermissionDenied):
        selectors.get_class_for_user(teacher, world.a.other_class.pk)


def test_subject_teacher_sees_names_but_not_personal_data(world):
    teacher = world.users[Role.SUBJECT_TEACHER]
    assert teacher.has_perm("schools.view_student", world.a.student)
    assert not teacher.has_perm("schools.view_student_personal_data", world.a.student)
    with pytest.raises(PermissionDenied):
        selectors.get_student_for_user(
            teacher, world.a.student.pk, perm="schools.view_student_personal_data"
        )
    assert world.a.class_teacher.has_perm("schools.view_student_personal_data", world.a.student)


@pytest.mark.parametrize(
    ("role", "may_change"),
    [
        (Role.SUBJECT_TEACHER, False),
        (Role.CLASS_TEACHER, True),
        (Role.SOCIAL_PEDAGOGUE, True),
        (Role.PSYCHOLOGIST, False),
        (Role.DEPUTY, False),
        (Role.DIRECTOR, False),
        (Role.SCHOOL_ADMIN, True),
        (Role.MUNICIPAL, False),
        (Role.REGIONAL, False),
    ],
)
def test_who_changes_a_students_data(world, role, may_change):
    assert world.users[role].has_perm("schools.change_student", world.a.student) is may_change
    assert not world.users[role].has_perm("schools.change_student", world.b.student)


def test_territory_officials_never_see_pupils(world):
    for role in (Role.MUNICIPAL, Role.REGIONAL):
        user = world.users[role]
        assert user.has_perm("schools.view_school", world.a.school)
        assert not user.has_perm("schools.view_student", world.a.student)
        assert not user.has_perm("schools.view_school_summary", world.a.school)
        assert not selectors.visible_students(user).exists()
