"""The children the school keeps by hand for the weekly report (reporting.minors and
reporting/views/minors.py): added, corrected, removed from the register and put back,
every change audited; bad input refused in Russian with nothing changed; another school's
row unknown."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from reporting.minors import add_minor, change_minor, remove_minor, restore_minor
from reporting.models import TrackedMinor
from reporting.services import ReportError
from tests import factories
from tests.reporting.helpers import school_setup

TODAY = timezone.localdate()
BORN = TODAY.replace(year=TODAY.year - 16, day=1)


@pytest.fixture
def setup(db):
    return school_setup()


def add(setup, user=None, **fields):
    values = {"category": TrackedMinor.Category.COLLEGE, "full_name": "Колледжев Антон"}
    values |= {"birth_date": BORN} | fields
    return add_minor(school=setup.school, acting_user=user or setup.deputy, **values)


def actions() -> list[str]:
    return list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))


def test_keepers_add_correct_remove_and_restore_each_step_audited(setup):
    minor = add(setup, course="2", previous_school="МБОУ СШ № 3")
    assert (minor.school, minor.created_by) == (setup.school, setup.deputy)
    change_minor(
        minor=minor,
        acting_user=setup.social_pedagogue,
        category=minor.category,
        full_name=minor.full_name,
        birth_date=minor.birth_date,
        course="3",
    )
    minor.refresh_from_db()
    assert (minor.course, minor.previous_school) == ("3", "")
    remove_minor(
        minor=minor, removed_on=TODAY, note="отчислен, работает", acting_user=setup.director
    )
    minor.refresh_from_db()
    assert (minor.removed_on, minor.removal_note) == (TODAY, "отчислен, работает")
    restore_minor(minor=minor, acting_user=setup.deputy)
    minor.refresh_from_db()
    assert minor.removed_on is None and minor.removal_note == ""
    assert actions() == [
        "reporting.minor.added",
        "reporting.minor.changed",
        "reporting.minor.removed",
        "reporting.minor.restored",
    ]
    changed = AuditEntry.objects.get(action="reporting.minor.changed")
    assert changed.data["changes"]["course"] == ["2", "3"]
    assert changed.school == setup.school


def test_an_unchanged_row_changes_and_logs_nothing(setup):
    minor = add(setup)
    change_minor(
        minor=minor,
        acting_user=setup.deputy,
        category=minor.category,
        full_name=minor.full_name,
        birth_date=minor.birth_date,
    )
    assert actions() == ["reporting.minor.added"]


def test_a_student_of_the_school_fills_the_name_and_birth_date(setup):
    student = factories.enrolled_student(
        setup.school_class, last_name="Беглецов", first_name="Иван", birth_date=BORN
    )
    minor = add(
        setup,
        category=TrackedMinor.Category.PLACED_AWAY,
        full_name="",
        birth_date=None,
        student=student,
    )
    assert (minor.full_name, minor.birth_date, minor.student) == ("Беглецов Иван", BORN, student)
    assert AuditEntry.objects.get().student_id == student.pk


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"birth_date": TODAY + datetime.timedelta(days=1)}, "в будущем"),
        ({"birth_date": TODAY.replace(year=TODAY.year - 18)}, "исполнилось 18 лет"),
        ({"birth_date": None}, "Укажите дату рождения"),
        ({"full_name": "  "}, "Укажите фамилию и имя"),
        ({"since": TODAY, "until": TODAY - datetime.timedelta(days=1)}, "позже его окончания"),
        ({"since": BORN - datetime.timedelta(days=1)}, "раньше даты рождения"),
        ({"category": "somewhere"}, "Выберите раздел"),
        ({"whereabouts": "х" * 501}, "не более 500 знаков"),
    ],
)
def test_bad_input_is_refused_in_russian_and_adds_nothing(setup, fields, message):
    with pytest.raises(ReportError, match=message):
        add(setup, **fields)
    assert not TrackedMinor.objects.exists() and not AuditEntry.objects.exists()


def test_another_schools_student_cannot_be_named(setup):
    other = school_setup()
    stranger = factories.enrolled_student(other.school_class)
    with pytest.raises(ReportError, match="не учился в этой школе"):
        add(setup, student=stranger)
    assert not TrackedMinor.objects.exists()


def test_removal_is_a_past_date_after_the_child_was_registered_and_happens_once(setup):
    minor = add(setup, since=TODAY - datetime.timedelta(days=10))
    for day, message in (
        (TODAY + datetime.timedelta(days=1), "в будущем"),
        (TODAY - datetime.timedelta(days=11), "раньше даты постановки"),
    ):
        with pytest.raises(ReportError, match=message):
            remove_minor(minor=minor, removed_on=day, note="", acting_user=setup.deputy)
    remove_minor(minor=minor, removed_on=TODAY, note="", acting_user=setup.deputy)
    with pytest.raises(ReportError, match="уже снят"):
        remove_minor(minor=minor, removed_on=TODAY, note="", acting_user=setup.deputy)
    assert actions() == ["reporting.minor.added", "reporting.minor.removed"]


def test_the_class_teacher_and_another_schools_deputy_may_not_keep_them(setup):
    other = school_setup()
    minor = add(setup)
    for user in (setup.class_teacher, other.deputy):
        with pytest.raises(PermissionDenied):
            add(setup, user=user)
        with pytest.raises(PermissionDenied):
            remove_minor(minor=minor, removed_on=TODAY, note="", acting_user=user)


# ---------------------------------------------------------------------------- pages


def test_the_deputy_adds_a_child_on_the_page_and_sees_them_in_their_section(setup, client):
    client.force_login(setup.deputy)
    reports = client.get(reverse("reporting:list")).content.decode()
    assert reverse("reporting:minors") in reports
    response = client.post(
        reverse("reporting:minor_add"),
        {
            "category": "not_in_education",
            "full_name": "Домоседов Лев",
            "birth_date": BORN.strftime("%d.%m.%Y"),
            "education": "7 кл.",
        },
    )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Домоседов Лев" in page
    assert TrackedMinor.objects.get().category == TrackedMinor.Category.NOT_IN_EDUCATION


def test_a_bad_date_on_the_page_is_a_russian_error_and_changes_nothing(setup, client):
    client.force_login(setup.deputy)
    response = client.post(
        reverse("reporting:minor_add"),
        {"category": "college", "full_name": "Колледжев Антон", "birth_date": "31.02.2011"},
    )
    assert response.status_code == 200
    assert "Введите правильную дату" in response.content.decode()
    response = client.post(
        reverse("reporting:minor_add"),
        {
            "category": "college",
            "full_name": "Колледжев Антон",
            "birth_date": BORN.isoformat(),
            "since": "2026-10-10",
            "until": "2026-10-01",
        },
    )
    assert "Начало срока позже его окончания" in response.content.decode()
    assert not TrackedMinor.objects.exists()


def test_removing_on_the_page_and_a_future_date_refused(setup, client):
    minor = add(setup)
    client.force_login(setup.social_pedagogue)
    url = reverse("reporting:minor_remove", args=[minor.pk])
    future = (TODAY + datetime.timedelta(days=3)).isoformat()
    response = client.post(url, {"removed_on": future})
    assert "не может быть в будущем" in response.content.decode()
    minor.refresh_from_db()
    assert minor.removed_on is None
    response = client.post(url, {"removed_on": TODAY.isoformat(), "removal_note": "в СПО"})
    assert response.status_code == 302
    minor.refresh_from_db()
    assert (minor.removed_on, minor.removal_note) == (TODAY, "в СПО")
    assert "Вернуть на учёт" in client.get(url).content.decode()


def test_another_schools_row_is_not_found_and_a_colleague_is_refused(setup, client):
    other = school_setup()
    minor = add(setup)
    client.force_login(other.deputy)
    for name in ("reporting:minor_edit", "reporting:minor_remove"):
        url = reverse(name, args=[minor.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"removed_on": TODAY.isoformat()}).status_code == 404
    assert client.get(f"{reverse('reporting:minors')}?school={setup.school.pk}").status_code == 404
    client.force_login(setup.class_teacher)
    assert client.get(reverse("reporting:minor_edit", args=[minor.pk])).status_code == 403
    assert client.get(reverse("reporting:minors")).status_code == 403
    assert reverse("reporting:minors") not in client.get(reverse("reporting:list")).content.decode()
    minor.refresh_from_db()
    assert minor.removed_on is None
