"""The interface is Russian by default and completely English when a user chooses English.

* Russian stays the default whatever the browser asks for (DefaultLanguageMiddleware); the
  switcher (Django's ``set_language``) keeps the choice in the language cookie.
* ``test_every_message_has_an_english_translation`` extracts the messages of the code afresh
  (``manage.py makemessages -l en`` on a copy of the project): a new string without an English
  translation, or with a fuzzy one, fails it; so does a ``.mo`` not compiled after the ``.po``.
  To fix: ``manage.py makemessages -l en``, translate in ``locale/en/LC_MESSAGES/django.po``,
  ``manage.py compilemessages``, commit both files.
* ``test_english_pages_have_no_russian_left`` opens, in English, every page every role may
  open (the table of ``tests/test_url_permissions.py``) and looks for Cyrillic in the text
  and attributes. The test data is transliterated first, so any Cyrillic left comes from the
  code or the templates: a string not marked for translation, or one left untranslated.
"""

import gettext
import re
import shutil
import subprocess
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, models, transaction
from django.test import Client, override_settings
from django.urls import reverse

from accounts.management.commands.makemessages import IGNORED
from tests.accounts.world import ANONYMOUS, SUPERUSER, build_world
from tests.test_url_permissions import URL_MATRIX, _request, _url

CYRILLIC = re.compile(r"[А-Яа-яЁё]")
PO_FILE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")


# --- Default language and the switcher -----------------------------------------------------


def test_russian_by_default_even_for_an_english_browser(client, db):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "ru"
    assert "Войти" in response.content.decode() or "Вход" in response.content.decode()


def test_a_chosen_language_is_kept(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("accounts:login"))
    assert response.headers["Content-Language"] == "en"


