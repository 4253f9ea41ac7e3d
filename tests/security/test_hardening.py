"""Headers and sessions (issue #14): deploy checks, CSP, idle sessions, the lock-out page."""

import os
import secrets
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from tests import factories
from tests.alerts.test_views import CACHE_DOWN

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "test-password-123"  # tests.factories.UserFactory


def production_environment(**env) -> dict:
    """The production settings with only what they require, and ``env``."""
    return {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "attendance_portal.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",
        **env,
    }


def check_deploy(**env) -> subprocess.CompletedProcess:
    """``manage.py check --deploy`` with the production settings and only what they require."""
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_environment(DJANGO_ALLOWED_HOSTS="attendance.example.org", **env),
        capture_output=True,
        text=True,
    )


def test_check_deploy_passes_with_the_production_defaults():
    """HSTS was 0 and the SSL redirect off by default: W004 and W008."""
    result = check_deploy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_plain_http_switch_turns_the_https_settings_off():
    """DJANGO_HTTPS=0 (docker-compose on a laptop) — and check --deploy says what that costs."""
    result = check_deploy(DJANGO_HTTPS="0")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in output


def test_a_cache_that_stops_answering_costs_a_request_half_a_second_and_one_client():
    """redis-py waits 5 s by default: a hung Redis would hold every web worker that long on
    every page (the navigation counts come from the cache)."""
    with socket.socket() as silent:  # accepts connections (the kernel does), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        script = (
            "import time\n"
            "from django.core.cache import cache, caches\n"
            "started = time.monotonic()\n"
            "try:\n"
            "    cache.get('anything')\n"
            "except Exception as error:\n"
            "    print(type(error).__name__)\n"
            "print(round(time.monotonic() - started, 2))\n"
            # One redis-py client per pool, not one per call (attendance_portal/redis_cache.py).
            "client = cache._cache.get_client\n"
            "print(type(caches['default']).__module__, client() is client(), client(write=True) is client())\n"
        )
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", script],
            cwd=ROOT,
            env=production_environment(CACHE_URL=f"redis://127.0.0.1:{port}/1"),
            capture_output=True,
            text=True,
            timeout=30,
        )
    error, seconds, backend, reused, shared = result.stdout.split()[-5:]  # after the banner
    assert error == "TimeoutError", result.stdout + result.stderr
    assert float(seconds) < 2
    assert (backend, reused, shared) == ("attendance_portal.redis_cache", "True", "True")


# --- Content-Security-Policy --------------------------------------------------------------

EXPECTED_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def parse_policy(header: str) -> dict[str, str]:
    directives = {}
    for part in header.split(";"):
        name, _, sources = part.strip().partition(" ")
        directives[name] = sources.strip()
    return directives


@pytest.mark.django_db
def test_pages_carry_the_content_security_policy(client, school):
    client.force_login(factories.staff_user(Role.DIRECTOR, school))
    for url in (reverse("accounts:login"), reverse("home:home")):
        response = client.get(url, follow=True)
        assert response.status_code == 200
        assert "Content-Security-Policy-Report-Only" not in response.headers
        policy = parse_policy(response.headers["Content-Security-Policy"])
        assert policy == EXPECTED_DIRECTIVES
        for sources in policy.values():
            assert "unsafe" not in sources


# --- Sessions -------------------------------------------------------------------------------


def later(minutes: int):
    return mock.patch(
        "django.utils.timezone.now", return_value=timezone.now() + timedelta(minutes=minutes)
    )


@pytest.fixture(params=[0, 60], ids=["read-each-request", "kept-in-cache"])
def signed_in(request, client, school, settings):
    """A signed-in client, with sessions read from the database on each request or kept in
    the cache for a minute (attendance_portal/sessions.py)."""
    settings.SESSION_CACHE_SECONDS = request.param
    client.post(
        reverse("accounts:login"),
        {
            "username": factories.staff_user(Role.SUBJECT_TEACHER, school).username,
            "password": PASSWORD,
        },
    )
    assert "_auth_user_id" in client.session
    return client


