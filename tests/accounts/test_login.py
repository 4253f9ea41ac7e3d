import pytest
from django.urls import reverse

from accounts.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "test-password-123"


def test_login_page_renders_in_russian(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'lang="ru"' in content
    assert "Вход в систему" in content
    assert "Пароль" in content
    assert "Войти" in content
    assert 'name="viewport"' in content


def test_wrong_password_shows_russian_error(client):
    factories.UserFactory(username="ivanova")
    response = client.post(
        reverse("accounts:login"), {"username": "ivanova", "password": "wrong-password"}
    )
    assert response.status_code == 200
    assert "Пожалуйста, введите правильные имя пользователя и пароль" in response.content.decode()


def test_login_redirects_to_the_start_page_of_the_role(client, school):
    factories.staff_user(Role.DEPUTY, school, username="deputy")
    response = client.post(
        reverse("accounts:login"), {"username": "deputy", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home:start", kwargs={"role": "deputy"})
    assert response.status_code == 200


def test_axes_locks_out_after_repeated_failures(client, settings):
    factories.UserFactory(username="victim")
    url = reverse("accounts:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "victim", "password": "wrong-password"})
    response = client.post(url, {"username": "victim", "password": PASSWORD})
    assert response.status_code == 429
    assert "Вход временно заблокирован" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_below_the_limit_do_not_lock(client, settings):
    factories.UserFactory(username="forgetful")
    url = reverse("accounts:login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(url, {"username": "forgetful", "password": "wrong-password"})
    response = client.post(url, {"username": "forgetful", "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_logout_needs_post(client, school):
    client.force_login(factories.staff_user(Role.DIRECTOR, school))
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_password_change_enforces_validators(client, school):
    user = factories.staff_user(Role.DIRECTOR, school)
    client.force_login(user)
    url = reverse("accounts:password_change")
    weak = {"old_password": PASSWORD, "new_password1": "12345", "new_password2": "12345"}
    response = client.post(url, weak)
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    strong = "Зелёный-слон-2026"
    response = client.post(
        url, {"old_password": PASSWORD, "new_password1": strong, "new_password2": strong}
    )
    assert response.headers["Location"] == reverse("accounts:password_change_done")
    user.refresh_from_db()
    assert user.check_password(strong)
