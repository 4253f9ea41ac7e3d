"""The e-journal pages: upload, report, apply, conflicts, letters — through the client."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from exchange.models import EjournalImport, EjournalRecord, LetterMapping
from journal.models import Mark
from journal.services import set_mark
from tests import factories
from tests.exchange.conftest import csv_export, row

MON = datetime.date(2025, 12, 8)


@pytest.fixture
def deputy(client, world):
    client.force_login(world.deputy)
    return client


def test_upload_check_and_apply(deputy, world):
    page = reverse("exchange:ejournal", args=[world.school.pk])
    response = deputy.post(
        page, {"file": csv_export([row(world, MON, 1, "Б"), row(world, MON, 2, "Ы")])}
    )
    checked = EjournalImport.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "exchange:import", args=[checked.pk]
    )
    report = deputy.get(response.url).content.decode()
    assert "будет перенесена" in report and "Обозначение «Ы» не сопоставлено" in report
    assert "ничего не применено" in report and "import-apply" not in report
    response = deputy.post(reverse("exchange:import_apply", args=[checked.pk]), follow=True)
    assert "строки с ошибками" in response.content.decode()
    assert not Mark.objects.exists()

    response = deputy.post(page, {"file": csv_export([row(world, MON, 1, "Б")])})
    checked = EjournalImport.objects.latest("pk")
    response = deputy.post(reverse("exchange:import_apply", args=[checked.pk]), follow=True)
    assert "Файл применён" in response.content.decode()
    assert Mark.objects.get().valid_reason == "illness"
    report = deputy.get(reverse("exchange:import", args=[checked.pk])).content.decode()
    assert "перенесена" in report and "будет перенесена" not in report


def test_an_unreadable_file_is_a_form_error(deputy, world):
    response = deputy.post(
        reverse("exchange:ejournal", args=[world.school.pk]),
        {"file": csv_export([], header=("x", "y"))},
    )
    assert response.status_code == 200
    assert "Не найдена строка заголовков" in response.content.decode()
    assert not EjournalImport.objects.exists()


def test_the_director_reads_but_does_not_import(client, world):
    director = factories.staff_user(Role.DIRECTOR, world.school)
    client.force_login(director)
    page = client.get(reverse("exchange:ejournal", args=[world.school.pk])).content.decode()
    assert "может заместитель директора" in page and "ejournal-upload" not in page
    response = client.post(
        reverse("exchange:ejournal", args=[world.school.pk]),
        {"file": csv_export([row(world, MON, 1, "Н")])},
    )
    assert response.status_code == 403


def _conflicts(world, count):
    for lesson in world.lessons_on(MON)[:1]:
        for n in range(count):
            student = factories.enrolled_student(world.school_class, last_name=f"Ученик{n}")
            set_mark(lesson=lesson, student_id=student.pk, kind="late", acting_user=lesson.teacher)
            EjournalRecord.objects.create(
                school=world.school,
                lesson=lesson,
                student=student,
                letter="Н",
                meaning="absent",
                reason_status="unknown",
                state="conflict",
                app_mark={"kind": "late", "reason_status": "unknown"},
            )


def test_conflicts_page_lists_them_with_bounded_queries(deputy, world):
    url = reverse("exchange:conflicts", args=[world.school.pk])
    _conflicts(world, 3)
    with CaptureQueriesContext(connection) as few:
        page = deputy.get(url).content.decode()
    assert page.count('data-testid="conflict"') == 3 and "ОП (опоздание)" in page
    _conflicts(world, 27)
    with CaptureQueriesContext(connection) as many:
        page = deputy.get(url).content.decode()
    assert page.count('data-testid="conflict"') == 30
    assert len(many) == len(few)
    record = EjournalRecord.objects.first()
    deputy.post(
        reverse("exchange:conflict_resolve", args=[record.pk]), {"decision": "take_ejournal"}
    )
    assert Mark.objects.get(lesson=record.lesson, student=record.student).kind == "absent"
    resolved = deputy.get(url + "?resolved=1").content.decode()
    assert "принята отметка электронного журнала" in resolved


def test_a_bad_decision_changes_nothing(deputy, world):
    _conflicts(world, 1)
    record = EjournalRecord.objects.get()
    response = deputy.post(
        reverse("exchange:conflict_resolve", args=[record.pk]), {"decision": "both"}, follow=True
    )
    assert "Выберите, какую отметку оставить" in response.content.decode()
    assert EjournalRecord.objects.get().state == "conflict"


def test_letters_page_shows_the_defaults_and_saves_the_schools(deputy, world):
    url = reverse("exchange:letters", args=[world.school.pk])
    page = deputy.get(url).content.decode()
    assert "обозначения по умолчанию" in page and 'value="УП"' in page
    data = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "0",
        "form-0-letter": "Н",
        "form-0-meaning": "absent",
        "form-0-reason_status": "unknown",
        "form-1-letter": "Б",
        "form-1-meaning": "absent",
        "form-1-reason_status": "valid",
        "form-1-valid_reason": "",
    }
    response = deputy.post(url, data, follow=True)
    assert "укажите вид уважительной причины" in response.content.decode()
    assert not LetterMapping.objects.exists()
    data["form-1-valid_reason"] = "illness"
    response = deputy.post(url, data, follow=True)
    assert "Обозначения сохранены" in response.content.decode()
    assert sorted(LetterMapping.objects.values_list("letter", flat=True)) == ["Б", "Н"]


def test_the_deputy_and_the_administrator_find_the_pages(client, world):
    client.force_login(world.deputy)
    home = client.get(reverse("home:home"), follow=True).content.decode()
    assert reverse("exchange:ejournal", args=[world.school.pk]) in home
    admin = factories.staff_user(Role.SCHOOL_ADMIN, world.school)
    client.force_login(admin)
    home = client.get(reverse("home:home"), follow=True).content.decode()
    assert reverse("exchange:ejournal", args=[world.school.pk]) in home
    tabs = client.get(reverse("administration:classes", args=[world.school.pk])).content.decode()
    assert 'data-testid="admin-tab-ejournal"' in tabs


def test_the_page_shows_progress_while_the_file_is_processed(deputy, world):
    from exchange.services import upload_export

    uploaded = upload_export(
        school=world.school,
        uploaded=csv_export([row(world, MON, 1, "Н")]),
        acting_user=world.deputy,
    )
    url = reverse("exchange:import", args=[uploaded.pk])
    page = deputy.get(url).content.decode()
    assert "Файл проверяется" in page and "0 из 1 строк" in page
    assert "import-report" not in page
    polled = deputy.get(url, headers={"HX-Request": "true"})
    assert 'hx-trigger="every 2s"' in polled.content.decode()
    from exchange.tasks import check_ejournal

    check_ejournal(uploaded.pk)
    done = deputy.get(url, headers={"HX-Request": "true"})
    assert done.headers["HX-Refresh"] == "true"
    assert "будет перенесена" in deputy.get(url).content.decode()


def test_an_unexpected_error_fails_the_import_in_russian(deputy, world, monkeypatch):
    from exchange import services
    from exchange.tasks import check_ejournal

    uploaded = services.upload_export(
        school=world.school,
        uploaded=csv_export([row(world, MON, 1, "Н")]),
        acting_user=world.deputy,
    )

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "_run", broken)
    check_ejournal(uploaded.pk)
    page = deputy.get(reverse("exchange:import", args=[uploaded.pk])).content.decode()
    assert "при обработке файла произошла ошибка" in page
    assert EjournalImport.objects.get().status == EjournalImport.Status.FAILED


def test_the_director_sees_conflicts_without_resolving_them(client, world):
    _conflicts(world, 1)
    director = factories.staff_user(Role.DIRECTOR, world.school)
    client.force_login(director)
    page = client.get(reverse("exchange:conflicts", args=[world.school.pk])).content.decode()
    assert page.count('data-testid="conflict"') == 1
    assert "Принять из электронного журнала" not in page
    record = EjournalRecord.objects.get()
    response = client.post(
        reverse("exchange:conflict_resolve", args=[record.pk]), {"decision": "take_ejournal"}
    )
    assert response.status_code == 403
    assert EjournalRecord.objects.get().state == "conflict"
