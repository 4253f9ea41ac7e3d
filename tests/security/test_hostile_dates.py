"""Hostile dates and ids on every page and form that reads them (issue #14, «500s instead
of an error» and «out-of-range data accepted»): a clear answer (the page with a message,
a form error, 400 or 404), never a 500, and nothing changed in the database.

The rule they check is in ``accounts/inputs.py``.
"""

import datetime
import importlib
import inspect
import pkgutil
import re

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from casework.models import ParentContact
from journal.models import ExcuseDocument, Mark
from journal.registries import REGISTRIES
from policy.models import PolicyValue
from tests.test_url_permissions import (  # noqa: F401  (env is a fixture)
    LOGGED_IN,
    SUPERUSER,
    URL_MATRIX,
    _url,
    shared_world,
)

HOSTILE_DATES = [
    "9999-12-31",
    "0001-01-01",
    "2026-13-45",
    "abc",
    "9" * 5000,
    "-1",
    "9999-12",
    "0000-01",
    "2026-00",
    "²",
]
HOSTILE_IDS = ["9" * 20, "-1", "0", "²", "٣", "abc", str(2**63)]

# Every page that reads a day or a month from its query string, with the parameters it
# reads and a user who may open it.
DATE_PAGES = [
    ("journal:my_lessons", {}, Role.SUBJECT_TEACHER, ["date"]),
    ("journal:unmarked", {}, Role.DEPUTY, ["date_from", "date_to"]),
    ("journal:class_day", {"class_id": "school_class"}, Role.CLASS_TEACHER, ["date"]),
    ("journal:class_grid", {"class_id": "school_class"}, Role.CLASS_TEACHER, ["month"]),
    ("journal:student_card", {"student_id": "student"}, Role.CLASS_TEACHER, ["month"]),
    *(
        (name, {"kind": kind}, Role.DEPUTY, ["start", "end"])
        for kind in sorted(REGISTRIES)
        for name in ("journal:registry", "journal:registry_export")
    ),
]

# Pages that read an id from the query string.
ID_PAGES = [
    ("alerts:school_alerts", Role.DEPUTY, "school"),
    ("casework:council_sessions", Role.DEPUTY, "school"),
    ("casework:registry", Role.DEPUTY, "school"),
]


# The URL matrix's world, built before any test's transaction opens (a module fixture set
# up lazily inside a test would be rolled back with it).
pytestmark = pytest.mark.usefixtures("shared_world")


@pytest.fixture
def env(request):
    """(world, clients) of the URL matrix: one world for the module, rolled back at its end."""
    return request.getfixturevalue("shared_world")


def _kwargs(world, spec: dict) -> dict:
    return {
        key: value if key == "kind" else getattr(world.a, value).pk for key, value in spec.items()
    }


def _counts() -> tuple:
    return (
        Mark.objects.count(),
        Mark.objects.exclude(reason_status="unknown").count(),
        ExcuseDocument.objects.count(),
        ParentContact.objects.count(),
        PolicyValue.objects.count(),
    )


def _answer(client, method: str, url: str, data: dict) -> int | str:
    """The status, or the exception a server error would have been."""
    try:
        return getattr(client, method)(url, data).status_code
    except Exception as error:  # noqa: BLE001 (the test client re-raises a view's error)
        return f"{type(error).__name__}: {error}"


def _wrong(answers: dict, expected) -> dict:
    return {key: answer for key, answer in answers.items() if answer not in expected}


@pytest.mark.django_db
def test_hostile_dates_in_queries_show_the_pages(env):
    """Every page that reads a day or a month shows itself (its default) for any value."""
    world, clients = env
    before = _counts()
    answers = {}
    for name, spec, role, params in DATE_PAGES:
        url = reverse(name, kwargs=_kwargs(world, spec))
        for param in params:
            for value in HOSTILE_DATES:
                answers[f"{url}?{param}={value[:20]}"] = _answer(
                    clients[role], "get", url, {param: value}
                )
    assert not _wrong(answers, {200}), _wrong(answers, {200})
    assert _counts() == before


@pytest.mark.django_db
def test_hostile_day_falls_back_to_today_with_a_russian_message(env):
    world, clients = env
    url = reverse("journal:class_day", args=[world.a.school_class.pk])
    response = clients[Role.CLASS_TEACHER].get(url, {"date": "9999-12-31"})
    assert response.context["day"] == timezone.localdate()
    text = " ".join(str(message) for message in response.context["messages"])
    assert "«date» не учтён" in text and "вне допустимого диапазона" in text


