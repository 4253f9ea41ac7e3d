"""The admin for a school administrator: own school only, role changes audited."""

import pytest
from django.urls import reverse

from accounts.models import RoleAssignment
from accounts.roles import Role
from audit.models import AuditEntry
from schools.models import Student
from tests import factories
from tests.accounts.world import SUPERUSER

pytestmark = pytest.mark.django_db

CHANGELISTS = {
    "admin:schools_student_changelist": ("student", "other_student"),
    "admin:schools_schoolclass_changelist": ("school_class", "other_class"),
    "admin:schools_school_changelist": ("school",),
    "admin:journal_lesson_changelist": ("lesson",),
    "admin:journal_timetableentry_changelist": ("timetable_entry",),
    "admin:policy_policyvalue_changelist": ("policy_value",),
    "admin:audit_auditentry_changelist": ("audit_entry",),
    "admin:accounts_user_changelist": ("class_teacher", "subject_teacher"),
}


@pytest.mark.parametrize(("url_name", "attrs"), CHANGELISTS.items())
def test_school_admin_changelist_shows_own_school_only(admin_client_of, world, url_name, attrs):
    client = admin_client_of(world.users[Role.SCHOOL_ADMIN])
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    shown = set(response.context["cl"].result_list)
    assert shown >= {getattr(world.a, attr) for attr in attrs}
    assert not shown & {getattr(world.b, attr) for attr in attrs}


def test_superuser_changelist_shows_every_school(admin_client_of, world):
    client = admin_client_of(world.users[SUPERUSER])
    shown = set(client.get(reverse("admin:schools_student_changelist")).context["cl"].result_list)
    assert {world.a.student, world.b.student} <= shown


def test_foreign_key_choices_are_limited_to_own_school(admin_client_of, world):
    client = admin_client_of(world.users[Role.SCHOOL_ADMIN])
    form = client.get(reverse("admin:journal_timetableentry_add")).context["adminform"].form
    assert set(form.fields["school_class"].queryset) == {world.a.school_class, world.a.other_class}
    assert world.b.subject not in form.fields["subject"].queryset
    assert world.b.class_teacher not in form.fields["teacher"].queryset
    assert world.a.class_teacher in form.fields["teacher"].queryset


def test_posting_another_schools_class_is_rejected(admin_client_of, world):
    client = admin_client_of(world.users[Role.SCHOOL_ADMIN])
    response = client.post(
        reverse("admin:journal_bellperiod_add"),
        {"school": world.b.school.pk, "number": 2, "start_time": "09:25", "end_time": "10:10"},
    )
    assert response.status_code == 200
    assert "school" in response.context["adminform"].form.errors


def test_student_with_guardian_and_enrollment_inline(admin_client_of, world):
    client = admin_client_of(world.users[Role.SCHOOL_ADMIN])
    data = {
        "last_name": "Петров",
        "first_name": "Пётр",
        "patronymic": "",
        "birth_date": "12.04.2015",
        "gender": "m",
        "registration_address": "",
        "actual_address": "",
        "notes": "",
        "guardians-TOTAL_FORMS": "1",
        "guardians-INITIAL_FORMS": "0",
        "guardians-MIN_NUM_FORMS": "0",
        "guardians-MAX_NUM_FORMS": "1000",
        "guardians-0-full_name": "Петрова Анна Сергеевна",
        "guardians-0-relation": "mother",
        "guardians-0-phone": "+7 900 000-00-00",
        "enrollments-TOTAL_FORMS": "1",
        "enrollments-INITIAL_FORMS": "0",
        "enrollments-MIN_NUM_FORMS": "1",
        "enrollments-MAX_NUM_FORMS": "1000",
        "enrollments-0-school_class": world.a.school_class.pk,
        "enrollments-0-start_date": world.a.year.start_date.strftime("%d.%m.%Y"),
    }
    response = client.post(reverse("admin:schools_student_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    student = Student.objects.get(last_name="Петров")
    assert student.guardians.get().relation == "mother"
    assert student.enrollments.get().school == world.a.school
    assert AuditEntry.objects.filter(action="admin.schools.student.added").exists()


def test_role_assigned_in_admin_is_audited(admin_client_of, world):
    admin_user = world.users[Role.SCHOOL_ADMIN]
    client = admin_client_of(admin_user)
    teacher = world.a.subject_teacher
    response = client.post(
        reverse("admin:accounts_roleassignment_add"),
        {"user": teacher.pk, "role": Role.CLASS_TEACHER, "school": world.a.school.pk},
    )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=teacher, role=Role.CLASS_TEACHER)
    entry = AuditEntry.objects.get(action="accounts.role.assigned", data__user_id=teacher.pk)
    assert entry.actor == admin_user

    response = client.post(
        reverse("admin:accounts_roleassignment_delete", args=[assignment.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert AuditEntry.objects.filter(action="accounts.role.revoked", actor=admin_user).exists()


def test_school_admin_cannot_assign_roles_in_another_school(admin_client_of, world):
    client = admin_client_of(world.users[Role.SCHOOL_ADMIN])
    response = client.post(
        reverse("admin:accounts_roleassignment_add"),
        {"user": world.a.subject_teacher.pk, "role": Role.DIRECTOR, "school": world.b.school.pk},
    )
    assert response.status_code == 200
    assert not RoleAssignment.objects.filter(
        user=world.a.subject_teacher, role=Role.DIRECTOR, school=world.b.school
    ).exists()


def test_school_admin_cannot_grant_territory_roles(admin_client_of, world):
    client = admin_client_of(world.users[Role.SCHOOL_ADMIN])
    form = client.get(reverse("admin:accounts_roleassignment_add")).context["adminform"].form
    choices = {value for value, _label in form.fields["role"].choices}
    assert Role.MUNICIPAL not in choices
    # Nor the school's leadership or administrators (tests/security/test_role_escalation.py).
    assert not choices & {Role.DIRECTOR, Role.DEPUTY, Role.SCHOOL_ADMIN}
    assert Role.CLASS_TEACHER in choices


def test_new_staff_member_gets_a_first_role(admin_client_of, world):
    admin_user = world.users[Role.SCHOOL_ADMIN]
    client = admin_client_of(admin_user)
    password = "Очень-длинный-пароль-1"
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "newteacher",
            "password1": password,
            "password2": password,
            "usable_password": "true",
            "last_name": "Новикова",
            "first_name": "Ольга",
            "school": world.a.school.pk,
            "role": Role.SUBJECT_TEACHER,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assignment = RoleAssignment.objects.get(user__username="newteacher")
    assert (assignment.role, assignment.school) == (Role.SUBJECT_TEACHER, world.a.school)
    assert AuditEntry.objects.filter(action="accounts.role.assigned", actor=admin_user).exists()


def test_school_admin_cannot_make_a_superuser(admin_client_of, world):
    client = admin_client_of(world.users[Role.SCHOOL_ADMIN])
    url = reverse("admin:accounts_user_change", args=[world.a.subject_teacher.pk])
    form = client.get(url).context["adminform"].form
    assert "is_superuser" not in form.fields
    assert "user_permissions" not in form.fields


def test_staff_flag_without_the_role_opens_nothing(client, world):
    user = factories.staff_user(Role.DEPUTY, world.a.school, is_staff=True)
    client.force_login(user)
    assert client.get(reverse("admin:schools_student_changelist")).status_code == 403
    assert client.get(reverse("admin:index")).context["app_list"] == []


@pytest.fixture
def admin_client_of(client):
    def login(user):
        client.force_login(user)
        return client

    return login
