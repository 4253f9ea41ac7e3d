"""Self-escalation (issue #14): who may grant and revoke which role, in the services and in
the scoped admin, and whom a role change is told to.

Nobody grants or revokes a role on themselves; a school administrator manages the staff
roles of their own school (``accounts.roles.SCHOOL_ADMIN_GRANTABLE_ROLES``) and cannot
reach the school's leadership (director, deputy) or its administrators, whom a municipal
specialist of the school's municipality (or a superuser) appoints. A school administrator
cannot open the account (change form, password form) of anybody holding a role they may
not grant. Every role change is audited with the roles before and after, and tells the
school's director through the inbox (and by e-mail).
"""

import pytest
from django.urls import reverse

from accounts.models import RoleAssignment
from accounts.roles import Role
from accounts.services import RoleError, assign_role, revoke_role
from alerts.models import Notification
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


def _role_choices(form) -> set[str]:
    return {value for value, _label in form.fields["role"].choices if value}


# --- The service ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.SUBJECT_TEACHER, Role.DIRECTOR])
def test_nobody_grants_a_role_to_themselves(world, role):
    for actor in (world.users[Role.SCHOOL_ADMIN], world.users[SUPERUSER]):
        with pytest.raises(RoleError):
            assign_role(user=actor, role=role, school=world.a.school, acting_user=actor)
        assert not RoleAssignment.objects.filter(user=actor, role=role).exists()


def test_nobody_revokes_their_own_role(world):
    admin_user = world.users[Role.SCHOOL_ADMIN]
    assignment = RoleAssignment.objects.get(user=admin_user)
    with pytest.raises(RoleError):
        revoke_role(assignment=assignment, acting_user=admin_user)
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.DEPUTY, Role.SCHOOL_ADMIN])
def test_school_admin_cannot_grant_leadership_or_admin_roles(world, role):
    with pytest.raises(RoleError):
        assign_role(
            user=world.a.subject_teacher,
            role=role,
            school=world.a.school,
            acting_user=world.users[Role.SCHOOL_ADMIN],
        )
    assert not RoleAssignment.objects.filter(user=world.a.subject_teacher, role=role).exists()


def test_school_admin_cannot_revoke_the_directors_role(world):
    director = world.users[Role.DIRECTOR]
    assignment = RoleAssignment.objects.get(user=director, role=Role.DIRECTOR)
    with pytest.raises(RoleError):
        revoke_role(assignment=assignment, acting_user=world.users[Role.SCHOOL_ADMIN])
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_school_admin_grants_staff_roles_of_their_own_school_only(world):
    admin_user = world.users[Role.SCHOOL_ADMIN]
    assign_role(
        user=world.a.subject_teacher,
        role=Role.PSYCHOLOGIST,
        school=world.a.school,
        acting_user=admin_user,
    )
    with pytest.raises(RoleError):
        assign_role(
            user=world.a.subject_teacher,
            role=Role.PSYCHOLOGIST,
            school=world.b.school,
            acting_user=admin_user,
        )
    assert set(
        RoleAssignment.objects.filter(
            user=world.a.subject_teacher, role=Role.PSYCHOLOGIST
        ).values_list("school", flat=True)
    ) == {world.a.school.pk}


def test_municipal_specialist_appoints_the_director_of_their_municipalitys_school(world):
    municipal = world.users[Role.MUNICIPAL]  # of school A's municipality
    teacher = world.a.subject_teacher
    assignment = assign_role(
        user=teacher, role=Role.DEPUTY, school=world.a.school, acting_user=municipal
    )
    revoke_role(assignment=assignment, acting_user=municipal)
    with pytest.raises(RoleError):
        assign_role(
            user=world.b.subject_teacher,
            role=Role.DIRECTOR,
            school=world.b.school,
            acting_user=municipal,
        )
    assert not RoleAssignment.objects.filter(
        user__in=[teacher, world.b.subject_teacher], role__in=[Role.DIRECTOR, Role.DEPUTY]
    ).exists()


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.DEPUTY, Role.CLASS_TEACHER])
def test_other_staff_grant_nothing(world, role):
    for actor_role in (Role.DIRECTOR, Role.DEPUTY, Role.CLASS_TEACHER, Role.REGIONAL):
        with pytest.raises(RoleError):
            assign_role(
                user=world.a.subject_teacher,
                role=role,
                school=world.a.school,
                acting_user=world.users[actor_role],
            )


