import pytest

from accounts.models import RoleAssignment
from accounts.roles import Role
from accounts.selectors import has_role
from accounts.services import RoleError, assign_role, revoke_role
from audit.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db


def test_assign_role_is_audited_and_idempotent(school):
    admin = factories.UserFactory(is_superuser=True)
    user = factories.UserFactory()
    first = assign_role(user=user, role=Role.DEPUTY, school=school, acting_user=admin)
    again = assign_role(user=user, role=Role.DEPUTY, school=school, acting_user=admin)
    assert first == again
    [entry] = AuditEntry.objects.filter(action="accounts.role.assigned")
    assert entry.actor == admin
    assert entry.school == school
    assert entry.data["role"] == "deputy"
    assert has_role(user, Role.DEPUTY, school)


def test_school_admin_role_opens_and_closes_the_admin(school, other_school):
    user = factories.UserFactory()
    first = assign_role(user=user, role=Role.SCHOOL_ADMIN, school=school, acting_user=None)
    second = assign_role(user=user, role=Role.SCHOOL_ADMIN, school=other_school, acting_user=None)
    user.refresh_from_db()
    assert user.is_staff
    revoke_role(assignment=first, acting_user=None)
    user.refresh_from_db()
    assert user.is_staff  # still administers the other school
    revoke_role(assignment=second, acting_user=None)
    user.refresh_from_db()
    assert not user.is_staff
    assert AuditEntry.objects.filter(action="accounts.role.revoked").count() == 2


def test_revoking_twice_writes_one_entry(school):
    user = factories.UserFactory()
    assignment = assign_role(user=user, role=Role.DIRECTOR, school=school, acting_user=None)
    revoke_role(assignment=assignment, acting_user=None)
    revoke_role(assignment=assignment, acting_user=None)
    assert AuditEntry.objects.filter(action="accounts.role.revoked").count() == 1
    assert not RoleAssignment.objects.filter(user=user).exists()


def test_school_role_needs_a_school(school):
    user = factories.UserFactory()
    with pytest.raises(RoleError):
        assign_role(user=user, role=Role.DEPUTY, municipality=school.municipality, acting_user=None)
    with pytest.raises(RoleError):
        assign_role(user=user, role=Role.MUNICIPAL, school=school, acting_user=None)
    assert not AuditEntry.objects.exists()
