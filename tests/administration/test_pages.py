"""The administration pages: what they do through the services, their Russian errors, and
a number of queries that does not grow with the rows (3 and 30 classes, people, subjects,
schools)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import RoleAssignment, User
from accounts.roles import Role
from schools.models import SchoolClass, Subject
from tests import factories

pytestmark = pytest.mark.django_db

# Session, user, roles, the page's own reads: a bound for every page, whatever the rows.
MAX_QUERIES = 12


def _fill(staffed, rows: int) -> None:
    """``rows`` classes (each with a class teacher and a student), people and subjects in
    the school, and ``rows`` schools with a director in its municipality."""
    for n in range(rows):
        teacher = factories.staff_user(Role.CLASS_TEACHER, staffed.school)
        school_class = factories.SchoolClassFactory(
            school=staffed.school,
            academic_year=staffed.year,
            grade=1 + n % 11,
            class_teacher=teacher,
        )
        factories.enrolled_student(school_class)
        factories.SubjectFactory(school=staffed.school, name=f"Предмет {n}")
        school = factories.SchoolFactory(municipality=staffed.school.municipality)
        factories.staff_user(Role.DIRECTOR, school)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("page", "who"),
    [
        ("classes", "admin"),
        ("staff", "admin"),
        ("staff", "municipal"),
        ("subjects", "director"),
        ("leadership", "municipal"),
        ("index", "admin"),
    ],
)
def test_page_queries_do_not_grow_with_rows(client, staffed, page, who):
    client.force_login(getattr(staffed, who))
    if page == "leadership":
        url = reverse("administration:leadership", args=[staffed.school.municipality_id])
    elif page == "index":
        url = reverse("administration:index")
    else:
        url = reverse(f"administration:{page}", args=[staffed.school.pk])
    _fill(staffed, 3)
    few = _queries(client, url)
    _fill(staffed, 27)
    many = _queries(client, url)
    assert many == few, (few, many)
    assert many <= MAX_QUERIES


def test_staff_member_page_queries_are_bounded(client, staffed, django_assert_max_num_queries):
    client.force_login(staffed.admin)
    url = reverse("administration:staff_member", args=[staffed.school.pk, staffed.class_teacher.pk])
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(url).status_code == 200


def test_class_pages_open_change_and_close(client, staffed):
    client.force_login(staffed.admin)
    add = reverse("administration:class_add", args=[staffed.school.pk])
    response = client.post(
        add, {"grade": "3", "letter": "к", "class_teacher": staffed.class_teacher.pk}
    )
    assert response.status_code == 302
    school_class = SchoolClass.objects.get(academic_year=staffed.year, grade=3)
    assert (school_class.letter, school_class.class_teacher) == ("К", staffed.class_teacher)
    # The same class again: the service's Russian refusal on the form, nothing added.
    response = client.post(add, {"grade": "3", "letter": "К"})
    assert response.status_code == 200
    assert "Класс 3 «К»" in response.content.decode() and "уже есть" in response.content.decode()
    # A teacher without the class teacher's role is not even offered.
    response = client.post(
        add, {"grade": "4", "letter": "А", "class_teacher": staffed.subject_teacher.pk}
    )
    assert response.status_code == 200
    assert SchoolClass.objects.count() == 1
    edit = reverse("administration:class_edit", args=[school_class.pk])
    assert client.post(edit, {"grade": "4", "letter": "К", "class_teacher": ""}).status_code == 302
    school_class.refresh_from_db()
    assert (school_class.grade, school_class.class_teacher) == (4, None)
    close = reverse("administration:class_close", args=[school_class.pk])
    assert client.post(close).status_code == 302
    assert not SchoolClass.objects.exists()


def test_bad_class_input_is_a_form_error_not_a_500(client, staffed):
    client.force_login(staffed.admin)
    add = reverse("administration:class_add", args=[staffed.school.pk])
    for data in (
        {"grade": "99", "letter": "А"},
        {"grade": "x", "letter": ""},
        {"class_teacher": "9" * 20},
    ):
        response = client.post(add, data)
        assert response.status_code == 200
    assert not SchoolClass.objects.exists()


def test_taking_on_a_person_shows_the_temporary_password_once(client, staffed):
    client.force_login(staffed.admin)
    response = client.post(
        reverse("administration:staff_add", args=[staffed.school.pk]),
        {
            "last_name": "Смирнова",
            "first_name": "Елена",
            "username": "smirnova",
            "roles": [Role.CLASS_TEACHER],
        },
    )
    assert response.status_code == 200
    password = response.context["created"].temporary_password
    user = User.objects.get(username="smirnova")
    assert user.check_password(password)
    assert password in response.content.decode()
    member = client.get(reverse("administration:staff_member", args=[staffed.school.pk, user.pk]))
    assert password not in member.content.decode()


def test_staff_form_offers_the_administrator_only_the_teaching_roles(client, staffed):
    client.force_login(staffed.admin)
    url = reverse("administration:staff_add", args=[staffed.school.pk])
    choices = {value for value, _label in client.get(url).context["form"].fields["roles"].choices}
    assert choices == {
        Role.SUBJECT_TEACHER,
        Role.CLASS_TEACHER,
        Role.SOCIAL_PEDAGOGUE,
        Role.PSYCHOLOGIST,
    }
    response = client.post(
        url, {"last_name": "Б", "first_name": "В", "username": "boss", "roles": [Role.DIRECTOR]}
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="boss").exists()


def test_grant_and_revoke_a_role_on_the_staff_member_page(client, staffed):
    client.force_login(staffed.admin)
    teacher = staffed.subject_teacher
    grant = reverse("administration:staff_grant", args=[staffed.school.pk, teacher.pk])
    assert client.post(grant, {"role": Role.CLASS_TEACHER}).status_code == 302
    assignment = RoleAssignment.objects.get(user=teacher, role=Role.CLASS_TEACHER)
    # A role the administrator may not grant: a Russian message, nothing granted.
    response = client.post(grant, {"role": Role.DEPUTY}, follow=True)
    assert "Эту роль вы назначить не можете." in response.content.decode()
    assert not RoleAssignment.objects.filter(user=teacher, role=Role.DEPUTY).exists()
    revoke = reverse("administration:role_revoke", args=[assignment.pk])
    assert client.post(revoke).status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    # The director's role is the municipality's: refused with its message.
    director_role = RoleAssignment.objects.get(user=staffed.director)
    response = client.post(
        reverse("administration:role_revoke", args=[director_role.pk]), follow=True
    )
    assert "специалист муниципального органа" in response.content.decode()
    assert RoleAssignment.objects.filter(pk=director_role.pk).exists()


def test_municipal_specialist_appoints_and_revokes_a_deputy(client, staffed):
    client.force_login(staffed.municipal)
    url = reverse("administration:leadership", args=[staffed.school.municipality_id])
    response = client.post(
        url,
        {
            "action": "appoint",
            "appoint-school": staffed.school.pk,
            "appoint-role": Role.DEPUTY,
            "appoint-person": staffed.subject_teacher.pk,
        },
    )
    assert response.status_code == 302
    deputy = RoleAssignment.objects.get(user=staffed.subject_teacher, role=Role.DEPUTY)
    revoke = reverse("administration:role_revoke", args=[deputy.pk])
    response = client.post(revoke, {"back": "leadership"})
    assert response.status_code == 302 and response.url == url
    assert not RoleAssignment.objects.filter(pk=deputy.pk).exists()
    # A school of another municipality is not offered: a form error, nothing appointed.
    stranger = factories.SchoolFactory()
    response = client.post(
        url,
        {
            "action": "appoint",
            "appoint-school": stranger.pk,
            "appoint-role": Role.DIRECTOR,
            "appoint-person": staffed.subject_teacher.pk,
        },
    )
    assert response.status_code == 200
    assert not RoleAssignment.objects.filter(school=stranger).exists()


def test_archived_subject_stays_listed_and_comes_back(client, staffed):
    subject = factories.SubjectFactory(school=staffed.school, name="Черчение")
    client.force_login(staffed.director)
    archive = reverse("administration:subject_archive", args=[subject.pk])
    assert client.post(archive, {"archived": "1"}).status_code == 302
    assert Subject.objects.get(pk=subject.pk).archived
    assert client.post(archive, {"archived": "0"}).status_code == 302
    assert not Subject.objects.get(pk=subject.pk).archived
