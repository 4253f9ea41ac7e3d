"""Staff never read the specification's codes («R-J-4», «002 §3.4»): they stay in the code.

Every role's start page is crawled two links deep (its own pages, the journal, the alerts,
the settings, the admin), and a few pages of the world's objects are added.
"""

import re

import pytest
from django.urls import reverse

from accounts.roles import Role
from tests.accounts.world import SUPERUSER, build_world

pytestmark = pytest.mark.django_db

# Requirement codes (R-J-4, R-T-H, R-SEC, R-CFG), seed and order references (002 §3.4,
# 003 алг. 18, 002 прил. 1, 001 п. 4, ТЗ §6).
SPEC_CODE = re.compile(
    r"\bR-[A-Z]{1,4}\b(-[A-Z0-9]+)?|\b\d{3} (§|алг\.|прил\.|п\.|приказ|Порядок)|ТЗ( §|\s+R-)"
)
HREF = re.compile(r'href="(/[^"#]*)"')
SKIP = ("/static/", "/i18n/", "/logout/", "/favicon.ico")
SCRIPT = re.compile(r"<script\b.*?</script>", re.S)


@pytest.fixture
def world(settings, tmp_path):
    # The world stores excuse scans: keep them in this test's directory.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    return build_world()


def world_pages(w) -> list[str]:
    a = w.a
    return [
        reverse("journal:lesson", args=[a.lesson.pk]),
        reverse("journal:class_day", args=[a.school_class.pk]),
        reverse("journal:class_grid", args=[a.school_class.pk]),
        reverse("journal:student_card", args=[a.student.pk]),
        reverse("journal:excuse_list", args=[a.student.pk]),
        reverse("journal:excuse_add", args=[a.student.pk]),
        reverse("alerts:alert", args=[a.alert.pk]),
        reverse("policy:index"),
        reverse("policy:history"),
    ]


def crawl(client, start: str, extra: list[str], depth: int = 2) -> dict[str, str]:
    pages, frontier = {}, [start, *extra]
    for _ in range(depth + 1):
        found = []
        for url in frontier:
            if url in pages or url.startswith(SKIP):
                continue
            response = client.get(url, follow=True)
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                pages[url] = ""
                continue
            html = response.content.decode()
            pages[url] = html
            found += [link.replace("&amp;", "&") for link in HREF.findall(html)]
        frontier = found
    return pages


@pytest.mark.parametrize("role", [*Role.values, SUPERUSER])
def test_pages_show_no_specification_codes(client, world, role):
    client.force_login(world.users[role])
    start = reverse("home:home")
    pages = crawl(client, start, world_pages(world))
    assert len([html for html in pages.values() if html]) > 3
    found = {
        url: sorted({match.group(0) for match in SPEC_CODE.finditer(SCRIPT.sub("", html))})
        for url, html in pages.items()
    }
    offending = {url: codes for url, codes in found.items() if codes}
    assert not offending, "\n".join(
        f"{url}: {', '.join(codes)}" for url, codes in offending.items()
    )
