"""Who gets in: tokens (personal, integration), their scopes, revocation and expiry."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from api.models import ApiToken, token_digest
from api.services import revoke_token
from tests import factories
from tests.api.helpers import auth, integration_token, personal_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(school):
    return factories.staff_user(Role.SUBJECT_TEACHER, school)


@pytest.fixture
def deputy(school):
    return factories.staff_user(Role.DEPUTY, school)


def _my_lessons():
    return reverse("api:v1_my_lessons")


def test_no_credentials_answer_401_in_russian(api):
    response = api.get(_my_lessons())
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Token")
    assert re.search("[А-Яа-яЁё]", response.json()["detail"])


@pytest.mark.parametrize("keyword", ["Token", "Bearer", "token"])
def test_a_personal_token_signs_in(api, teacher, keyword):
    secret = personal_token(teacher)
    assert api.get(_my_lessons(), **auth(secret, keyword)).status_code == 200
    token = ApiToken.objects.get()
    assert token.last_used_at is not None
    # Only the digest is kept: the token cannot be read back from the database.
    assert token.digest == token_digest(secret) and secret not in token.digest


@pytest.mark.parametrize(
    "header",
    [
        "Token",
        "Token a b",
        "Token att_unknown",
        "Bearer " + "x" * 500,
    ],
)
def test_malformed_or_unknown_tokens_answer_401(api, header):
    response = api.get(_my_lessons(), HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["detail"]


def test_a_non_ascii_token_answers_401_not_500(api):
    response = api.get(_my_lessons(), HTTP_AUTHORIZATION="Token токен".encode().decode("latin-1"))
    assert response.status_code == 401


def test_a_revoked_token_answers_401(api, teacher):
    secret = personal_token(teacher)
    revoke_token(token=ApiToken.objects.get(), acting_user=teacher)
    response = api.get(_my_lessons(), **auth(secret))
    assert response.status_code == 401
    assert "отозван" in response.json()["detail"]


def test_an_expired_token_answers_401(api, teacher):
    secret = personal_token(teacher)
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert api.get(_my_lessons(), **auth(secret)).status_code == 401


def test_a_deactivated_users_token_answers_401(api, teacher):
    secret = personal_token(teacher)
    teacher.is_active = False
    teacher.save()
    assert api.get(_my_lessons(), **auth(secret)).status_code == 401


def test_a_token_wins_over_a_session(api, teacher, deputy):
    """A request carrying a token is the token's, whatever cookie the client also sends."""
    api.force_login(deputy)
    assert api.get(_my_lessons(), HTTP_AUTHORIZATION="Token wrong").status_code == 401


def test_an_integration_token_without_the_scope_answers_403(api, deputy, school):
    secret = integration_token(deputy, school, ["students:read"])
    response = api.get(_my_lessons(), **auth(secret))
    assert response.status_code == 403
    assert response.json() == {"detail": "У токена нет права «marks:read»."}
    url = reverse("api:v1_school_students", args=[school.pk])
    assert api.get(url, **auth(secret)).status_code == 200


@pytest.mark.parametrize(
    ("name", "scope"),
    [
        ("api:v1_school_alerts", "alerts:read"),
        ("api:v1_school_tasks", "tasks:read"),
        ("api:v1_school_students", "students:read"),
    ],
)
def test_each_school_list_needs_its_scope(api, deputy, school, name, scope):
    others = [s for s in ("alerts:read", "tasks:read", "students:read") if s != scope]
    url = reverse(name, args=[school.pk])
    assert api.get(url, **auth(integration_token(deputy, school, others))).status_code == 403
    assert api.get(url, **auth(integration_token(deputy, school, [scope]))).status_code == 200


def test_last_used_is_written_at_most_once_a_minute(api, teacher):
    secret = personal_token(teacher)
    api.get(_my_lessons(), **auth(secret))
    first = ApiToken.objects.get().last_used_at
    api.get(_my_lessons(), **auth(secret))
    assert ApiToken.objects.get().last_used_at == first
