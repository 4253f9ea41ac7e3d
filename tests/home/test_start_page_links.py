"""A start page offers only links its user may open: each answers 200."""

import re

import pytest
from django.urls import reverse

from accounts.roles import Role

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="(/[^"#]*)"')
# Anchors to static files, and pages that redirect by design.
NOT_PAGES = ("/static/",)


def page_links(html: str) -> set[str]:
    return {
        link.replace("&amp;", "&") for link in HREF.findall(html) if not link.startswith(NOT_PAGES)
    }


@pytest.mark.parametrize("role", list(Role))
def test_every_link_of_a_start_page_answers_200(client, world, role):
    client.force_login(world.users[role])
    start = reverse("home:start", kwargs={"role": role})
    links = page_links(client.get(start).content.decode()) - {start}
    assert links, "a start page with no links"
    # A link may redirect (the officials' «territory overview» sends each to their own
    # municipality or region); where it lands must answer 200.
    answers = {link: client.get(link, follow=True).status_code for link in sorted(links)}
    # The brand link goes to / (a redirect to the start page itself).
    answers.pop(reverse("home:home"), None)
    assert {link: status for link, status in answers.items() if status != 200} == {}


def test_psychologist_is_offered_neither_unmarked_lessons_nor_registries(client, world):
    client.force_login(world.users[Role.PSYCHOLOGIST])
    html = client.get(reverse("home:start", kwargs={"role": Role.PSYCHOLOGIST})).content.decode()
    assert reverse("journal:unmarked") not in html
    assert reverse("journal:registry", args=["systematic"]) not in html
    assert client.get(reverse("journal:unmarked")).status_code == 403
    # What it does offer: the students referred to them (spec §1), never a class.
    assert reverse("journal:class_day", args=[world.a.school_class.pk]) not in html
    assert reverse("casework:case_detail", args=[world.a.cw["case"].pk]) in html
