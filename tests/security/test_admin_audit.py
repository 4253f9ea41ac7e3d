"""Audit gaps of the scoped admin (issue #14): an admin edit is recorded with the school it
concerns, so the school's own audit view shows it, and the list filters of a school
administrator name no other school's objects."""

import pytest
from django.urls import reverse

from accounts.models import RoleAssignment
from accounts.roles import Role
from audit.models import AuditEntry
from tests import factories
from tests.accounts.world import SUPERUSER, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    return build_world()


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.users[Role.SCHOOL_ADMIN])
    return client


def _student_form(student) -> dict:
    enrollment = student.enrollments.get()
    guardians = list(student.guardians.all())
    data = {
        "last_name": "Исправленная",
        "first_name": student.first_name,
        "patronymic": student.patronymic,
        "birth_date": student.birth_date.strftime("%d.%m.%Y"),
        "gender": student.gender,
        "registration_address": student.registration_address,
        "actual_address": student.actual_address,
        "notes": student.notes,
        "guardians-TOTAL_FORMS": str(len(guardians)),
        "guardians-INITIAL_FORMS": str(len(guardians)),
        "guardians-MIN_NUM_FORMS": "0",
        "guardians-MAX_NUM_FORMS": "1000",
        "enrollments-TOTAL_FORMS": "1",
        "enrollments-INITIAL_FORMS": "1",
        "enrollments-MIN_NUM_FORMS": "1",
        "enrollments-MAX_NUM_FORMS": "1000",
        "enrollments-0-id": enrollment.pk,
        "enrollments-0-student": student.pk,
        "enrollments-0-school_class": enrollment.school_class_id,
        "enrollments-0-start_date": enrollment.start_date.strftime("%d.%m.%Y"),
    }
    for n, guardian in enumerate(guardians):
        data |= {
            f"guardians-{n}-id": guardian.pk,
            f"guardians-{n}-student": student.pk,
            f"guardians-{n}-full_name": guardian.full_name,
            f"guardians-{n}-relation": guardian.relation,
            f"guardians-{n}-phone": guardian.phone,
            f"guardians-{n}-email": guardian.email,
            # A checkbox is sent only when ticked.
            **({f"guardians-{n}-lives_with_student": "on"} if guardian.lives_with_student else {}),
        }
    return data


def test_admin_edit_of_a_student_is_audited_with_the_school(admin_client, world):
    student = world.a.student
    response = admin_client.post(
        reverse("admin:schools_student_change", args=[student.pk]), _student_form(student)
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    [entry] = AuditEntry.objects.filter(action="admin.schools.student.changed")
    assert entry.school == world.a.school
    assert entry.object_id == str(student.pk)


def test_admin_edit_of_a_user_is_audited_with_the_school(admin_client, world):
    teacher = world.a.subject_teacher
    response = admin_client.post(
        reverse("admin:accounts_user_change", args=[teacher.pk]),
        {
            "username": teacher.username,
            "last_name": "Новая-Фамилия",
            "first_name": teacher.first_name,
            "patronymic": "",
            "email": "",
            "phone": "",
            "position": "",
            "is_active": "on",
            "role_assignments-TOTAL_FORMS": "0",
            "role_assignments-INITIAL_FORMS": "0",
            "role_assignments-MIN_NUM_FORMS": "0",
            "role_assignments-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    [entry] = AuditEntry.objects.filter(action="admin.accounts.user.changed")
    assert entry.school == world.a.school


def test_superusers_edit_of_a_user_of_two_schools_is_in_both_schools_audit(client, world):
    teacher = world.a.subject_teacher
    RoleAssignment.objects.create(user=teacher, role=Role.SUBJECT_TEACHER, school=world.b.school)
    client.force_login(world.users[SUPERUSER])
    response = client.post(
        reverse("admin:accounts_user_change", args=[teacher.pk]),
        {
            "username": teacher.username,
            "last_name": "Новая-Фамилия",
            "first_name": teacher.first_name,
            "patronymic": "",
            "email": "",
            "phone": "",
            "position": "",
            "is_active": "on",
            "role_assignments-TOTAL_FORMS": "0",
            "role_assignments-INITIAL_FORMS": "0",
            "role_assignments-MIN_NUM_FORMS": "0",
            "role_assignments-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    schools = AuditEntry.objects.filter(action="admin.accounts.user.changed").values_list(
        "school", flat=True
    )
    assert sorted(schools) == sorted([world.a.school.pk, world.b.school.pk])


def test_admin_edit_shows_in_the_schools_audit_view(admin_client, world):
    response = admin_client.post(
        reverse("admin:schools_student_change", args=[world.a.student.pk]),
        _student_form(world.a.student),
    )
    assert response.status_code == 302
    shown = admin_client.get(reverse("admin:audit_auditentry_changelist")).context["cl"]
    assert "admin.schools.student.changed" in {entry.action for entry in shown.result_list}


CHANGELISTS_WITH_SCHOOL_FILTERS = [
    "admin:accounts_roleassignment_changelist",
    "admin:audit_auditentry_changelist",
    "admin:schools_schoolclass_changelist",
    "admin:schools_academicyear_changelist",
    "admin:schools_subject_changelist",
    "admin:journal_lesson_changelist",
    "admin:journal_bellperiod_changelist",
    "admin:journal_timetableentry_changelist",
    "admin:journal_term_changelist",
    "admin:journal_vacation_changelist",
]


@pytest.mark.parametrize("url_name", CHANGELISTS_WITH_SCHOOL_FILTERS)
def test_list_filters_name_no_other_school(admin_client, world, url_name):
    # A second school of theirs, so that a filter by school has something to choose.
    school_c = factories.SchoolFactory()
    RoleAssignment.objects.create(
        user=world.users[Role.SCHOOL_ADMIN], role=Role.SCHOOL_ADMIN, school=school_c
    )
    response = admin_client.get(reverse(url_name))
    assert response.status_code == 200
    choices = [
        str(choice.get("display"))
        for spec in response.context["cl"].filter_specs
        for choice in spec.choices(response.context["cl"])
    ]
    assert {str(world.a.school), str(school_c)} <= set(choices)
    assert str(world.b.school) not in choices
    content = response.content.decode()
    assert f">{world.b.school.short_name}<" not in content
    assert world.b.school.name not in content
