import pytest
from django.urls import reverse

from accounts.roles import LANDING_ORDER, Role
from tests import factories
from tests.accounts.world import SUPERUSER

pytestmark = pytest.mark.django_db

START_TEMPLATES = {
    Role.SUBJECT_TEACHER: "home/subject_teacher.html",
    Role.CLASS_TEACHER: "home/class_teacher.html",
    Role.SOCIAL_PEDAGOGUE: "home/social_pedagogue.html",
    Role.PSYCHOLOGIST: "home/psychologist.html",
    Role.DEPUTY: "home/deputy.html",
    Role.DIRECTOR: "home/director.html",
    Role.SCHOOL_ADMIN: "home/school_admin.html",
    Role.MUNICIPAL: "home/municipal.html",
    Role.REGIONAL: "home/regional.html",
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_lands_on_its_own_start_page(client, world, role):
    client.force_login(world.users[role])
    response = client.get(reverse("home:home"), follow=True)
    assert response.redirect_chain == [(reverse("home:start", kwargs={"role": role}), 302)]
    assert START_TEMPLATES[role] in [t.name for t in response.templates]


QUERY_BOUNDS = {
    Role.SUBJECT_TEACHER: 12,
    Role.CLASS_TEACHER: 11,
    Role.SOCIAL_PEDAGOGUE: 14,
    Role.DEPUTY: 14,
    Role.DIRECTOR: 14,
}


@pytest.mark.parametrize("role", list(Role))
def test_start_page_queries_are_bounded(client, world, role, django_assert_max_num_queries):
    client.force_login(world.users[role])
    url = reverse("home:start", kwargs={"role": role})
    client.get(url)  # warm the session
    # Permissions the rules deny cost nothing more: accounts.backends.PasswordBackend reads
    # no per-user or per-group permission tables. The subject teacher's page also reads the
    # bells and the schools' settings to say when each of today's lessons opens for marking;
    # the dashboards (tests/home/test_dashboards.py) read attendance facts, cases, alerts.
    with django_assert_max_num_queries(QUERY_BOUNDS.get(role, 10)):
        assert client.get(url).status_code == 200


def test_class_teacher_page_lists_own_class_only(client, world):
    client.force_login(world.a.class_teacher)
    content = client.get(reverse("home:start", kwargs={"role": "class_teacher"})).content
    content = content.decode()
    assert world.a.student.full_name in content
    assert world.a.other_student.full_name not in content
    assert world.b.student.full_name not in content


def test_class_teacher_page_query_count_does_not_grow_with_students(
    client, world, django_assert_max_num_queries
):
    for _ in range(15):
        factories.enrolled_student(world.a.school_class)
    client.force_login(world.a.class_teacher)
    url = reverse("home:start", kwargs={"role": "class_teacher"})
    client.get(url)
    with django_assert_max_num_queries(QUERY_BOUNDS[Role.CLASS_TEACHER]):
        response = client.get(url)
    assert response.content.decode().count('class="dash-row ') >= 16


def test_subject_teacher_sees_todays_lessons(client, world):
    client.force_login(world.a.subject_teacher)
    response = client.get(reverse("home:start", kwargs={"role": "subject_teacher"}))
    assert response.context["lessons"] == [world.a.lesson]
    assert world.a.school_class in response.context["taught_classes"]


def test_school_summary_counts_classes_and_students(client, world):
    client.force_login(world.users[Role.DEPUTY])
    response = client.get(reverse("home:start", kwargs={"role": "deputy"}))
    [summary] = response.context["schools"]
    assert summary["school"] == world.a.school
    assert len(summary["classes"]) == 2
    assert summary["student_count"] == 2


def test_psychologist_start_page_names_only_the_students_referred_to_them(client, world):
    client.force_login(world.users[Role.PSYCHOLOGIST])
    content = client.get(reverse("home:start", kwargs={"role": "psychologist"})).content.decode()
    assert world.a.student.last_name in content  # referred (tests/casework/world.py)
    assert world.a.other_student.last_name not in content


@pytest.mark.parametrize("role", [Role.MUNICIPAL, Role.REGIONAL])
def test_territory_officials_see_their_schools_and_no_pupils(client, world, role):
    client.force_login(world.users[role])
    response = client.get(reverse("home:start", kwargs={"role": role}))
    assert response.context["schools"] == [world.a.school]
    assert world.a.student.last_name not in response.content.decode()


def test_role_switcher_lists_roles_of_a_person_with_several(client, school):
    user = factories.staff_user(Role.DEPUTY, school)
    factories.RoleAssignmentFactory(user=user, role=Role.SUBJECT_TEACHER, school=school)
    client.force_login(user)
    response = client.get(reverse("home:home"), follow=True)
    assert response.redirect_chain[-1][0].endswith("/start/deputy/")  # LANDING_ORDER
    content = response.content.decode()
    assert 'data-testid="role-switcher"' in content
    assert reverse("home:start", kwargs={"role": "subject_teacher"}) in content

    client.get(reverse("home:start", kwargs={"role": "subject_teacher"}))
    response = client.get(reverse("home:home"))
    assert response.headers["Location"].endswith("/start/subject_teacher/")


def test_single_role_has_no_switcher(client, world):
    client.force_login(world.users[Role.DIRECTOR])
    response = client.get(reverse("home:start", kwargs={"role": "director"}))
    assert 'data-testid="role-switcher"' not in response.content.decode()


def test_start_page_of_a_role_not_held_is_forbidden(client, world):
    client.force_login(world.users[Role.SUBJECT_TEACHER])
    response = client.get(reverse("home:start", kwargs={"role": "director"}))
    assert response.status_code == 403


def test_user_without_roles_sees_an_explanation(client, world):
    client.force_login(world.users[SUPERUSER])
    response = client.get(reverse("home:home"))
    assert response.status_code == 200
    assert "не назначена ни одна роль" in response.content.decode()


def test_landing_order_covers_every_role():
    assert set(LANDING_ORDER) == set(Role)
