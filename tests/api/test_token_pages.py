"""The pages where tokens are made and revoked: shown once, stored as a digest, audited."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from api.models import ApiToken, token_digest
from api.services import create_integration_token, create_personal_token, revoke_token
from audit.models import AuditEntry
from tests import factories
from tests.api.helpers import auth

pytestmark = pytest.mark.django_db


@pytest.fixture
def director(school):
    return factories.staff_user(Role.DIRECTOR, school)


def test_a_personal_token_is_shown_once_and_works(client, school):
    teacher = factories.staff_user(Role.SUBJECT_TEACHER, school)
    client.force_login(teacher)
    page = client.post(reverse("api:tokens"), {"name": "Телефон"})
    assert page.status_code == 200
    secret = page.context["created"][1]
    assert secret in page.content.decode()
    token = ApiToken.objects.get()
    assert (token.user, token.kind, token.digest) == (teacher, "personal", token_digest(secret))
    # The list shows its first characters only.
    listing = client.get(reverse("api:tokens")).content.decode()
    assert secret not in listing and token.prefix in listing
    client.logout()
    assert client.get(reverse("api:v1_my_lessons"), **auth(secret)).status_code == 200
    assert AuditEntry.objects.filter(action="api.token.created", actor=teacher).count() == 1


@pytest.mark.parametrize(
    "data", [{"name": ""}, {"name": "x" * 101}, {"name": "a", "expires_on": "2001-01-01"}]
)
def test_a_bad_form_answers_400_and_makes_nothing(client, school, data):
    client.force_login(factories.staff_user(Role.SUBJECT_TEACHER, school))
    assert client.post(reverse("api:tokens"), data).status_code == 400
    assert not ApiToken.objects.exists()


def test_revoking_stops_the_token_and_is_audited_once(client, school):
    teacher = factories.staff_user(Role.SUBJECT_TEACHER, school)
    client.force_login(teacher)
    secret = client.post(reverse("api:tokens"), {"name": "Скрипт"}).context["created"][1]
    token = ApiToken.objects.get()
    url = reverse("api:token_revoke", args=[token.pk])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    assert AuditEntry.objects.filter(action="api.token.revoked").count() == 1
    client.logout()
    assert client.get(reverse("api:v1_my_lessons"), **auth(secret)).status_code == 401


def test_the_director_makes_an_integration_token_with_scopes(client, school, director):
    client.force_login(director)
    url = reverse("api:school_tokens", args=[school.pk])
    page = client.post(url, {"name": "ЭЖД", "scopes": ["alerts:read", "students:read"]})
    assert page.status_code == 200
    token = ApiToken.objects.get()
    assert (token.kind, token.school, token.scopes) == (
        "integration",
        school,
        ["alerts:read", "students:read"],
    )


@pytest.mark.parametrize("scopes", [[], ["everything"]])
def test_an_integration_token_needs_known_scopes(client, school, director, scopes):
    client.force_login(director)
    url = reverse("api:school_tokens", args=[school.pk])
    assert client.post(url, {"name": "ЭЖД", "scopes": scopes}).status_code == 400
    assert not ApiToken.objects.exists()


def test_a_teacher_may_not_make_integration_tokens(client, school):
    client.force_login(factories.staff_user(Role.CLASS_TEACHER, school))
    url = reverse("api:school_tokens", args=[school.pk])
    assert client.post(url, {"name": "x", "scopes": ["marks:read"]}).status_code == 403
    assert not ApiToken.objects.exists()


def test_the_number_of_live_tokens_is_bounded(client, school):
    client.force_login(factories.staff_user(Role.SUBJECT_TEACHER, school))
    for number in range(20):
        assert client.post(reverse("api:tokens"), {"name": f"t{number}"}).status_code == 200
    page = client.post(reverse("api:tokens"), {"name": "лишний"})
    assert page.status_code == 400
    assert "отзовите" in page.content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_token_pages_queries_are_bounded(
    client, school, director, count, django_assert_max_num_queries
):
    for number in range(count):
        # Revoked at once: the listing shows them, the limit of live tokens does not count them.
        for token, _secret in (
            create_personal_token(acting_user=director, name=f"p{number}"),
            create_integration_token(
                acting_user=director, school=school, name=f"i{number}", scopes=["marks:read"]
            ),
        ):
            revoke_token(token=token, acting_user=director)
    client.force_login(director)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("api:tokens")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("api:school_tokens", args=[school.pk])).status_code == 200
