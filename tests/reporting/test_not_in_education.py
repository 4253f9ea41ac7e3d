"""R-R-4, the information on a minor not receiving general education (seed 003 Procedure
App. 3): the minor, the parents with their dates of birth and whereabouts, the period of
non-education and the grades completed, the measures since the case opened; every heading
line of the seed's form in the PDF; the choice of the student on the page."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import RoleAssignment
from accounts.roles import Role
from alerts.models import Rule
from casework.models import Case
from journal.models import Lesson, Mark
from reporting.models import Kind, Report, ReportFile
from reporting.rendering import render
from reporting.selectors import report_choices
from reporting.services import ReportError, amend, approve, open_report, submit, version_data
from schools.models import Enrollment, Guardian, LeavingCategory
from tests import factories
from tests.pdf import pdf_text
from tests.reporting.helpers import mark_absent, school_setup
from tests.reporting.test_monthly_information import _timetable

AS_OF = datetime.date(2026, 12, 1)
RUN_START = datetime.date(2026, 10, 19)  # a Monday
# Every heading line of the seed's form (003 Procedure App. 3), in its order.
SEED_LINES = (
    "Информация",
    "о несовершеннолетнем, не получающем общего образования",
    "1. Сведения о несовершеннолетнем:",
    "фамилия, имя, отчество",
    "дата рождения",
    "место жительства (по регистрации)",
    "место жительства по факту",
    "2. Сведения о родителях (законных представителях):",
    "мать (ФИО, дата рождения)",
    "место нахождения матери",
    "отец (ФИО, дата рождения)",
    "место нахождения отца",
    "иная информация о законных представителях",
    "3. Информация об обстоятельствах необучения (период необучения, количество полных "
    "классов, оконченных на момент подготовки информации, описание причин, семейных и иных "
    "обстоятельств, способствовавших необучению)",
    "4. Принятые меры и результаты работы по обеспечению условий для продолжения обучения "
    "(в отношении несовершеннолетнего и в отношении родителей (законных представителей) "
    "несовершеннолетнего с указанием дат посещения семьи, рассмотрения на заседаниях Совета "
    "профилактики образовательной организации, заседаниях КДН и ЗП и проведения других "
    "мероприятий)",
    "Руководитель",
    "Исполнитель, контактный телефон",
)


@pytest.fixture
def setup(db):
    return school_setup()


@pytest.fixture
def minor(setup):
    """Кузнецов Иван, 7 «А», absent from every lesson since Monday 19 October 2026 (reason
    unknown), with a mother, a father and a grandmother who is his guardian; his case opened
    on 20 October, his mother was called on the 21st."""
    cls = setup.school_class
    _timetable(cls, start=datetime.date(2026, 10, 1))
    student = factories.enrolled_student(
        cls,
        last_name="Кузнецов",
        first_name="Иван",
        patronymic="Петрович",
        birth_date=datetime.date(2013, 5, 20),
        registration_address="г. Курган, ул. Ленина, д. 1, кв. 2",
        actual_address="г. Курган, ул. Мира, д. 5",
        low_income=True,
    )
    factories.GuardianFactory(
        student=student,
        full_name="Кузнецова Мария Ивановна",
        relation=Guardian.Relation.MOTHER,
        birth_date=datetime.date(1985, 3, 12),
        whereabouts="г. Тюмень, на заработках",
    )
    factories.GuardianFactory(
        student=student,
        full_name="Кузнецов Пётр Сергеевич",
        relation=Guardian.Relation.FATHER,
        birth_date=datetime.date(1982, 7, 1),
        address="г. Курган, ул. Мира, д. 5",
    )
    factories.GuardianFactory(
        student=student,
        full_name="Смирнова Анна Павловна",
        relation=Guardian.Relation.GUARDIAN,
        birth_date=datetime.date(1960, 1, 9),
        phone="+7 900 111-22-33",
    )
    absent = Lesson.objects.filter(school_class=cls, date__gte=RUN_START)
    mark_absent(list(absent[:5]), student, note="со слов бабушки — не хочет учиться")
    mark_absent(list(absent[5:]), student)
    case = Case.objects.create(student=student, school=setup.school, reason="критерий №22")
    Case.objects.filter(pk=case.pk).update(
        opened_at=datetime.datetime(2026, 10, 20, 9, tzinfo=datetime.UTC)
    )
    for day, said in ((2, "до открытия дела"), (21, "болеет, но к врачу не обращались")):
        factories.ParentContactFactory(
            student=student,
            school=setup.school,
            contacted_at=datetime.datetime(2026, 10, day, 9, tzinfo=datetime.UTC),
            stated_reason=said,
        )
    return student


def _open(setup, student, day=AS_OF):
    return open_report(
        kind=Kind.NOT_IN_EDUCATION,
        school=setup.school,
        student=student,
        period_start=day,
        period_end=day,
        acting_user=setup.deputy,
    )


def _data(setup, student, day=AS_OF) -> dict:
    return version_data(_open(setup, student, day).versions.get())


def test_the_minor_and_the_parents(setup, minor):
    data = _data(setup, minor)
    assert data["minor"] == {
        "name": "Кузнецов Иван Петрович",
        "birth_date": "2013-05-20",
        "registration_address": "г. Курган, ул. Ленина, д. 1, кв. 2",
        "actual_address": "г. Курган, ул. Мира, д. 5",
        "class": "7 «А»",
    }
    assert data["mother"]["name"] == "Кузнецова Мария Ивановна"
    assert (data["mother"]["birth_date"], data["mother"]["whereabouts"]) == (
        "1985-03-12",
        "г. Тюмень, на заработках",
    )
    # Without whereabouts, where the father is is his address.
    assert data["father"]["whereabouts"] == "г. Курган, ул. Мира, д. 5"
    assert [(p["relation"], p["name"]) for p in data["others"]] == [
        ("опекун", "Смирнова Анна Павловна")
    ]


def test_the_period_of_non_education_and_the_grades_completed(setup, minor):
    data = _data(setup, minor)
    # Missed 19 October – 30 November in full: 30 school days (4 November is a holiday).
    assert data["not_studying"] == {"since": "2026-10-19", "until": "2026-12-01", "days": 30}
    assert data["grades_completed"] == 6
    circumstances = data["tables"]["minor"][0]["circumstances"]
    assert "Период необучения: с 19.10.2026 по 01.12.2026 (30 учебных дней подряд" in circumstances
    assert "Окончено полных классов: 6." in circumstances
    assert "со слов бабушки — не хочет учиться" in circumstances
    assert "болеет, но к врачу не обращались" in circumstances
    assert "до открытия дела" not in circumstances  # said before the run began
    assert "малообеспеченная семья" in circumstances


def test_a_grade_finished_to_the_end_of_its_year_is_completed(setup, minor):
    last_year = factories.AcademicYearFactory(
        school=setup.school,
        name="2025/2026 (прошлый)",
        start_date=datetime.date(2025, 9, 1),
        end_date=datetime.date(2026, 5, 31),
    )
    eighth = factories.SchoolClassFactory(
        school=setup.school, academic_year=last_year, grade=8, letter="Б"
    )
    factories.EnrollmentFactory(
        student=minor,
        school_class=eighth,
        start_date=datetime.date(2025, 9, 1),
        end_date=datetime.date(2026, 5, 31),
    )
    assert _data(setup, minor)["grades_completed"] == 8


def test_a_run_broken_by_a_day_attended_is_not_the_period(setup, minor):
    # He came to school on 30 November: he attends again; the open alert tells since when
    # he did not.
    Mark.objects.filter(student=minor, date=datetime.date(2026, 11, 30)).delete()
    data = _data(setup, minor)
    assert data["not_studying"]["since"] == ""
    factories.AlertFactory(
        school=setup.school,
        student=minor,
        rule=Rule.CRITERION_22,
        period_start=datetime.date(2026, 10, 21),
        period_end=datetime.date(2026, 10, 27),
    )
    data = _data(setup, minor, day=datetime.date(2026, 12, 2))
    assert data["not_studying"]["since"] == "2026-10-21"


def test_a_child_who_left_studies_nowhere_since_the_day_he_left(setup, minor):
    Enrollment.objects.filter(student=minor).update(
        end_date=datetime.date(2026, 11, 13),
        leaving_category=LeavingCategory.LEFT_NOT_STUDYING,
        leaving_reason="отчислен по заявлению матери",
    )
    data = _data(setup, minor)
    assert data["not_studying"]["since"] == "2026-11-13"
    circumstances = data["tables"]["minor"][0]["circumstances"]
    assert "Период необучения: с 13.11.2026 по 01.12.2026." in circumstances
    assert "Выбыл(а) из МБОУ СШ № 3 13.11.2026: отчислен по заявлению матери." in circumstances


def test_measures_since_the_case_opened(setup, minor):
    measures = _data(setup, minor)["tables"]["minor"][0]["measures"]
    assert "21.10.2026" in measures and "02.10.2026" not in measures


def test_pdf_prints_every_heading_of_the_seed_and_the_parents(setup, minor, committed):
    report = _open(setup, minor)
    submit(report=report, version=1, acting_user=setup.deputy)
    with committed():
        approve(report=report, version=1, acting_user=setup.director)
    pdf = ReportFile.objects.get(version__report=report, format="pdf")
    assert pdf.state == ReportFile.State.DONE
    text = pdf_text(bytes(pdf.content), "not-in-education")
    position = 0
    for line in SEED_LINES:
        found = text.find(" ".join(line.split()), position)
        assert found >= 0, line
        position = found
    for printed in (
        "Кузнецова Мария Ивановна, 12.03.1985 г.р.",
        "г. Тюмень, на заработках",
        "Кузнецов Пётр Сергеевич, 01.07.1982 г.р.",
        "опекун: Смирнова Анна Павловна, 09.01.1960 г.р.",
        "по состоянию на «01» декабря 2026 года",
        "20.05.2013",
        "Окончено полных классов: 6.",
    ):
        assert printed in text, printed


def test_xlsx_has_every_line_of_the_form(setup, minor):
    version = _open(setup, minor).versions.get()
    document = render(version, version_data(version), ReportFile.Format.XLSX)
    sheet = load_workbook(io.BytesIO(document.content)).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    for line in SEED_LINES[2:15]:
        assert line in cells, line
    assert "Кузнецова Мария Ивановна, 12.03.1985 г.р." in cells


def test_the_circumstances_may_be_amended(setup, minor):
    report = _open(setup, minor)
    amend(
        report=report,
        version=1,
        row_key=f"student:{minor.pk}",
        texts={"circumstances": "Проживает с бабушкой; мать на заработках."},
        acting_user=setup.deputy,
    )
    data = version_data(report.versions.get())
    assert (
        data["tables"]["minor"][0]["circumstances"] == "Проживает с бабушкой; мать на заработках."
    )


def test_the_student_must_belong_to_the_chosen_school(setup, minor, client):
    other = school_setup()
    stranger = factories.enrolled_student(other.school_class)
    factories.AlertFactory(school=other.school, student=stranger, rule=Rule.CRITERION_22)
    factories.AlertFactory(school=setup.school, student=minor, rule=Rule.CRITERION_22)
    # A director of both schools may choose either student, but only with the student's school.
    RoleAssignment.objects.create(user=setup.director, role=Role.DIRECTOR, school=other.school)
    choices = report_choices(setup.director)
    assert {minor, stranger} <= set(choices["students"])
    with pytest.raises(ReportError, match="не числится в выбранной школе"):
        open_report(
            kind=Kind.NOT_IN_EDUCATION,
            school=setup.school,
            student=stranger,
            period_start=AS_OF,
            period_end=AS_OF,
            acting_user=setup.director,
        )
    client.force_login(setup.director)
    response = client.post(
        reverse("reporting:open"),
        {
            "kind": Kind.NOT_IN_EDUCATION,
            "day": AS_OF.isoformat(),
            "school": setup.school.pk,
            "student": minor.pk,
        },
    )
    report = Report.objects.get()
    assert response.url == reverse("reporting:detail", args=[report.pk])
    page = client.get(response.url).content.decode()
    assert "о несовершеннолетнем, не получающем общего образования" in page
    assert "Обстоятельства необучения" in page  # the amendable column