def test_territory_roles_are_a_superusers_to_give(world):
    teacher = world.a.subject_teacher
    municipality = world.a.school.municipality
    for actor in (world.users[Role.MUNICIPAL], world.users[Role.REGIONAL]):
        with pytest.raises(RoleError):
            assign_role(
                user=teacher, role=Role.MUNICIPAL, municipality=municipality, acting_user=actor
            )
    assert not RoleAssignment.objects.filter(user=teacher, role=Role.MUNICIPAL).exists()
    superuser = world.users[SUPERUSER]
    assign_role(user=teacher, role=Role.MUNICIPAL, municipality=municipality, acting_user=superuser)
    assign_role(user=teacher, role=Role.DIRECTOR, school=world.b.school, acting_user=superuser)


# --- The scoped admin -------------------------------------------------------------------------


def test_school_admin_cannot_make_themselves_director_in_the_admin(admin_client, world):
    admin_user = world.users[Role.SCHOOL_ADMIN]
    response = admin_client.post(
        reverse("admin:accounts_roleassignment_add"),
        {"user": admin_user.pk, "role": Role.DIRECTOR, "school": world.a.school.pk},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not RoleAssignment.objects.filter(user=admin_user, role=Role.DIRECTOR).exists()


def test_school_admin_cannot_give_themselves_a_staff_role_in_the_admin(admin_client, world):
    admin_user = world.users[Role.SCHOOL_ADMIN]
    response = admin_client.post(
        reverse("admin:accounts_roleassignment_add"),
        {"user": admin_user.pk, "role": Role.SUBJECT_TEACHER, "school": world.a.school.pk},
    )
    assert response.status_code == 200
    assert "user" in response.context["adminform"].form.errors
    assert not RoleAssignment.objects.filter(user=admin_user, role=Role.SUBJECT_TEACHER).exists()


def test_school_admin_is_offered_only_the_roles_they_may_grant(admin_client, world):
    expected = {
        Role.SUBJECT_TEACHER,
        Role.CLASS_TEACHER,
        Role.SOCIAL_PEDAGOGUE,
        Role.PSYCHOLOGIST,
    }
    add_assignment = admin_client.get(reverse("admin:accounts_roleassignment_add"))
    assert _role_choices(add_assignment.context["adminform"].form) == expected
    add_user = admin_client.get(reverse("admin:accounts_user_add"))
    assert _role_choices(add_user.context["adminform"].form) == expected
    change_user = admin_client.get(
        reverse("admin:accounts_user_change", args=[world.a.subject_teacher.pk])
    )
    [inline] = change_user.context["inline_admin_formsets"]
    assert _role_choices(inline.formset.empty_form) == expected


def test_school_admin_cannot_grant_director_through_the_users_inline(admin_client, world):
    teacher = world.a.subject_teacher
    existing = RoleAssignment.objects.get(user=teacher)
    response = admin_client.post(
        reverse("admin:accounts_user_change", args=[teacher.pk]),
        {
            "username": teacher.username,
            "last_name": teacher.last_name,
            "first_name": teacher.first_name,
            "patronymic": "",
            "email": "",
            "phone": "",
            "position": "",
            "is_active": "on",
            "role_assignments-TOTAL_FORMS": "2",
            "role_assignments-INITIAL_FORMS": "1",
            "role_assignments-MIN_NUM_FORMS": "0",
            "role_assignments-MAX_NUM_FORMS": "1000",
            "role_assignments-0-id": existing.pk,
            "role_assignments-0-user": teacher.pk,
            "role_assignments-1-user": teacher.pk,
            "role_assignments-1-role": Role.DIRECTOR,
            "role_assignments-1-school": world.a.school.pk,
        },
    )
    assert response.status_code == 200
    assert not RoleAssignment.objects.filter(user=teacher, role=Role.DIRECTOR).exists()


def test_new_user_cannot_be_created_as_director_by_a_school_admin(admin_client, world):
    password = "Очень-длинный-пароль-1"
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "puppet",
            "password1": password,
            "password2": password,
            "usable_password": "true",
            "last_name": "Подставной",
            "first_name": "Директор",
            "school": world.a.school.pk,
            "role": Role.DIRECTOR,
        },
    )
    assert response.status_code == 200
    assert "role" in response.context["adminform"].form.errors
    assert not RoleAssignment.objects.filter(user__username="puppet").exists()


