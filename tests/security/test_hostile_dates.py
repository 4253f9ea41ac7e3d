"""Hostile dates and ids on every page and form that reads them (issue #14, «500s instead
of an error» and «out-of-range data accepted»): a clear answer (the page with a message,
a form error, 400 or 404), never a 500, and nothing changed in the database.

The rule they check is in ``accounts/inputs.py``.
"""

import datetime
import importlib
import inspect
import pkgutil

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


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "spec", "role", "param"),
    [(name, spec, role, param) for name, spec, role, params in DATE_PAGES for param in params],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_hostile_date_in_query_shows_the_page(env, name, spec, role, param):
    world, clients = env
    url = reverse(name, kwargs=_kwargs(world, spec))
    before = _counts()
    answers = {}
    for value in HOSTILE_DATES:
        response = clients[role].get(url, {param: value})
        answers[value[:20]] = response.status_code
    assert set(answers.values()) == {200}, answers
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
@pytest.mark.parametrize(("name", "role", "param"), ID_PAGES, ids=[page[0] for page in ID_PAGES])
def test_hostile_id_in_query_is_not_found(env, name, role, param):
    world, clients = env
    answers = {
        value: clients[role].get(reverse(name), {param: value}).status_code for value in HOSTILE_IDS
    }
    assert set(answers.values()) == {404}, answers


# Every GET page of the URL matrix, with every date or id parameter any page reads set to
# one hostile value at once: what no page may answer with a 500.
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
@pytest.mark.parametrize(("key", "case"), SWEEP, ids=[f"{k}[{c.label}]" for k, c in SWEEP])
def test_no_page_answers_500_to_hostile_query_values(env, key, case):
    world, clients = env
    role = next((r for r in LOGGED_IN if r != SUPERUSER and case.expected(r) == 200), SUPERUSER)
    url = _url(key, case.kwargs(world)) + case.query_string(world)
    before = _counts()
    for value in ("9999-12-31", "0001-01-01", "9999-12", "²", "9" * 20):
        query = "&".join(f"{param}={value}" for param in SWEEP_PARAMS)
        response = clients[role].get(f"{url}{'&' if '?' in url else '?'}{query}")
        assert response.status_code < 500, (url, value, response.status_code)
    assert _counts() == before


# POSTs that carry an id or a day.


@pytest.mark.django_db
@pytest.mark.parametrize("student", HOSTILE_IDS)
def test_class_day_reasons_with_a_hostile_student_id_is_refused(env, student):
    world, clients = env
    url = reverse("journal:class_day_reasons", args=[world.a.school_class.pk])
    before = _counts()
    response = clients[Role.CLASS_TEACHER].post(
        url,
        {"student": student, "date": f"{world.a.lesson.date}", "scope": "day", "status": "invalid"},
    )
    assert response.status_code == 400
    assert "обучающийся" in response.content.decode()
    assert _counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("day", HOSTILE_DATES)
def test_class_day_reasons_with_a_hostile_date_is_refused(env, day):
    world, clients = env
    url = reverse("journal:class_day_reasons", args=[world.a.school_class.pk])
    before = _counts()
    response = clients[Role.CLASS_TEACHER].post(
        url, {"student": world.a.student.pk, "date": day, "scope": "day", "status": "invalid"}
    )
    assert response.status_code == 400
    assert _counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("student", HOSTILE_IDS)
def test_class_day_contact_with_a_hostile_student_id_is_refused(env, student):
    world, clients = env
    url = reverse("casework:class_day_contact", args=[world.a.school_class.pk])
    before = _counts()
    response = clients[Role.CLASS_TEACHER].post(url, {"student": student, "back": "9999-12-31"})
    assert response.status_code in (400, 404)
    assert _counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("student", HOSTILE_IDS)
def test_lesson_mark_with_a_hostile_student_id_is_refused(env, student):
    world, clients = env
    url = reverse("journal:lesson_mark", args=[world.a.lesson.pk])
    before = _counts()
    response = clients[Role.SUBJECT_TEACHER].post(url, {"student": student, "kind": "absent"})
    assert response.status_code == 422, response.headers.get("Location")
    assert _counts() == before


# Out-of-range data accepted.


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "end"),
    [("9999-12-30", "9999-12-31"), ("1900-01-01", "1900-01-02"), ("2100-01-01", "2100-01-02")],
)
def test_excuse_document_out_of_range_is_a_form_error(env, start, end):
    world, clients = env
    url = reverse("journal:excuse_add", args=[world.a.student.pk])
    before = _counts()
    response = clients[Role.CLASS_TEACHER].post(
        url, {"kind": ExcuseDocument.Kind.PARENT_NOTE, "start_date": start, "end_date": end}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
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
@pytest.mark.parametrize(
    "contacted_at", ["1900-01-01T10:00", "2001-01-01T10:00", "9999-12-31T10:00", "0001-01-01T00:00"]
)
def test_parent_contact_out_of_range_is_refused(env, contacted_at):
    world, clients = env
    case = world.a.cw["case"]
    before = _counts()
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
    assert response.status_code == 200
    assert any(message.level_tag == "error" for message in response.context["messages"])
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
    assert response.context["adminform"].form.errors
    assert _counts() == before


@pytest.mark.django_db
def test_policy_value_twice_for_a_school_is_a_form_error(env):
    world, clients = env
    before = _counts()
    response = clients[Role.SCHOOL_ADMIN].post(
        reverse("admin:policy_policyvalue_add"),
        {"key": world.a.policy_value.key, "value": "3", "school": world.a.school.pk},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
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


def test_the_product_has_date_fields_to_check():
    assert len(DATE_FIELDS) > 20


@pytest.mark.parametrize(
    ("form", "name", "cls"), DATE_FIELDS, ids=[f"{form}.{name}" for form, name, _ in DATE_FIELDS]
)
@pytest.mark.parametrize("value", ["9999-12-31", "1900-01-01", "0001-01-01"])
def test_every_form_date_is_bounded(form, name, cls, value):
    field = cls.base_fields[name]
    with pytest.raises(ValidationError) as refused:
        field.clean(value)
    assert any("а" <= char.lower() <= "я" for char in " ".join(refused.value.messages))
