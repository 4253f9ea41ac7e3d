from django.conf import settings
from django.urls import reverse


def test_russian_by_default_even_for_an_english_browser(client, db):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "ru"
    assert "Войти" in response.content.decode() or "Вход" in response.content.decode()


def test_a_chosen_language_is_kept(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("accounts:login"))
    assert response.headers["Content-Language"] == "en"
