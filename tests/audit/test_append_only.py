"""The audit log cannot be altered (issue #14, spec R-SEC): the database refuses UPDATE and
DELETE of an entry whoever asks (a trigger), the references to it are PROTECT (SET_NULL or
CASCADE would rewrite or drop entries), and the admin lets no role, not even a superuser,
change or delete one."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.urls import reverse

from accounts.roles import Role
from audit.models import AuditEntry
from audit.services import log_action
from tests.accounts.world import ALL_ROLES, ANONYMOUS, SUPERUSER

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(world):
    return log_action(
        actor=world.users[Role.CLASS_TEACHER],
        action="journal.mark.changed",
        obj=world.a.lesson,
        student_id=world.a.student.pk,
        data={"old": {"kind": "present"}, "new": {"kind": "absent"}},
    )


def _unchanged(entry: AuditEntry) -> bool:
    stored = AuditEntry.objects.filter(pk=entry.pk).values("action", "data", "actor_id").first()
    return stored == {"action": entry.action, "data": entry.data, "actor_id": entry.actor_id}


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditentry SET action = 'x' WHERE id = %s",
        "UPDATE audit_auditentry SET actor_id = NULL WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ],
)
def test_sql_cannot_alter_an_entry(entry, statement):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [entry.pk])
    assert _unchanged(entry)


def test_the_orm_cannot_alter_an_entry(entry):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(data={})
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        entry.action = "x"
        entry.save()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.filter(pk=entry.pk, action="journal.mark.changed").exists()


def test_deleting_a_user_or_a_child_the_log_names_is_refused(world, entry):
    for named in (world.a.student, world.users[Role.CLASS_TEACHER]):
        with pytest.raises(ProtectedError), transaction.atomic():
            named.delete()
    assert _unchanged(entry)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_no_role_alters_an_entry_in_the_admin(client, world, entry, role):
    if role != ANONYMOUS:
        client.force_login(world.users[role])
    change = reverse("admin:audit_auditentry_change", args=[entry.pk])
    delete = reverse("admin:audit_auditentry_delete", args=[entry.pk])
    changelist = reverse("admin:audit_auditentry_changelist")

    answers = [
        client.post(change, {"action": "x", "object_repr": "x"}).status_code,
        client.post(delete, {"post": "yes"}).status_code,
        client.post(
            changelist, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
        ).status_code,
    ]

    # The school administrator and the superuser read the log (200 on the list, 403 on a
    # change); everybody else is sent to the admin's sign-in page.
    assert all(code in (200, 302, 403) for code in answers), answers
    assert _unchanged(entry)
    if role in (Role.SCHOOL_ADMIN, SUPERUSER):
        assert answers[:2] == [403, 403]
