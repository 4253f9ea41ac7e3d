"""Every change made in the admin is in the audit log with each changed field's old and new
value (issue #14, spec R-SEC), and never a secret: no password, raw or hashed."""

import json

import pytest
from django.urls import reverse

from accounts.roles import Role
from audit.models import AuditEntry
from tests.accounts.world import SUPERUSER
from tests.security.test_admin_audit import _student_form

pytestmark = pytest.mark.django_db
PASSWORD = "Очень-длинный-пароль-1"


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.users[Role.SCHOOL_ADMIN])
    return client


def test_a_student_edit_records_the_old_and_new_values(admin_client, world):
    student = world.a.student
    old_name, old_class = student.last_name, world.a.school_class
    data = _student_form(student) | {"enrollments-0-school_class": world.a.other_class.pk}
    response = admin_client.post(reverse("admin:schools_student_change", args=[student.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    [entry] = AuditEntry.objects.filter(action="admin.schools.student.changed")
    changes = entry.data["changes"]
    assert changes["fields"] == {"last_name": {"old": old_name, "new": "Исправленная"}}
    # The enrollment's class by its name, not its id.
    [inline] = changes["inlines"]
    assert inline["verb"] == "changed"
    assert inline["fields"]["school_class"] == {
        "old": str(old_class),
        "new": str(world.a.other_class),
    }


def test_a_new_users_password_is_never_stored(admin_client, world):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "newteacher",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "usable_password": "true",
            "last_name": "Новикова",
            "first_name": "Ольга",
            "school": world.a.school.pk,
            "role": Role.SUBJECT_TEACHER,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors

    [entry] = AuditEntry.objects.filter(action="admin.accounts.user.added")
    fields = entry.data["changes"]["fields"]
    assert fields["last_name"] == {"old": None, "new": "Новикова"}
    assert fields["password1"] == fields["password2"] == {"secret": True}
    stored = json.dumps(entry.data, ensure_ascii=False)
    assert PASSWORD not in stored
    assert entry.object_repr not in ("", None)


def test_a_password_change_in_the_admin_stores_no_password(client, world):
    client.force_login(world.users[SUPERUSER])
    user = world.a.subject_teacher
    response = client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": PASSWORD, "password2": PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302

    [entry] = AuditEntry.objects.filter(action="admin.accounts.user.changed")
    user.refresh_from_db()
    stored = json.dumps(entry.data, ensure_ascii=False)
    assert PASSWORD not in stored and user.password not in stored
    assert entry.data["changes"] == {"fields": {"password": {"secret": True}}}
    assert entry.school == world.a.school