@pytest.mark.django_db
def test_an_idle_session_is_sent_to_sign_in(signed_in):
    """A session lived two weeks: a computer in the staff room stayed signed in for days."""
    url = reverse("accounts:password_change")
    with later(settings.SESSION_IDLE_MINUTES + 1):
        response = signed_in.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_each_request_moves_the_idle_expiry_on(signed_in):
    url = reverse("accounts:password_change")
    step = settings.SESSION_IDLE_MINUTES - 5
    with later(step):
        assert signed_in.get(url).status_code == 200
    with later(2 * step):
        assert signed_in.get(url).status_code == 200


@pytest.mark.django_db
def test_the_expiry_is_written_at_most_once_a_minute(signed_in):
    """Saving the session on every request cost three queries a page; a minute's grace."""
    url = reverse("accounts:password_change")
    stored = Session.objects.get(session_key=signed_in.session.session_key)
    signed_in.get(url)
    assert Session.objects.get(pk=stored.pk).expire_date == stored.expire_date
    with later(2):
        signed_in.get(url)
    assert Session.objects.get(pk=stored.pk).expire_date > stored.expire_date


def session_reads(queries) -> int:
    return sum('FROM "django_session"' in query["sql"] for query in queries)


@pytest.mark.django_db
def test_a_kept_session_is_read_from_the_database_once_a_minute(signed_in):
    """The fixture read the session after signing in: with the cache on, it was kept."""
    url = reverse("accounts:password_change")
    for _ in range(2):
        with CaptureQueriesContext(connection) as request:
            signed_in.get(url)
        reads = 0 if settings.SESSION_CACHE_SECONDS else 1
        assert session_reads(request.captured_queries) == reads


@pytest.mark.django_db
def test_signing_out_ends_the_session_even_when_it_was_kept(signed_in):
    url = reverse("accounts:password_change")
    old_key = signed_in.session.session_key
    assert signed_in.get(url).status_code == 200
    signed_in.post(reverse("accounts:logout"))
    signed_in.cookies[settings.SESSION_COOKIE_NAME] = old_key  # the old cookie, replayed
    response = signed_in.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_sessions_work_with_the_cache_down(client, school, settings):
    settings.SESSION_CACHE_SECONDS = 60
    settings.CACHES = CACHE_DOWN
    user = factories.staff_user(Role.SUBJECT_TEACHER, school)
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    url = reverse("accounts:password_change")
    assert client.get(url).status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(url).status_code == 302


def test_idle_minutes_default_to_thirty_and_the_cookie_dies_with_the_browser():
    assert settings.SESSION_IDLE_MINUTES == 30
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


@pytest.mark.django_db
def test_the_session_cookie_has_no_expiry_date(client, school):
    user = factories.staff_user(Role.SUBJECT_TEACHER, school)
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""
    assert cookie["httponly"]


# --- The lock-out page ------------------------------------------------------------------------


def lock_out(client, settings) -> str:
    factories.UserFactory(username="victim")
    url = reverse("accounts:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "victim", "password": "wrong-password"})
    response = client.post(url, {"username": "victim", "password": PASSWORD})
    assert response.status_code == 429
    return response.content.decode()


@pytest.mark.django_db
def test_lockout_page_says_the_wait_in_russian_words(client, settings):
    """It said «Повторите попытку через PT15M.»"""
    settings.AXES_COOLOFF_TIME = 0.25
    content = lock_out(client, settings)
    assert "Повторите попытку через 15\xa0минут." in content
    assert "PT15M" not in content


@pytest.mark.django_db
def test_lockout_page_says_the_wait_in_english_words(client, settings):
    settings.AXES_COOLOFF_TIME = 1.5
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    content = lock_out(client, settings)
    assert "Please try again in 1\xa0hour, 30\xa0minutes." in content
    assert "PT1H30M" not in content
