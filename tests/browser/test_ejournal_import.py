"""The deputy on a phone loads the regional e-journal's export: checks it, applies it and
settles the one conflict with a teacher's mark (issue #15 point 4)."""

import datetime

import pytest
from django.utils import timezone

from accounts.roles import Role
from exchange.models import EjournalRecord
from journal.models import Lesson, Mark
from journal.services import set_mark
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _past_weekdays(count: int) -> list[datetime.date]:
    days, day = [], timezone.localdate() - datetime.timedelta(days=1)
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= datetime.timedelta(days=1)
    return sorted(days)


@pytest.fixture
def school():
    school = factories.SchoolFactory()
    today = timezone.localdate()
    year = factories.AcademicYearFactory(
        school=school,
        start_date=today - datetime.timedelta(days=60),
        end_date=today + datetime.timedelta(days=60),
    )
    school_class = factories.SchoolClassFactory(
        school=school, academic_year=year, grade=7, letter="Б"
    )
    teacher = factories.staff_user(Role.SUBJECT_TEACHER, school)
    subject = factories.SubjectFactory(school=school, name="История")
    lessons = [
        Lesson.objects.create(
            school=school,
            school_class=school_class,
            date=day,
            period=period,
            subject=subject,
            teacher=teacher,
        )
        for day in _past_weekdays(2)
        for period in (1, 2)
    ]
    student = factories.enrolled_student(
        school_class, last_name="Кузнецова", first_name="Ольга", patronymic="Игоревна"
    )
    # The teacher marked her late on the first lesson; the e-journal will say absent.
    set_mark(lesson=lessons[0], student_id=student.pk, kind="late", acting_user=teacher)
    deputy = factories.staff_user(Role.DEPUTY, school)
    return {"school": school, "lessons": lessons, "student": student, "deputy": deputy}


def test_the_deputy_checks_applies_and_settles_a_conflict(
    phone, sign_in, live_server, school, tmp_path
):
    lessons, student = school["lessons"], school["student"]
    lines = ["Дата;Урок;Класс;Предмет;Обучающийся;Отметка"] + [
        f"{lesson.date:%d.%m.%Y};{lesson.period};7Б;История;Кузнецова Ольга;{letter}"
        for lesson, letter in zip(lessons, ["Н", "Н", "Б", "Б"], strict=True)
    ]
    export = tmp_path / "посещаемость.csv"
    export.write_bytes(("\n".join(lines) + "\n").encode("cp1251"))

    sign_in(phone, school["deputy"])
    phone.click("[data-testid=ejournal-link]")
    phone.set_input_files("input[name=file]", str(export))
    with phone.expect_navigation():
        phone.click("[data-testid=ejournal-upload] button[type=submit]")
    report = phone.locator("[data-testid=import-report]")
    assert report.locator("tr[data-outcome=created]").count() == 3
    assert report.locator("tr[data-outcome=conflict]").count() == 1
    assert "В приложении: ОП" in report.locator("tr[data-outcome=conflict]").inner_text()
    assert not Mark.objects.filter(student=student, kind="absent").exists()  # a dry run

    with phone.expect_navigation():
        phone.click("[data-testid=import-apply] button")
    assert phone.locator("[data-testid=import-applied]").is_visible()
    assert Mark.objects.filter(student=student, kind="absent").count() == 3
    assert Mark.objects.get(lesson=lessons[0], student=student).kind == "late"

    phone.click("[data-testid=ejournal-tabs] >> text=Расхождения")
    conflict = phone.locator("[data-testid=conflict]")
    assert conflict.count() == 1 and "Кузнецова Ольга Игоревна" in conflict.inner_text()
    with phone.expect_navigation():
        conflict.locator("button[value=keep_app]").click()
    assert "Расхождение разобрано" in phone.content()
    assert EjournalRecord.objects.get(lesson=lessons[0]).state == "kept_app"
    assert Mark.objects.get(lesson=lessons[0], student=student).kind == "late"
    # The page fits the phone's width.
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