def test_school_admin_cannot_revoke_the_directors_role_in_the_admin(admin_client, world):
    assignment = RoleAssignment.objects.get(user=world.users[Role.DIRECTOR])
    url = reverse("admin:accounts_roleassignment_delete", args=[assignment.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    admin_client.post(
        reverse("admin:accounts_roleassignment_changelist"),
        {"action": "delete_selected", "_selected_action": [assignment.pk], "post": "yes"},
    )
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_school_admin_cannot_revoke_their_own_role_in_the_admin(admin_client, world):
    assignment = RoleAssignment.objects.get(user=world.users[Role.SCHOOL_ADMIN])
    url = reverse("admin:accounts_roleassignment_delete", args=[assignment.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def _higher_users(world) -> dict:
    """Users a school administrator of A may not take over."""
    teacher_a_director_b = factories.staff_user(Role.SUBJECT_TEACHER, world.a.school)
    RoleAssignment.objects.create(
        user=teacher_a_director_b, role=Role.DIRECTOR, school=world.b.school
    )
    second_admin = factories.staff_user(Role.SCHOOL_ADMIN, world.a.school)
    return {
        "director": world.users[Role.DIRECTOR],
        "deputy": world.users[Role.DEPUTY],
        "another school admin": second_admin,
        "director of another school": teacher_a_director_b,
        "municipal": world.users[Role.MUNICIPAL],
        "superuser": world.users[SUPERUSER],
        "other school's teacher": world.b.class_teacher,
    }


def test_school_admin_cannot_open_a_higher_users_account(admin_client, world):
    for name, user in _higher_users(world).items():
        for url_name in ("admin:accounts_user_change", "admin:auth_user_password_change"):
            response = admin_client.get(reverse(url_name, args=[user.pk]))
            assert response.status_code == 404, (name, url_name)


def test_school_admin_cannot_change_the_directors_password(admin_client, world):
    director = world.users[Role.DIRECTOR]
    before = director.password
    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[director.pk]),
        {"password1": "Захват-аккаунта-2024", "password2": "Захват-аккаунта-2024"},
    )
    assert response.status_code == 404
    director.refresh_from_db()
    assert director.password == before


def test_school_admin_still_manages_the_teachers_account(admin_client, world):
    teacher = world.a.class_teacher
    for url_name in ("admin:accounts_user_change", "admin:auth_user_password_change"):
        assert admin_client.get(reverse(url_name, args=[teacher.pk])).status_code == 200
    users = admin_client.get(reverse("admin:accounts_user_changelist")).context["cl"]
    assert world.users[Role.DIRECTOR] not in set(users.result_list)


# --- Audit and the director's notice ---------------------------------------------------------


def test_role_change_in_the_admin_notifies_the_director_and_is_audited(
    admin_client, world, mailoutbox, django_capture_on_commit_callbacks
):
    director = world.users[Role.DIRECTOR]
    director.email = "director@example.org"
    director.save(update_fields=["email"])
    teacher = world.a.subject_teacher
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:accounts_roleassignment_add"),
            {"user": teacher.pk, "role": Role.CLASS_TEACHER, "school": world.a.school.pk},
        )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=teacher, role=Role.CLASS_TEACHER)
    granted = AuditEntry.objects.get(action="accounts.role.assigned", data__user_id=teacher.pk)
    assert granted.school == world.a.school
    assert granted.data["old"] == [Role.SUBJECT_TEACHER]
    assert sorted(granted.data["new"]) == sorted([Role.CLASS_TEACHER, Role.SUBJECT_TEACHER])
    [notice] = Notification.objects.filter(user=director)
    assert teacher.short_name in notice.text
    assert str(Role.CLASS_TEACHER.label) in notice.text
    assert [message.to for message in mailoutbox] == [[director.email]]

    response = admin_client.post(
        reverse("admin:accounts_roleassignment_delete", args=[assignment.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    revoked = AuditEntry.objects.get(action="accounts.role.revoked", data__user_id=teacher.pk)
    assert revoked.data["old"] == sorted([Role.CLASS_TEACHER, Role.SUBJECT_TEACHER])
    assert revoked.data["new"] == [Role.SUBJECT_TEACHER]
    assert Notification.objects.filter(user=director).count() == 2
    # Nobody of the other school hears of it.
    assert (
        not Notification.objects.filter(user__role_assignments__school=world.b.school)
        .exclude(pk__in=[world.b.notification.pk])
        .exists()
    )


def test_appointing_a_director_tells_the_sitting_director_and_the_new_one(world):
    director = world.users[Role.DIRECTOR]
    teacher = world.a.subject_teacher
    assign_role(
        user=teacher,
        role=Role.DIRECTOR,
        school=world.a.school,
        acting_user=world.users[Role.MUNICIPAL],
    )
    assert Notification.objects.filter(user=director).count() == 1
    assert Notification.objects.filter(user=teacher).count() == 1
