"""Marks from the regional e-journal (issue #15 point 4): the dry run, the application in
one transaction, re-import, conflicts with the app's marks, the letters, the threshold
engine fed like after any mark."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from accounts.roles import Role
from alerts.models import Alert, Rule
from audit.models import AuditEntry
from exchange.models import EjournalImport, EjournalRecord
from exchange.reader import ExportFileError
from exchange.services import (
    Decision,
    ExchangeError,
    Outcome,
    apply_import,
    check_export,
    resolve_conflict,
    save_letters,
)
from journal.models import Mark, MarkRequest, ReasonStatus, ValidReason
from journal.services import set_mark
from tests import factories
from tests.exchange.conftest import class_name, csv_export, row

D = datetime.date
MON, TUE, WED = D(2025, 12, 8), D(2025, 12, 9), D(2025, 12, 10)


def run(world, rows, **kwargs):
    checked = check_export(
        school=world.school, uploaded=csv_export(rows, **kwargs), acting_user=world.deputy
    )
    return apply_import(ejournal_import=checked, acting_user=world.deputy)


def outcomes(checked):
    return [entry["outcome"] for entry in checked.report]


def state(world):
    """Everything an import may change, to compare before and after."""
    return (
        sorted(
            Mark.objects.filter(school=world.school).values_list(
                "lesson_id",
                "student_id",
                "kind",
                "minutes_late",
                "manual_reason_status",
                "manual_valid_reason",
                "reason_status",
                "updated_at",
            )
        ),
        sorted(
            EjournalRecord.objects.values_list(
                "lesson_id", "student_id", "letter", "state", "updated_at"
            )
        ),
        AuditEntry.objects.filter(action__startswith="journal.").count(),
        MarkRequest.objects.count(),
    )


def test_marks_and_reasons_come_in_through_the_letters(world):
    first, second, third, fourth = world.lessons_on(MON)[:4]
    applied = run(
        world,
        [
            row(world, MON, 1, "Н"),
            row(world, MON, 2, "Б"),
            row(world, MON, 3, "нп"),  # case ignored
            row(world, MON, 4, "ОП"),
        ],
    )
    assert outcomes(applied) == [Outcome.CREATED] * 4
    marks = {m.lesson_id: m for m in Mark.objects.filter(student=world.student)}
    assert (
        marks[first.pk].kind == "absent" and marks[first.pk].reason_status == ReasonStatus.UNKNOWN
    )
    assert marks[second.pk].reason_status == ReasonStatus.VALID
    assert marks[second.pk].valid_reason == ValidReason.ILLNESS
    assert marks[third.pk].reason_status == ReasonStatus.INVALID
    assert marks[fourth.pk].kind == "late"
    # Through the journal's services: the student's history names the deputy.
    history = AuditEntry.objects.filter(student_id=world.student.pk, action="journal.mark.changed")
    assert history.count() == 4 and {e.actor_id for e in history} == {world.deputy.pk}
    assert AuditEntry.objects.filter(action="exchange.ejournal.applied").count() == 1


def test_dry_run_changes_nothing(world):
    before = state(world)
    checked = check_export(
        school=world.school,
        uploaded=csv_export([row(world, MON, 1, "Н"), row(world, MON, 2, "Б")]),
        acting_user=world.deputy,
    )
    assert checked.status == EjournalImport.Status.CHECKED
    assert outcomes(checked) == [Outcome.CREATED, Outcome.CREATED]
    assert state(world) == before


def test_the_same_export_twice_changes_nothing(world):
    rows = [row(world, day, period, "Н") for day in (MON, TUE) for period in (1, 2)]
    rows.append(row(world, WED, 1, "Б"))
    run(world, rows)
    before = state(world)
    again = run(world, rows)
    assert outcomes(again) == [Outcome.SAME] * 5
    assert state(world) == before


def test_a_later_export_changes_a_mark_the_import_set(world):
    run(world, [row(world, MON, 1, "Н")])
    again = run(world, [row(world, MON, 1, "Б")])
    assert outcomes(again) == [Outcome.UPDATED]
    mark = Mark.objects.get(student=world.student)
    assert (mark.reason_status, mark.valid_reason) == (ReasonStatus.VALID, ValidReason.ILLNESS)


def test_a_conflict_with_the_teachers_mark_is_listed_and_not_overwritten(world):
    lesson = world.lessons_on(MON)[0]
    set_mark(lesson=lesson, student_id=world.student.pk, kind="late", acting_user=lesson.teacher)
    applied = run(world, [row(world, MON, 1, "Н")])
    assert outcomes(applied) == [Outcome.CONFLICT]
    assert "В приложении: ОП" in applied.report[0]["text"]
    mark = Mark.objects.get(lesson=lesson, student=world.student)
    assert mark.kind == "late" and mark.updated_by == lesson.teacher
    record = EjournalRecord.objects.get(lesson=lesson, student=world.student)
    assert record.state == EjournalRecord.State.CONFLICT
    # Imported again: still one conflict, still the teacher's mark.
    assert outcomes(run(world, [row(world, MON, 1, "Н")])) == [Outcome.SAME]
    assert Mark.objects.get(pk=mark.pk).kind == "late"


def test_the_teachers_present_is_a_mark_too(world):
    lesson = world.lessons_on(MON)[0]
    other = factories.enrolled_student(world.school_class, last_name="Петров", first_name="Иван")
    set_mark(lesson=lesson, student_id=other.pk, kind="absent", acting_user=lesson.teacher)
    applied = run(world, [row(world, MON, 1, "Н")])  # the teacher left world.student present
    assert outcomes(applied) == [Outcome.CONFLICT]
    assert not Mark.objects.filter(lesson=lesson, student=world.student).exists()


def test_the_ejournals_reason_fills_an_unknown_one_and_a_matching_mark_is_left(world):
    first, second = world.lessons_on(MON)[:2]
    set_mark(lesson=first, student_id=world.student.pk, kind="absent", acting_user=first.teacher)
    set_mark(lesson=second, student_id=world.student.pk, kind="absent", acting_user=second.teacher)
    applied = run(world, [row(world, MON, 1, "Б"), row(world, MON, 2, "Н")])
    assert outcomes(applied) == [Outcome.REASON, Outcome.MATCHED]
    assert Mark.objects.get(lesson=first).valid_reason == ValidReason.ILLNESS
    assert Mark.objects.get(lesson=second).reason_status == ReasonStatus.UNKNOWN


def test_the_deputy_keeps_the_apps_mark_or_takes_the_ejournals(world):
    first, second = world.lessons_on(MON)[:2]
    for lesson in (first, second):
        set_mark(
            lesson=lesson, student_id=world.student.pk, kind="late", acting_user=lesson.teacher
        )
    run(world, [row(world, MON, 1, "Н"), row(world, MON, 2, "Б")])
    keep, take = (EjournalRecord.objects.get(lesson=lesson) for lesson in (first, second))
    resolve_conflict(record=keep, decision=Decision.KEEP_APP, acting_user=world.deputy)
    resolve_conflict(record=take, decision=Decision.TAKE_EJOURNAL, acting_user=world.deputy)
    assert Mark.objects.get(lesson=first).kind == "late"
    taken = Mark.objects.get(lesson=second)
    assert taken.kind == "absent" and taken.valid_reason == ValidReason.ILLNESS
    entries = AuditEntry.objects.filter(action="exchange.conflict.resolved").order_by("pk")
    assert [e.data["decision"] for e in entries] == [Decision.KEEP_APP, Decision.TAKE_EJOURNAL]
    assert entries[1].data["old"]["kind"] == "late" and entries[1].data["new"]["kind"] == "absent"
    with pytest.raises(ExchangeError, match="уже разобрано"):
        resolve_conflict(record=keep, decision=Decision.TAKE_EJOURNAL, acting_user=world.deputy)
    with pytest.raises(PermissionDenied):
        resolve_conflict(record=take, decision=Decision.KEEP_APP, acting_user=world.class_teacher)


def test_an_imported_three_day_streak_fires_the_invitation(
    world, django_capture_on_commit_callbacks
):
    rows = [
        row(world, day, lesson.period, "Н")
        for day in (MON, TUE, WED)
        for lesson in world.lessons_on(day)
    ]
    checked = check_export(school=world.school, uploaded=csv_export(rows), acting_user=world.deputy)
    with django_capture_on_commit_callbacks(execute=True):
        apply_import(ejournal_import=checked, acting_user=world.deputy)
    [alert] = Alert.objects.filter(student=world.student, rule=Rule.STREAK_INVITE)
    assert alert.evidence["dates"] == ["2025-12-08", "2025-12-09", "2025-12-10"]


def test_rows_that_cannot_be_matched_are_reported_in_russian_and_nothing_is_applied(world):
    twin_a = factories.enrolled_student(
        world.school_class, last_name="Сидоров", first_name="Иван", patronymic="Петрович"
    )
    factories.enrolled_student(
        world.school_class, last_name="Сидоров", first_name="Иван", patronymic="Олегович"
    )
    rows = [
        row(world, MON, 1, "Н"),
        row(world, MON, 1, "Н", cls="11Я"),
        ("31.02.2025", "1", class_name(world), "Математика", world.student.full_name, "Н"),
        (f"{MON:%d.%m.%Y}", "1", class_name(world), "Математика", "Неизвестный Ученик", "Н"),
        (f"{MON:%d.%m.%Y}", "2", class_name(world), "Математика", "Сидоров Иван", "Н"),
        row(world, MON, 3, "Ы"),
        row(world, D(2025, 12, 13), 1, "Н"),  # a Saturday: no lessons
        row(world, MON, 4, "=cmd|' /C calc'!A0"),
    ]
    before = state(world)
    checked = check_export(school=world.school, uploaded=csv_export(rows), acting_user=world.deputy)
    texts = [entry["text"] for entry in checked.report]
    assert outcomes(checked) == [Outcome.CREATED] + [Outcome.ERROR] * 7
    assert "Класс «11Я» не найден" in texts[1]
    assert "Дата «31.02.2025» не распознана" in texts[2]
    assert "«Неизвестный Ученик» не найден" in texts[3]
    assert "неоднозначно" in texts[4] and twin_a.full_name in texts[4]
    assert "Обозначение «Ы» не сопоставлено" in texts[5]
    assert "нет 1-го урока 13.12.2025" in texts[6]
    assert "не обозначение электронного журнала" in texts[7]
    with pytest.raises(ExchangeError, match="строки с ошибками"):
        apply_import(ejournal_import=checked, acting_user=world.deputy)
    assert state(world) == before


def test_the_full_name_tells_twins_apart(world):
    twin = factories.enrolled_student(
        world.school_class, last_name="Сидоров", first_name="Иван", patronymic="Петрович"
    )
    factories.enrolled_student(
        world.school_class, last_name="Сидоров", first_name="Иван", patronymic="Олегович"
    )
    applied = run(world, [row(world, MON, 1, "Н", student=twin)])
    assert outcomes(applied) == [Outcome.CREATED]
    assert Mark.objects.get(lesson__date=MON, lesson__period=1).student == twin


def test_a_repeated_row_is_skipped_and_a_contradicting_one_is_an_error(world):
    checked = check_export(
        school=world.school,
        uploaded=csv_export(
            [row(world, MON, 1, "Н"), row(world, MON, 1, "Н"), row(world, MON, 1, "Б")]
        ),
        acting_user=world.deputy,
    )
    assert outcomes(checked) == [Outcome.CREATED, Outcome.SKIPPED, Outcome.ERROR]
    assert "другую отметку" in checked.report[2]["text"]


def test_a_future_lesson_is_refused_by_the_journal(world):
    checked = check_export(
        school=world.school,
        uploaded=csv_export([row(world, D(2025, 12, 22), 1, "Н")]),
        acting_user=world.deputy,
    )
    assert outcomes(checked) == [Outcome.ERROR]
    assert "Урок ещё не начался" in checked.report[0]["text"]


def test_windows_1251_with_a_title_above_the_header(world):
    upload = csv_export(
        [row(world, MON, 1, "Н")],
        encoding="cp1251",
        above=("Отчёт о посещаемости;;;", "за декабрь 2025;;"),
        header=("Дата урока", "№ урока", "Класс", "Предмет", "ФИО ученика", "Пропуск"),
    )
    checked = check_export(school=world.school, uploaded=upload, acting_user=world.deputy)
    assert outcomes(checked) == [Outcome.CREATED]
    assert checked.report[0]["row"] == 4


def test_xlsx_with_date_cells(world):
    book = Workbook()
    sheet = book.active
    sheet.append(["Дата", "Урок", "Класс", "Предмет", "Обучающийся", "Отметка", "Опоздание, мин"])
    sheet.append(
        [
            datetime.datetime(2025, 12, 8),
            1,
            class_name(world),
            "Математика",
            world.student.full_name,
            "ОП",
            10,
        ]
    )
    content = io.BytesIO()
    book.save(content)
    upload = SimpleUploadedFile("export.xlsx", content.getvalue())
    applied = apply_import(
        ejournal_import=check_export(
            school=world.school, uploaded=upload, acting_user=world.deputy
        ),
        acting_user=world.deputy,
    )
    assert outcomes(applied) == [Outcome.CREATED]
    mark = Mark.objects.get(student=world.student)
    assert (mark.kind, mark.minutes_late) == ("late", 10)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Файл пуст"),
        (b"a;b;c\n1;2;3\n", "Не найдена строка заголовков"),
        (b"\xd0\xcf\x11\xe0\x00\x00", "Старый формат XLS"),
        (b"PK\x03\x04garbage", "Файл XLSX не читается"),
    ],
)
def test_an_unreadable_file_is_refused_in_russian(world, content, message):
    with pytest.raises(ExportFileError, match=message):
        check_export(
            school=world.school,
            uploaded=SimpleUploadedFile("x.csv", content),
            acting_user=world.deputy,
        )
    assert not EjournalImport.objects.exists()


def test_only_the_deputy_imports(world):
    director = factories.staff_user(Role.DIRECTOR, world.school)
    for user in (director, world.class_teacher):
        with pytest.raises(PermissionDenied):
            check_export(
                school=world.school,
                uploaded=csv_export([row(world, MON, 1, "Н")]),
                acting_user=user,
            )
    checked = check_export(
        school=world.school,
        uploaded=csv_export([row(world, MON, 1, "Н")]),
        acting_user=world.deputy,
    )
    with pytest.raises(PermissionDenied):
        apply_import(ejournal_import=checked, acting_user=director)
    apply_import(ejournal_import=checked, acting_user=world.deputy)
    with pytest.raises(ExchangeError, match="уже примен"):
        apply_import(ejournal_import=checked, acting_user=world.deputy)


def test_the_schools_letters_decide(world):
    save_letters(
        school=world.school,
        letters=[
            {"letter": "Н", "meaning": "absent", "reason_status": "invalid"},
            {"letter": "ДО", "meaning": "skip"},
            {
                "letter": "ОСВ",
                "meaning": "absent",
                "reason_status": "valid",
                "valid_reason": "release_by_order",
            },
        ],
        acting_user=world.deputy,
    )
    checked = check_export(
        school=world.school,
        uploaded=csv_export([row(world, MON, 3, "Б")]),
        acting_user=world.deputy,
    )
    assert outcomes(checked) == [Outcome.ERROR]  # no longer one of the school's letters
    applied = run(
        world, [row(world, MON, 1, "Н"), row(world, MON, 2, "ДО"), row(world, MON, 4, "ОСВ")]
    )
    assert outcomes(applied) == [Outcome.CREATED, Outcome.SKIPPED, Outcome.CREATED]
    assert (
        Mark.objects.get(lesson__period=1, lesson__date=MON).reason_status == ReasonStatus.INVALID
    )
    assert (
        Mark.objects.get(lesson__period=4, lesson__date=MON).valid_reason
        == ValidReason.RELEASE_BY_ORDER
    )
    entry = AuditEntry.objects.get(action="exchange.letters.changed")
    assert {d["letter"] for d in entry.data["old"]} >= {"Н", "ОП", "УП", "Б"}
    assert [d["letter"] for d in entry.data["new"]] == ["ДО", "Н", "ОСВ"]


@pytest.mark.parametrize(
    ("letters", "message"),
    [
        (
            [{"letter": "Б", "meaning": "absent", "reason_status": "valid"}],
            "вид уважительной причины",
        ),
        (
            [{"letter": "Н", "meaning": "absent"}, {"letter": "н", "meaning": "late"}],
            "указано дважды",
        ),
        ([{"letter": "N1", "meaning": "absent"}], "не обозначение"),
        ([], "хотя бы одно"),
    ],
)
def test_bad_letters_are_refused_in_russian(world, letters, message):
    with pytest.raises(ExchangeError, match=message):
        save_letters(school=world.school, letters=letters, acting_user=world.deputy)
