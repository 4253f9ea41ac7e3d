"""The OpenAPI schema: generated without warnings, valid, served; the Swagger page keeps to
the Content-Security-Policy (no inline script or style)."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests import factories
from tests.api.helpers import auth, personal_token

pytestmark = pytest.mark.django_db


def test_schema_generates_valid_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    # --fail-on-warn exits non-zero on any warning or error; --validate checks OpenAPI 3.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    for path in (
        "/api/v1/me/lessons/",
        "/api/v1/lessons/{lesson_id}/",
        "/api/v1/lessons/{lesson_id}/marks/{student_id}/",
        "/api/v1/schools/{school_id}/students/",
        "/api/v1/schools/{school_id}/alerts/",
        "/api/v1/schools/{school_id}/tasks/",
    ):
        assert f"  {path}:" in text, path
    assert "Idempotency-Key" in text


def test_schema_is_served_to_a_token(api):
    secret = personal_token(factories.UserFactory())
    response = api.get(reverse("api:schema") + "?format=json", **auth(secret))
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")
    assert api.get(reverse("api:schema")).status_code == 401


def test_swagger_page_has_no_inline_script_or_style(api):
    api.force_login(factories.UserFactory())
    page = api.get(reverse("api:docs"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<style" not in html and " style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "swagger-ui-bundle.js" in html
    start = api.get(reverse("api:docs") + "?script=")
    assert start.status_code == 200
    assert start["Content-Type"].startswith("application/javascript")
