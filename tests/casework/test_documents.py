"""Documents of the case: the memo to the director (R-T-3) and the student's characteristic
(R-C-8): drafts from the data, saving, tasks, PDFs and access."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from alerts.models import StudentDay, Task
from audit.models import AuditEntry
from casework.models import Characteristic, Memo
from casework.services import (
    CaseworkError,
    CaseworkPermissionDenied,
    create_characteristic,
    create_memo,
    open_case,
    update_memo,
)
from casework.services.documents import characteristic_draft, memo_draft, school_days
from schools.models import Guardian
from tests import factories
from tests.casework.test_plan import pdf_text
from tests.journal.helpers import class_teacher_for

TODAY = timezone.localdate()


@pytest.fixture
def school(db):
    return factories.SchoolFactory(
        name="Муниципальное общеобразовательное учреждение «Средняя школа № 5»",
        short_name="МОУ СШ № 5",
        director_name="Петрова Анна Ивановна",
    )


@pytest.fixture
def teacher(school_class):
    return class_teacher_for(school_class)


@pytest.fixture
def student(school_class):
    return factories.enrolled_student(
        school_class,
        last_name="Кузнецов",
        first_name="Илья",
        patronymic="Андреевич",
        gender="m",
        actual_address="г. Курган, ул. Ленина, д. 1, кв. 2",
        large_family=True,
        low_income=True,
        socially_dangerous_position=True,
    )


@pytest.fixture
def case(student, school, teacher):
    return open_case(
        student_id=student.pk, school_id=school.pk, reason="Пропуски", responsible=[teacher.pk]
    )


def _absences(student, school_class, days, *, invalid=6, unknown=0):
    for offset in range(1, days + 1):
        StudentDay.objects.create(
            student=student,
            school_class=school_class,
            school=school_class.school,
            date=TODAY - datetime.timedelta(days=offset),
            valid=0,
            invalid=invalid,
            unknown=unknown,
            late=0,
            lessons=6,
        )


def _streak_alert(student, school):
    return factories.AlertFactory(
        school=school,
        student=student,
        rule="streak_memo",
        period_start=datetime.date(2026, 11, 9),
        period_end=datetime.date(2026, 11, 12),
        evidence={
            "dates": ["2026-11-09", "2026-11-10", "2026-11-11", "2026-11-12"],
            "days": 4,
        },
    )


# The memo.


@pytest.mark.parametrize(
    ("count", "words"),
    [
        (1, "1 учебный день"),
        (3, "3 учебных дня"),
        (5, "5 учебных дней"),
        (11, "11 учебных дней"),
        (21, "21 учебный день"),
        (14, "14 учебных дней"),
        (22, "22 учебных дня"),
    ],
)
def test_school_days_take_the_russian_plural(count, words):
    assert school_days(count) == words


def test_memo_draft_names_the_child_the_class_and_the_streak(case, student, school, school_class):
    _streak_alert(student, school)
    _absences(student, school_class, 2)

    draft = memo_draft(case)

    assert draft["addressee"] == (
        "Директору Муниципальное общеобразовательное учреждение «Средняя школа № 5» "
        "Петрова Анна Ивановна"
    )
    text = draft["text"]
    assert f"обучающийся {school_class} класса Кузнецов Илья Андреевич" in text
    assert (
        "пропустил без уважительной причины 4 учебных дня подряд: с 09.11.2026 по 12.11.2026"
        in text
    )
    assert "уроков: 12" in text


def test_memo_completes_the_memo_task(case, student, school, teacher):
    alert = _streak_alert(student, school)
    task = factories.TaskFactory(alert=alert, kind=Task.Kind.MEMO_TO_DIRECTOR, sequence=1)

    memo = create_memo(
        case=case,
        date=TODAY,
        addressee="Директору",
        text="Довожу до Вашего сведения…",
        acting_user=teacher,
    )

    task.refresh_from_db()
    assert (task.status, task.result) == (Task.Status.DONE, memo)
    assert AuditEntry.objects.filter(action="casework.memo.created", student=case.student_id)


@pytest.mark.parametrize(
    ("date", "text", "message"),
    [
        (TODAY + datetime.timedelta(days=1), "Текст", "не может быть в будущем"),
        (None, "Текст", "Укажите дату"),
        (TODAY, "  ", "Напишите текст докладной записки"),
    ],
)
def test_memo_with_bad_input_is_refused(case, teacher, date, text, message):
    with pytest.raises(CaseworkError, match=message):
        create_memo(case=case, date=date, addressee="Директору", text=text, acting_user=teacher)
    assert not Memo.objects.exists()


def test_subject_teacher_cannot_write_a_memo(case, school):
    outsider = factories.staff_user(Role.SUBJECT_TEACHER, school)
    with pytest.raises(CaseworkPermissionDenied):
        create_memo(case=case, date=TODAY, addressee="Д", text="Т", acting_user=outsider)


def test_memo_form_is_prefilled_and_saves(client, case, teacher, student, school):
    _streak_alert(student, school)
    client.force_login(teacher)
    url = reverse("casework:memo_create", args=[case.pk])

    form = client.get(url).context["form"]
    assert "Кузнецов Илья Андреевич" in form.initial["text"]

    response = client.post(
        url, {"date": f"{TODAY}", "addressee": "Директору", "text": "Абзац один.\n\nАбзац два."}
    )
    assert response.url == reverse("casework:case_detail", args=[case.pk])
    assert Memo.objects.get().author == teacher


def test_memo_edit_is_audited_with_the_old_text(case, teacher):
    memo = create_memo(case=case, date=TODAY, addressee="Д", text="Было", acting_user=teacher)
    update_memo(memo=memo, date=TODAY, addressee="Д", text="Стало", acting_user=teacher)
    entry = AuditEntry.objects.get(action="casework.memo.changed")
    assert (entry.data["from"]["text"], entry.data["to"]["text"]) == ("Было", "Стало")


def test_memo_pdf_looks_like_a_memo_and_is_audited(client, case, teacher, school_class):
    memo = create_memo(
        case=case,
        date=TODAY,
        addressee="Директору МОУ СШ № 5 Петровой А. И.",
        text=memo_draft(case)["text"],
        acting_user=teacher,
    )
    client.force_login(teacher)

    response = client.get(reverse("casework:memo_pdf", args=[memo.pk]))

    text = pdf_text(response.content, "memo")
    for expected in (
        "Директору МОУ СШ № 5 Петровой А. И.",
        f"от классного руководителя {school_class} класса",
        "Докладная записка",
        "Кузнецов Илья Андреевич",
        f"{TODAY:%d.%m.%Y}",
    ):
        assert expected in text, expected
    assert AuditEntry.objects.filter(action="casework.memo.viewed", actor=teacher).exists()


# The characteristic.


def test_characteristic_draft_has_the_family_flags_guardians_and_absences(
    case, student, school_class
):
    Guardian.objects.create(
        student=student,
        full_name="Кузнецова Ольга Петровна",
        relation="mother",
        workplace="ООО «Ромашка»",
    )
    _absences(student, school_class, 3, invalid=2, unknown=1)

    draft = characteristic_draft(case)

    assert "Семья многодетная, малообеспеченная." in draft["family"]
    assert "социально опасном положении" in draft["family"]
    assert "Мать — Кузнецова Ольга Петровна, место работы: ООО «Ромашка»." in draft["family"]
    assert f"Обучается в {school_class} классе" in draft["study"]
    assert "без уважительной причины — 6, причина не выяснена — 3" in draft["study"]


def test_empty_characteristic_is_refused(case, teacher):
    with pytest.raises(CaseworkError, match="хотя бы один раздел"):
        create_characteristic(case=case, date=TODAY, addressee="kdn", acting_user=teacher)
    assert not Characteristic.objects.exists()


def test_characteristic_pdf_has_the_child_sections_and_signatures(
    client, case, teacher, school_class
):
    characteristic = create_characteristic(
        case=case,
        date=TODAY,
        addressee="kdn",
        acting_user=teacher,
        family="Семья многодетная.",
        behaviour="Спокоен, конфликтов нет.",
        conclusion="Рекомендуется вовлечь в секцию.",
    )
    client.force_login(teacher)

    response = client.get(reverse("casework:characteristic_pdf", args=[characteristic.pk]))

    text = pdf_text(response.content, "characteristic")
    for expected in (
        f"Характеристика на обучающегося {school_class} класса",
        "Кузнецов Илья Андреевич",
        "15.03.2014",
        "г. Курган, ул. Ленина, д. 1, кв. 2",
        "Семья, условия воспитания",
        "Поведение, отношения со сверстниками и взрослыми",
        "Выводы и рекомендации",
        "Классный руководитель",
        "Директор",
        "Петрова Анна Ивановна",
    ):
        assert expected in text, expected
    assert "Учебная деятельность" not in text  # empty sections are left out
    assert AuditEntry.objects.filter(action="casework.characteristic.viewed").exists()


def test_characteristic_form_is_prefilled(client, case, teacher):
    client.force_login(teacher)
    form = client.get(reverse("casework:characteristic_create", args=[case.pk])).context["form"]
    assert "многодетная" in form.initial["family"]


def test_case_page_lists_the_documents_with_their_pdfs(client, case, teacher):
    memo = create_memo(case=case, date=TODAY, addressee="Д", text="Т", acting_user=teacher)
    client.force_login(teacher)
    page = client.get(reverse("casework:case_detail", args=[case.pk])).content.decode()
    assert reverse("casework:memo_pdf", args=[memo.pk]) in page
    assert reverse("casework:characteristic_create", args=[case.pk]) in page


def test_other_schools_memo_and_characteristic_answer_404(client, case, teacher, other_school):
    memo = create_memo(case=case, date=TODAY, addressee="Д", text="Т", acting_user=teacher)
    characteristic = create_characteristic(
        case=case, date=TODAY, addressee="kdn", acting_user=teacher, traits="Общителен"
    )
    client.force_login(factories.staff_user(Role.DIRECTOR, other_school))
    for url in (
        reverse("casework:memo_pdf", args=[memo.pk]),
        reverse("casework:memo_edit", args=[memo.pk]),
        reverse("casework:characteristic_pdf", args=[characteristic.pk]),
        reverse("casework:characteristic_edit", args=[characteristic.pk]),
        reverse("casework:memo_create", args=[case.pk]),
    ):
        assert client.get(url).status_code == 404, url
