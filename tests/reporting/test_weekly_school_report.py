"""R-R-2, the school's weekly report on compulsory education (seed 002 App. 2): who is in
each of its five sections, its PDF and XLSX, its workflow (the deputy submits, the director
approves) and what the officials above the school see."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from accounts.roles import Role
from alerts.models import Alert, Rule
from casework.models import ParentContact
from reporting.builders.weekly_school_report import build
from reporting.models import Kind, Report, ReportFile, Status, TrackedMinor
from reporting.rendering import render
from reporting.services import (
    ReportError,
    amend,
    approve,
    open_report,
    submit,
    version_data,
)
from schools.models import Enrollment, LeavingCategory
from tests import factories
from tests.accounts.conftest import world  # noqa: F401  (the fixture)
from tests.pdf import pdf_text
from tests.reporting.helpers import WEEK, WEEK_END, lessons_on, mark_absent, school_setup

NOVEMBER = (datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
OCTOBER = (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))
PREVIOUS_WEEK = WEEK - datetime.timedelta(days=7)


@pytest.fixture
def setup(db):
    return school_setup()


def born(years: int, *, days: int = 1) -> datetime.date:
    """A birth date ``years`` full years before the report's date, ``days`` past the
    birthday."""
    return WEEK_END.replace(year=WEEK_END.year - years) - datetime.timedelta(days=days - 1)


def student(setup, last_name: str, years: int = 14, **kwargs):
    return factories.enrolled_student(
        setup.school_class,
        last_name=last_name,
        first_name="Иван",
        birth_date=born(years),
        **kwargs,
    )


def alert(setup, who, rule=Rule.LONG_ABSENCE, period=NOVEMBER, status=Alert.Status.OPEN):
    return Alert.objects.create(
        school=setup.school,
        student=who,
        rule=rule,
        episode=f"{period[0]:%Y-%m}",
        period_start=period[0],
        period_end=period[1],
        evidence={"hours_without_valid": 62},
        status=status,
    )


def minor(setup, category, name="Сидоров Олег", **kwargs):
    return TrackedMinor.objects.create(
        school=setup.school, category=category, full_name=name, birth_date=born(15), **kwargs
    )


def open_week(setup, start=WEEK, user=None) -> Report:
    return open_report(
        kind=Kind.WEEKLY_SCHOOL_REPORT,
        school=setup.school,
        period_start=start,
        period_end=start + datetime.timedelta(days=6),
        acting_user=user or setup.deputy,
    )


def names(data: dict, table: str) -> list[str]:
    return [row["name"] for row in data["tables"][table]]


# ---------------------------------------------------------------------------- section 1


def test_a_17_year_old_with_a_long_absence_alert_is_listed_and_18_or_19_year_olds_are_not(
    setup,
):
    for last_name, years in (("Юнцов", 17), ("Ровесников", 18), ("Старший", 19)):
        alert(setup, student(setup, last_name, years))
    data = build(open_week(setup))
    assert names(data, "section1") == ["Юнцов Иван"]
    row = data["tables"]["section1"][0]
    assert row["birth_date"] == born(17).isoformat()
    assert (row["school"], row["class"]) == ("МБОУ СШ № 3", "7 «А»")


def test_a_resolved_an_earlier_or_another_rules_alert_does_not_list_the_student(setup):
    alert(setup, student(setup, "Снятый"), status=Alert.Status.RESOLVED)
    alert(setup, student(setup, "Октябрьский"), period=OCTOBER)
    alert(setup, student(setup, "Недельный"), rule=Rule.WEEK_MISSED, period=(WEEK, WEEK_END))
    alert(setup, student(setup, "Систематический"), rule=Rule.SYSTEMATIC_ABSENCE)
    alert(setup, student(setup, "Двадцатидвух"), rule=Rule.CRITERION_22, period=(WEEK, WEEK))
    data = build(open_week(setup))
    assert names(data, "section1") == ["Двадцатидвух Иван", "Систематический Иван"]


def test_the_row_reads_the_alert_notes_family_address_and_measures_of_the_year(setup):
    child = student(
        setup,
        "Прогульщиков",
        large_family=True,
        single_parent=True,
        actual_address="ул. Луговая, 5",
    )
    alert(setup, child)
    mark_absent(lessons_on(setup.school_class, WEEK, 2), child, note="уехал к бабушке")
    mark_absent(lessons_on(setup.school_class, WEEK_END - datetime.timedelta(days=2), 1), child)
    ParentContact.objects.create(
        student=child,
        school=setup.school,
        contacted_at=timezone.make_aware(datetime.datetime(2026, 9, 15, 10)),
        guardian_name="мать",
        result=ParentContact.Result.REACHED,
    )
    [row] = build(open_week(setup))["tables"]["section1"]
    assert row["reason"].startswith("длительные пропуски за 11.2026 (62 ч.")
    assert "уехал к бабушке" in row["reason"]
    assert row["family"] == "многодетная, неполная"
    assert row["whereabouts"] == "ул. Луговая, 5"
    assert row["measures"].startswith("15.09.2026 — телефонный звонок с родителями")


def test_a_placed_away_child_is_in_sections_1_and_5(setup):
    child = student(setup, "Беглецов")
    minor(
        setup,
        TrackedMinor.Category.PLACED_AWAY,
        name="Беглецов Иван",
        student=child,
        whereabouts="в розыске",
        since=datetime.date(2026, 10, 20),
    )
    minor(setup, TrackedMinor.Category.PLACED_AWAY, name="Лечащийся Глеб", whereabouts="РНД")
    data = build(open_week(setup))
    assert names(data, "section1") == ["Беглецов Иван", "Лечащийся Глеб"]
    assert data["tables"]["section1"][0]["whereabouts"] == "в розыске"
    assert data["tables"]["section1"][0]["class"] == "7 «А»"
    assert names(data, "section5") == ["Беглецов Иван", "Лечащийся Глеб"]
    assert data["tables"]["section5"][0]["term"] == "с 20.10.2026"


# ---------------------------------------------------------------------------- sections 2–4


def test_college_and_not_in_education_minors_and_removals_of_the_week(setup):
    minor(setup, TrackedMinor.Category.COLLEGE, name="Студентов Илья", course="1")
    minor(
        setup,
        TrackedMinor.Category.COLLEGE,
        name="Выпускников Олег",
        removed_on=WEEK + datetime.timedelta(days=2),
        removal_note="отчислен, поступил в вечернюю школу",
    )
    minor(
        setup,
        TrackedMinor.Category.COLLEGE,
        name="Давнишний Пётр",
        removed_on=WEEK - datetime.timedelta(days=1),
    )
    minor(setup, TrackedMinor.Category.NOT_IN_EDUCATION, name="Домоседов Лев")
    minor(setup, TrackedMinor.Category.COLLEGE, name="Будущий Ян", since=WEEK_END)
    minor(
        setup,
        TrackedMinor.Category.PLACED_AWAY,
        name="Вернувшийся Ким",
        removed_on=WEEK_END,
        removal_note="вернулся в школу",
    )
    data = build(open_week(setup))
    assert names(data, "section2") == ["Будущий Ян", "Студентов Илья"]
    assert names(data, "section3") == ["Домоседов Лев"]
    assert names(data, "section4_college") == ["Выпускников Олег"]
    removed = data["tables"]["section4_college"][0]["measures"]
    assert "отчислен, поступил в вечернюю школу" in removed and "04.11.2026" in removed
    assert names(data, "section4_students") == ["Вернувшийся Ким"]
    assert "Вернувшийся Ким" not in names(data, "section1") + names(data, "section5")
    assert names(data, "section4_not_in_education") == []


def test_former_students_who_left_studying_nowhere_are_in_section_3(setup):
    def left(last_name, years, on=datetime.date(2026, 10, 15)):
        child = student(setup, last_name, years)
        Enrollment.objects.filter(student=child).update(
            end_date=on, leaving_category=LeavingCategory.LEFT_NOT_STUDYING
        )
        return child

    left("Бросивший", 16)
    left("Совершеннолетний", 18)
    returned = left("Вернувшийся", 15)
    other = school_setup()
    factories.EnrollmentFactory(
        student=returned, school_class=other.school_class, start_date=datetime.date(2026, 10, 20)
    )
    tracked = left("Учтённый", 15)
    minor(setup, TrackedMinor.Category.NOT_IN_EDUCATION, name="Учтённый Иван", student=tracked)
    data = build(open_week(setup))
    assert names(data, "section3") == ["Бросивший Иван", "Учтённый Иван"]
    row = data["tables"]["section3"][0]
    assert row["education"] == "6 кл."  # left 7th grade in October
    assert row["previous_school"].startswith("МБОУ СШ № 3, ")


def test_a_student_of_the_previous_approved_report_no_longer_listed_is_removed(setup):
    child = student(setup, "Исправившийся")
    alert(setup, child, period=OCTOBER)
    previous = open_week(setup, PREVIOUS_WEEK)
    assert names(version_data(previous.versions.get()), "section1") == ["Исправившийся Иван"]
    submit(report=previous, version=1, acting_user=setup.deputy)
    approve(report=previous, version=1, acting_user=setup.director)
    data = build(open_week(setup))
    assert names(data, "section1") == []
    assert names(data, "section4_students") == ["Исправившийся Иван"]
    assert (
        "обучается: МБОУ СШ № 3, 7 «А» класс" in data["tables"]["section4_students"][0]["measures"]
    )


# ---------------------------------------------------------------------------- membership


def _age(birth: datetime.date, day: datetime.date) -> int:
    """Full years, counted one birthday at a time."""
    years = 0
    while birth.replace(year=birth.year + years + 1) <= day:
        years += 1
    return years


PERIODS = {
    "october": OCTOBER,
    "november": NOVEMBER,
    "the week": (WEEK, WEEK_END),
    "ends the day before": (datetime.date(2026, 10, 20), WEEK - datetime.timedelta(days=1)),
    "starts on sunday": (WEEK_END, datetime.date(2026, 11, 20)),
    "starts after": (WEEK_END + datetime.timedelta(days=1), datetime.date(2026, 11, 30)),
}
ALERT = st.tuples(
    st.sampled_from(
        [Rule.LONG_ABSENCE, Rule.SYSTEMATIC_ABSENCE, Rule.CRITERION_22, Rule.WEEK_MISSED]
    ),
    st.sampled_from(sorted(PERIODS)),
    st.sampled_from([Alert.Status.OPEN, Alert.Status.RESOLVED]),
)
CHILD = st.tuples(st.integers(6, 20), st.integers(-3, 3), st.lists(ALERT, max_size=3))


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(children=st.lists(CHILD, min_size=1, max_size=6))
def test_section_1_lists_exactly_whom_a_plain_check_of_each_student_finds(children):
    with transaction.atomic():
        setup = school_setup()
        expected = set()
        for index, (years, shift, alerts) in enumerate(children):
            birth = born(years) + datetime.timedelta(days=shift)
            child = factories.enrolled_student(setup.school_class, birth_date=birth)
            for number, (rule, period, status) in enumerate(alerts):
                start, end = PERIODS[period]
                Alert.objects.create(
                    school=setup.school,
                    student=child,
                    rule=rule,
                    episode=f"{index}-{number}",
                    period_start=start,
                    period_end=end,
                    status=status,
                )
                listed = rule in (Rule.LONG_ABSENCE, Rule.SYSTEMATIC_ABSENCE, Rule.CRITERION_22)
                if (
                    listed
                    and status != Alert.Status.RESOLVED
                    and start <= WEEK_END
                    and end >= WEEK
                    and _age(birth, WEEK_END) < 18
                ):
                    expected.add(child.pk)
        data = build(open_week(setup))
        assert {row["student_id"] for row in data["tables"]["section1"]} == expected
        transaction.set_rollback(True)


# ---------------------------------------------------------------------------- documents


SEED_TEXT = (
    "Еженедельный отчет заместителя директора по социально-правовым вопросам",
    "Утверждаю:",
    "(наименование учреждения)",
    "(подпись)",
    "об исполнении законодательства об обязательном общем образовании",
    "по состоянию на 08.11.2026",
    "1. Учащиеся 1-11 классов общеобразовательных организаций (7-18 лет)",
    "2. Учащиеся до 18 лет учреждений СПО, расположенные на территории",
    "3. Не получающие образование в нарушение Закона «Об образовании»",
    "4. Сняты с учета",
    "5. Находящиеся в розыске, помещенные в ЦВСНП, СИЗО, ВК, находящиеся на лечении в РНД, РПНД",
    "Ф.И. уч-ся",
    "Дата рождения",
    "Характеристика семьи",
    "Место нахождения ребенка",
    "Принимаемые меры",
    "Школа (где учился), район",
    "Образование (сколько классов закончил)",
    "Принятые меры, где обучался ребенок",
    "Образование (где учился)",
    "Сроки нахождения",
    "Ответственный за составление отчета",
    "(ФИО)",
)


def test_deputy_submits_director_approves_and_the_pdf_follows_the_seed(setup, committed):
    alert(setup, student(setup, "Прогульщиков", 16))
    minor(setup, TrackedMinor.Category.PLACED_AWAY, name="Беглый Ян", whereabouts="ЦВСНП")
    report = open_week(setup)
    submit(report=report, version=1, acting_user=setup.deputy)
    with pytest.raises(PermissionDenied):  # the deputy prepares, the director approves
        approve(report=report, version=1, acting_user=setup.deputy)
    with committed():
        approve(report=report, version=1, acting_user=setup.director)
    report.refresh_from_db()
    assert (report.status, report.approved_number) == (Status.APPROVED, 1)
    pdf = ReportFile.objects.get(version__report=report, format=ReportFile.Format.PDF)
    assert pdf.state == ReportFile.State.DONE and pdf.intact
    text = pdf_text(bytes(pdf.content), "weekly-school-report")
    for heading in SEED_TEXT:
        assert heading in text, heading
    assert "Прогульщиков Иван" in text and "Беглый Ян" in text
    assert text.count("нет") >= 4  # sections 2, 3 and two tables of section 4 are empty
    assert setup.school.director_name in text


def test_the_director_does_not_approve_their_own_submission(setup):
    report = open_week(setup, user=setup.director)
    submit(report=report, version=1, acting_user=setup.director)
    with pytest.raises(ReportError, match="Свой отчёт"):
        approve(report=report, version=1, acting_user=setup.director)
    assert report.versions.get().status == Status.SUBMITTED


def test_xlsx_has_every_section_and_neutralises_a_formula_typed_into_a_column(setup):
    child = student(setup, "Формулов", 15)
    alert(setup, child)
    report = open_week(setup)
    amend(
        report=report,
        version=1,
        row_key=f"section1:student:{child.pk}",
        texts={"reason": "=1+1"},
        acting_user=setup.deputy,
    )
    version = report.versions.get()
    document = render(version, version_data(version), ReportFile.Format.XLSX)
    sheet = load_workbook(io.BytesIO(document.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    values = [str(cell.value) for cell in cells]
    assert "'=1+1" in values
    assert not any(cell.data_type == "f" for cell in cells)
    for title in (
        "Принимаемые меры",
        "Принятые меры, где обучался ребенок",
        "Сроки нахождения",
        "по состоянию на 08.11.2026",
    ):
        assert title in values
    assert values.count("нет") == 6  # every table but section 1


def test_the_page_shows_the_form_and_lets_the_deputy_amend_a_column(setup, client):
    child = student(setup, "Страничкин", 15)
    alert(setup, child)
    report = open_week(setup)
    client.force_login(setup.deputy)
    page = client.get(reverse("reporting:detail", args=[report.pk])).content.decode()
    assert "Страничкин Иван" in page and "4. Сняты с учета" in page
    client.post(
        reverse("reporting:amend", args=[report.pk]),
        {"version": 1, "row": f"section1:student:{child.pk}", "whereabouts": "у бабушки"},
    )
    row = version_data(report.versions.get())["tables"]["section1"][0]
    assert row["whereabouts"] == "у бабушки"


# ---------------------------------------------------------------------------- officials


def test_officials_read_the_approved_report_and_not_a_draft(world, client):  # noqa: F811
    approved = world.a.rp["school_report"]
    draft = open_report(
        kind=Kind.WEEKLY_SCHOOL_REPORT,
        school=world.a.school,
        period_start=approved.period_start - datetime.timedelta(days=7),
        period_end=approved.period_end - datetime.timedelta(days=7),
        acting_user=world.users[Role.DEPUTY],
    )
    pdf = world.a.rp["school_report_pdf"]
    for role in (Role.MUNICIPAL, Role.REGIONAL):
        client.force_login(world.users[role])
        response = client.get(reverse("reporting:detail", args=[approved.pk]))
        assert response.status_code == 200, role
        assert "Сняты с учета" in response.content.decode()
        assert client.get(reverse("reporting:file_download", args=[pdf.pk])).status_code == 200
        assert client.get(reverse("reporting:detail", args=[draft.pk])).status_code == 404
        listed = client.get(reverse("reporting:list")).content.decode()
        assert reverse("reporting:detail", args=[approved.pk]) in listed
        assert reverse("reporting:detail", args=[draft.pk]) not in listed


def test_a_placed_away_child_removed_but_still_long_absent_stays_in_section_1_only(setup):
    child = student(setup, "Вернувшийся")
    alert(setup, child)
    minor(
        setup,
        TrackedMinor.Category.PLACED_AWAY,
        name="Вернувшийся Иван",
        student=child,
        removed_on=WEEK + datetime.timedelta(days=1),
    )
    data = build(open_week(setup))
    assert names(data, "section1") == ["Вернувшийся Иван"]
    assert names(data, "section4_students") == names(data, "section5") == []