@pytest.mark.django_db
def test_hostile_school_ids_in_queries_are_not_found(env):
    world, clients = env
    answers = {
        f"{name}?{param}={value}": _answer(clients[role], "get", reverse(name), {param: value})
        for name, role, param in ID_PAGES
        for value in HOSTILE_IDS
    }
    assert not _wrong(answers, {404}), _wrong(answers, {404})


# Every GET page of the URL matrix, with every date or id parameter any page reads set to
# one hostile value at once: what no page may answer with a 500. A new page joins the URL
# matrix (tests/test_url_permissions.py), and so this sweep, by itself.
SWEEP_PARAMS = (
    "date",
    "month",
    "start",
    "end",
    "date_from",
    "date_to",
    "week",
    "period",
    "day",
    "back",
    "school",
    "v",
    "weeks",
    "page",
    "past_page",
)
SWEEP = [
    (key, case)
    for key, cases in URL_MATRIX.items()
    for case in cases
    if case.method == "get" and not key.startswith("admin") and "other" not in case.label
]


@pytest.mark.django_db
def test_no_page_answers_500_to_hostile_query_values(env):
    world, clients = env
    before = _counts()
    answers = {}
    for key, case in SWEEP:
        role = next((r for r in LOGGED_IN if r != SUPERUSER and case.expected(r) == 200), SUPERUSER)
        url = _url(key, case.kwargs(world)) + case.query_string(world)
        for value in ("9999-12-31", "0001-01-01", "9999-12", "²", "9" * 20):
            query = "&".join(f"{param}={value}" for param in SWEEP_PARAMS)
            full = f"{url}{'&' if '?' in url else '?'}{query}"
            answers[f"{key}[{case.label}] {value}"] = _answer(clients[role], "get", full, {})
    errors = {
        key: answer
        for key, answer in answers.items()
        if not isinstance(answer, int) or answer >= 500
    }
    assert not errors, errors
    assert _counts() == before


# POSTs that carry an id or a day.


@pytest.mark.django_db
def test_posts_with_a_hostile_student_id_are_refused(env):
    """The class day's reasons and contact, and a lesson's mark: 400, 404 or the row's
    error (422), nothing saved."""
    world, clients = env
    posts = [
        (
            Role.CLASS_TEACHER,
            reverse("journal:class_day_reasons", args=[world.a.school_class.pk]),
            {"date": f"{world.a.lesson.date}", "scope": "day", "status": "invalid"},
            {400},
        ),
        (
            Role.CLASS_TEACHER,
            reverse("casework:class_day_contact", args=[world.a.school_class.pk]),
            {"back": "9999-12-31"},
            {400, 404},
        ),
        (
            Role.SUBJECT_TEACHER,
            reverse("journal:lesson_mark", args=[world.a.lesson.pk]),
            {"kind": "absent"},
            {422},
        ),
    ]
    before = _counts()
    wrong = {}
    for role, url, data, expected in posts:
        for student in HOSTILE_IDS:
            answer = _answer(clients[role], "post", url, data | {"student": student})
            if answer not in expected:
                wrong[f"{url} student={student}"] = answer
    assert not wrong, wrong
    assert _counts() == before


@pytest.mark.django_db
def test_class_day_reasons_with_a_hostile_date_is_refused(env):
    world, clients = env
    url = reverse("journal:class_day_reasons", args=[world.a.school_class.pk])
    before = _counts()
    data = {"student": world.a.student.pk, "scope": "day", "status": "invalid"}
    answers = {
        day[:20]: _answer(clients[Role.CLASS_TEACHER], "post", url, data | {"date": day})
        for day in HOSTILE_DATES
    }
    assert not _wrong(answers, {400}), _wrong(answers, {400})
    assert _counts() == before


# Out-of-range data accepted.


@pytest.mark.django_db
def test_excuse_document_out_of_range_is_a_form_error(env):
    world, clients = env
    url = reverse("journal:excuse_add", args=[world.a.student.pk])
    before = _counts()
    for start, end in [
        ("9999-12-30", "9999-12-31"),
        ("1900-01-01", "1900-01-02"),
        ("2100-01-01", "2100-01-02"),
    ]:
        response = clients[Role.CLASS_TEACHER].post(
            url, {"kind": ExcuseDocument.Kind.PARENT_NOTE, "start_date": start, "end_date": end}
        )
        assert response.status_code == 200, (start, end)
        assert response.context["form"].errors, (start, end)
    assert _counts() == before