def test_an_unknown_language_in_the_cookie_falls_back_to_russian(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    response = client.get(reverse("accounts:login"))
    assert response.headers["Content-Language"] == "ru"


def test_the_login_page_offers_the_switcher(client, db):
    html = client.get(reverse("accounts:login")).content.decode()
    assert 'data-testid="language-switcher"' in html
    assert f'action="{reverse("set_language")}"' in html
    assert 'name="language" value="en"' in html


def test_choosing_english_on_the_login_page_shows_it_in_english(client, db):
    login = reverse("accounts:login")
    response = client.post(reverse("set_language"), {"language": "en", "next": login})
    assert response.status_code == 302
    assert response.headers["Location"] == login
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME]["max-age"] == settings.LANGUAGE_COOKIE_AGE
    html = client.get(login, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert '<html lang="en">' in html
    assert "Sign in" in html


def test_choosing_russian_again_brings_russian_back(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.headers["Content-Language"] == "ru"
    assert "Вход в систему" in response.content.decode()


def test_signed_in_pages_offer_the_switcher(client, db):
    from tests import factories

    client.force_login(factories.UserFactory())
    html = client.get(reverse("accounts:password_change")).content.decode()
    assert 'data-testid="language-switcher"' in html


# --- The catalogue is complete -------------------------------------------------------------


def _copy_sources(destination: Path) -> None:
    """The files makemessages reads, with the current catalogue (to merge into)."""

    def ignore(directory, names):
        top = Path(directory) == Path(settings.BASE_DIR)
        return {
            name
            for name in names
            if name.startswith(".")
            or name == "__pycache__"
            or (top and name in IGNORED)
            or name.endswith((".pyc", ".mo"))
        }

    shutil.copytree(settings.BASE_DIR, destination, ignore=ignore)


def _msgids(po_file: Path, *flags: str) -> list[str]:
    """The msgids ``msgattrib`` selects with ``flags`` (the header left out)."""
    output = subprocess.run(
        ["msgattrib", "--no-wrap", *flags, str(po_file)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [msgid for msgid in re.findall(r'^msgid "(.*)"$', output, re.M) if msgid]


def test_every_message_has_an_english_translation(tmp_path):
    """``makemessages -l en`` on a copy of the project: every message the code has now."""
    project = tmp_path / "project"
    _copy_sources(project)
    with (
        pytest.MonkeyPatch.context() as patch,
        override_settings(LOCALE_PATHS=[project / "locale"]),
    ):
        patch.chdir(project)
        call_command("makemessages", locale=["en"], verbosity=0, stdout=StringIO())
    fresh_catalogue = project / "locale" / "en" / "LC_MESSAGES" / "django.po"
    untranslated = _msgids(fresh_catalogue, "--untranslated")
    fuzzy = _msgids(fresh_catalogue, "--only-fuzzy")
    assert not untranslated and not fuzzy, (
        "Run `manage.py makemessages -l en`, translate these in "
        f"{PO_FILE.relative_to(settings.BASE_DIR)}, then `manage.py compilemessages`.\n"
        f"Untranslated: {untranslated}\nFuzzy: {fuzzy}"
    )


def test_the_catalogue_is_valid_and_its_formats_match():
    # --check: the placeholders (%(name)s …) of every translation match the Russian.
    subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(PO_FILE)],
        check=True,
        capture_output=True,
    )


def test_the_committed_mo_is_compiled_from_the_po(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(compiled), str(PO_FILE)], check=True)
    with compiled.open("rb") as fresh, MO_FILE.open("rb") as committed:
        assert gettext.GNUTranslations(committed)._catalog == (
            gettext.GNUTranslations(fresh)._catalog
        ), "locale/en/LC_MESSAGES/django.mo is stale: run `manage.py compilemessages`."


# --- No Russian left on English pages -------------------------------------------------------

VOID_ELEMENTS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
JS_COMMENT = re.compile(r"/\*.*?\*/|(?<![:\\])//[^\n]*", re.S)


class CyrillicFinder(HTMLParser):
    """Text, attribute values and inline scripts with Cyrillic, outside ``lang="ru"`` elements
    (the switcher names Russian in Russian on purpose)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, inside a lang="ru" element)
        self.found: list[str] = []

    @property
    def russian_on_purpose(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        russian = attributes.get("lang") == "ru" or self.russian_on_purpose
        if not russian:
            for name, value in attrs:
                if value and CYRILLIC.search(value):
                    self.found.append(f"<{tag} {name}={value!r}>")
        if tag not in VOID_ELEMENTS:
            self.stack.append((tag, russian))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if self.russian_on_purpose:
            return
        if self.stack and self.stack[-1][0] == "script":
            data = JS_COMMENT.sub("", data)
        if CYRILLIC.search(data):
            self.found.append(" ".join(data.split())[:200])


# Russian that Django itself leaves on a page: AdminPasswordChangeForm concatenates a lazy
# help text at import time, so it stays in the language active then (Django 5.1); the
# automatic through model of a many-to-many field formats its lazy verbose name
# («%(from)s-%(to)s relationship») when the models load, so the admin's delete summary
# names it in Russian («Связь case-user»).
UPSTREAM = ("Может ли пользователь аутентифироваться по паролю", "Связь ", "Связи ")


def cyrillic_in(html: str) -> list[str]:
    finder = CyrillicFinder()
    finder.feed(html)
    return [text for text in finder.found if not text.startswith(UPSTREAM)]


TRANSLIT = dict(zip("абвгдеёзийклмнопрстуфыэ", "abvgdeeziyklmnoprstufye", strict=True))
TRANSLIT |= {"ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ю": "yu"}
TRANSLIT |= {"я": "ya", "ъ": "", "ь": ""}


def transliterate(text: str) -> str:
    def letter(match):
        char = match.group(0)
        latin = TRANSLIT[char.lower()]
        return latin.capitalize() if char.isupper() else latin

    return CYRILLIC.sub(letter, text)


def _transliterate_json(value):
    if isinstance(value, str):
        return transliterate(value)
    if isinstance(value, list):
        return [_transliterate_json(item) for item in value]
    if isinstance(value, dict):
        return {_transliterate_json(k): _transliterate_json(v) for k, v in value.items()}
    return value


def transliterate_database() -> None:
    """Latin letters for every text the tests (and the data migrations) stored. The audit
    log is append-only in the database (audit/migrations/0003): its trigger is switched off
    for this rewrite, inside the fixture's transaction, and on again after it."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER refuses pending FK checks
        cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only")
    _transliterate_tables()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_append_only")


def _transliterate_tables() -> None:
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [
            field
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields:
            continue
        for row in model._base_manager.values("pk", *(field.attname for field in fields)):
            changes = {}
            for field in fields:
                value = row[field.attname]
                if isinstance(field, models.JSONField):
                    new = _transliterate_json(value)
                elif value and CYRILLIC.search(value):
                    new = transliterate(value)[: field.max_length]
                else:
                    continue
                if new != value:
                    changes[field.attname] = new
            if changes:
                model._base_manager.filter(pk=row["pk"]).update(**changes)


def _english_pages() -> list:
    """(URL key, case) of every GET page some role opens; admin pages for the superuser."""
    pages = []
    for key, cases in URL_MATRIX.items():
        for case in cases:
            if case.method != "get" or case.xfail:
                continue
            roles = [role for role in (ANONYMOUS, *case.expect) if case.expected(role) == 200]
            if key.startswith("admin"):
                roles = [role for role in roles if role == SUPERUSER]
            if roles:
                label = f"{key}[{case.label}]" if case.label else key
                pages.append(pytest.param(key, case, roles, id=label))
    return pages


@pytest.fixture(scope="module")
def english_world(django_db_setup, django_db_blocker, tmp_path_factory):
    storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path_factory.mktemp("private"))},
    }
    with (
        override_settings(STORAGES={**settings.STORAGES, "default": storage}),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        world = build_world()
        transliterate_database()
        clients = {ANONYMOUS: Client()}
        for role, user in world.users.items():
            clients[role] = Client()
            clients[role].force_login(user)
        for client in clients.values():
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        yield world, clients
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "case", "roles"), _english_pages())
def test_english_pages_have_no_russian_left(english_world, key, case, roles):
    world, clients = english_world
    url = _url(key, case.kwargs(world)) + case.query_string(world)
    leftovers = []
    for role in roles:
        response = _request(clients[role], case, url, world)
        assert response.status_code == 200, f"{role}: {response.status_code}"
        if "text/html" not in response.headers.get("Content-Type", ""):
            continue
        assert response.headers["Content-Language"] == "en"
        leftovers += [f"{role}: {text}" for text in cyrillic_in(response.content.decode())]
    assert not leftovers, f"GET {url}\n" + "\n".join(dict.fromkeys(leftovers))


def test_the_finder_sees_russian_outside_lang_ru_only():
    html = (
        '<p title="Привет">x</p><button lang="ru">Русский</button><div>Пусто<br>ещё</div>'
        "<script>// комментарий\nalert('строка')</script>"
    )
    found = cyrillic_in(html)
    assert found == ["<p title='Привет'>", "Пусто", "ещё", "alert('строка')"]
