"""Static files: sent compressed under cache-busting names, and no icon shipped unused."""

import importlib.util
import os
import re
import shutil
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

MANIFEST_STORAGE = "attendance_portal.storage.StaticFilesStorage"
# What a page's stylesheets and scripts may weigh on the wire, compressed.
PAGE_BUDGET_BYTES = 100_000
HASHED_NAME = re.compile(r"\.[0-9a-f]{12}\.[a-z0-9]+$")


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory):
    """collectstatic into a temporary STATIC_ROOT, as the Docker image does, and WhiteNoise
    serving from there only (no finders), as in production."""
    root = tmp_path_factory.mktemp("staticfiles")
    # The project's files without the PDF fonts (600 KB that Brotli takes long to squeeze);
    # the admin's are not needed either.
    source = tmp_path_factory.mktemp("static") / "static"
    shutil.copytree(settings.BASE_DIR / "static", source, ignore=shutil.ignore_patterns("*.ttf"))
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST_STORAGE}}
    with override_settings(
        STATIC_ROOT=root,
        STATICFILES_DIRS=[source],
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
        STORAGES=storages,
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield root


def _static_links(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


@pytest.mark.django_db
def test_pages_link_static_files_by_hashed_names_and_get_them_compressed(collected_static):
    client = Client()  # a new client loads WhiteNoise with the settings above
    page = client.get(reverse("accounts:login"))
    assert page.status_code == 200
    links = _static_links(page.content.decode())
    assert links, "the sign-in page links no static files"
    total = 0
    for url in links:
        assert HASHED_NAME.search(url), f"{url} has no content hash in its name"
        if not url.endswith((".css", ".js")):
            continue
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        assert response.status_code == 200, url
        assert response.headers.get("Content-Encoding") in ("gzip", "br"), url
        assert "max-age=315360000" in response.headers["Cache-Control"], url
        total += int(response.headers["Content-Length"])
        response.close()
    assert total <= PAGE_BUDGET_BYTES, f"stylesheets and scripts weigh {total} bytes compressed"


@pytest.mark.django_db
def test_the_icon_font_is_fetched_by_a_hashed_name(collected_static):
    client = Client()
    page = client.get(reverse("accounts:login")).content.decode()
    (icons_url,) = [url for url in _static_links(page) if "bootstrap-icons" in url]
    stylesheet = client.get(icons_url)
    css = b"".join(stylesheet.streaming_content).decode()
    stylesheet.close()
    (font,) = re.findall(r'url\("([^"]+\.woff2)"\)', css)
    assert HASHED_NAME.search(font), font


def test_base_and_production_settings_store_static_files_compressed_and_hashed():
    from attendance_portal.settings import base

    assert base.STORAGES["staticfiles"]["BACKEND"] == MANIFEST_STORAGE
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "attendance_portal.settings.production",
        "DJANGO_SECRET_KEY": "a-production-like-secret-key-for-this-test-only",
        "DATABASE_URL": "postgres://user@localhost/nothing",
        "CELERY_BROKER_URL": "redis://localhost:6379/0",
    }
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.STORAGES['staticfiles']['BACKEND'], settings.WHITENOISE_USE_FINDERS)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == [MANIFEST_STORAGE, "False"]


def test_every_icon_the_templates_use_is_in_the_icon_subset():
    path = settings.BASE_DIR / "scripts" / "subset_icons.py"
    spec = importlib.util.spec_from_file_location("subset_icons", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    css = (module.TARGET / module.CSS_NAME).read_text()
    shipped = set(re.findall(r"\.bi-([a-z0-9-]+)::before", css))
    missing = module.used_icons() - shipped
    assert not missing, f"icons missing from the subset (run scripts/subset_icons.py): {missing}"