@pytest.mark.django_db
def test_excuse_document_issued_in_the_future_is_a_form_error(env):
    world, clients = env
    today = timezone.localdate()
    before = _counts()
    response = clients[Role.CLASS_TEACHER].post(
        reverse("journal:excuse_add", args=[world.a.student.pk]),
        {
            "kind": ExcuseDocument.Kind.PARENT_NOTE,
            "start_date": f"{today}",
            "end_date": f"{today}",
            "issued_on": f"{today + datetime.timedelta(days=30)}",
        },
    )
    assert "issued_on" in response.context["form"].errors
    assert _counts() == before


@pytest.mark.django_db
def test_parent_contact_out_of_range_is_refused(env):
    """1900, or years before the student's enrolment, or 9999: an error, nothing saved."""
    world, clients = env
    case = world.a.cw["case"]
    before = _counts()
    for contacted_at in ("1900-01-01T10:00", "2001-01-01T10:00", "0001-01-01T00:00"):
        response = clients[Role.CLASS_TEACHER].post(
            reverse("casework:case_contact", args=[case.pk]),
            {
                "student": case.student.pk,
                "contact_type": "phone_call",
                "guardian_name": "Петрова Анна Ивановна",
                "contacted_at": contacted_at,
                "result": "reached",
            },
            follow=True,
        )
        assert response.status_code == 200, contacted_at
        levels = [message.level_tag for message in response.context["messages"]]
        assert "error" in levels, contacted_at
    assert _counts() == before


@pytest.mark.django_db
def test_policy_value_without_a_school_is_a_form_error(env):
    world, clients = env
    before = _counts()
    response = clients[Role.SCHOOL_ADMIN].post(
        reverse("admin:policy_policyvalue_add"),
        {"key": "journal.unknown_reason_deadline", "value": '"18:00"', "school": ""},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["school"] == ["Укажите школу."]
    assert _counts() == before


# Every date a form of the product takes is bounded (and what has happened is not in the
# future): checked on the forms' fields themselves, so that a new form joins by itself.


def _product_forms():
    for package in ("journal", "casework", "reporting", "alerts", "home", "policy", "schools"):
        names = [f"{package}.forms"] + [
            f"{package}.{module.name}"
            for module in pkgutil.iter_modules(importlib.import_module(package).__path__)
            if module.name.startswith("forms_")
        ]
        for name in names:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError:
                continue
            submodules = [module]
            if hasattr(module, "__path__"):
                submodules += [
                    importlib.import_module(f"{name}.{sub.name}")
                    for sub in pkgutil.iter_modules(module.__path__)
                ]
            for sub in submodules:
                for _, cls in inspect.getmembers(sub, inspect.isclass):
                    if issubclass(cls, forms.BaseForm) and cls.__module__ == sub.__name__:
                        yield cls


DATE_FIELDS = sorted(
    {
        (f"{cls.__module__}.{cls.__name__}", name, cls)
        for cls in _product_forms()
        for name, field in getattr(cls, "base_fields", {}).items()
        if isinstance(field, forms.DateField) and not isinstance(field, forms.DateTimeField)
    },
    key=lambda item: item[:2],
)


def test_every_form_date_is_bounded():
    assert len(DATE_FIELDS) > 20  # the forms were found
    unbounded = []
    for form, name, cls in DATE_FIELDS:
        field = cls.base_fields[name]
        for value in ("9999-12-31", "1900-01-01", "0001-01-01"):
            try:
                field.clean(value)
            except ValidationError as refused:
                assert re.search("[а-я]", " ".join(refused.messages).lower()), (form, name)
            else:
                unbounded.append(f"{form}.{name} takes {value}")
    assert not unbounded, unbounded


@pytest.mark.django_db
def test_policy_value_twice_for_a_school_is_a_form_error(env):
    world, clients = env
    PolicyValue.objects.create(
        key="journal.unknown_reason_deadline", school=world.a.school, value="18:00"
    )
    before = _counts()
    response = clients[Role.SCHOOL_ADMIN].post(
        reverse("admin:policy_policyvalue_add"),
        {"key": "journal.unknown_reason_deadline", "value": '"17:00"', "school": world.a.school.pk},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["key"] == [
        "Значение этого параметра для этой школы уже задано."
    ]
    assert _counts() == before
