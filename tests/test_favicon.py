"""Every page has an icon: linked from the layout, and /favicon.ico answers for browsers."""

from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse


def test_favicon_ico_redirects_to_the_static_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == static("favicon.ico")


def test_icons_are_shipped_as_ico_and_svg():
    with open(finders.find("favicon.ico"), "rb") as ico:
        assert ico.read(4) == b"\x00\x00\x01\x00"  # the ICO header
    with open(finders.find("favicon.svg"), encoding="utf-8") as svg:
        assert svg.read().startswith("<svg")


def test_layout_links_the_icon(client, db):
    html = client.get(reverse("accounts:login")).content.decode()
    assert f'<link rel="icon" href="{static("favicon.svg")}" type="image/svg+xml">' in html
    assert f'<link rel="icon" href="{static("favicon.ico")}"' in html
