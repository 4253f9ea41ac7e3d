"""R-R-3, the monthly information (seed 003 Procedure App. 2): the two groups in a month with
a public holiday, the columns of the seed in the PDF and the XLSX, the workflow (the deputy
prepares, the director approves, the municipality sees it), and the builder proven against a
plain count per student over random timetables and marks."""

import datetime
import io

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from accounts.models import RoleAssignment
from accounts.roles import Role
from alerts.models import Alert, ClassDay, Rule
from audit.models import AuditEntry
from casework.models import Case
from journal.models import Lesson, Mark, ReasonStatus, TimetableEntry
from journal.timetable import generate_lessons
from policy.services import set_setting
from reporting.builders.monthly_information import COLUMNS, GROUPS
from reporting.forms import NewReportForm
from reporting.models import Kind, Report, ReportFile
from reporting.rendering import render
from reporting.selectors import report_choices, visible_reports
from reporting.services import ReportError, approve, open_report, submit, version_data
from schools.models import Enrollment
from tests import factories
from tests.pdf import pdf_text
from tests.reporting.helpers import (
    enroll_for_days,
    mark_absent,
    mark_random_absences,
    random_timetable,
    school_setup,
)

# November 2026: 21 weekdays, Wednesday the 4th a public holiday (День народного единства):
# 20 school days.
MONTH, MONTH_END = datetime.date(2026, 11, 1), datetime.date(2026, 11, 30)
HOLIDAY = datetime.date(2026, 11, 4)
OCTOBER_MONDAY = datetime.date(2026, 10, 26)
PER_DAY = 5


def _day(n: int) -> datetime.date:
    return datetime.date(2026, 11, n)


def _timetable(school_class, per_day=PER_DAY, start=OCTOBER_MONDAY, end=MONTH_END):
    teacher = factories.staff_user(Role.SUBJECT_TEACHER, school_class.school)
    subject = factories.SubjectFactory(school=school_class.school, name="Математика")
    for weekday in range(1, 6):
        for period in range(1, per_day + 1):
            TimetableEntry.objects.create(
                school_class=school_class,
                weekday=weekday,
                period=period,
                subject=subject,
                teacher=teacher,
                valid_from=school_class.academic_year.start_date,
            )
    generate_lessons(school=school_class.school, start=start, end=end)


def _lessons(school_class, *days, count=None) -> list[Lesson]:
    lessons = Lesson.objects.filter(school_class=school_class, date__in=days).order_by(
        "date", "period"
    )
    return list(lessons)[:count]


@pytest.fixture
def setup(db):
    return school_setup()


@pytest.fixture
def month(setup):
    """Seven students of 7 «А» in November 2026 (100 lessons of instructional time: 20 school
    days of 5 lessons, the holiday has none):

    * Absent — absent from every lesson since Monday 26 October, reason unknown;
    * Holiday — 30 lessons without a valid reason: 30 % of 100, only 28.6 % of the 105 the
      month would have had without the holiday;
    * Under — 29 lessons: 29 %;
    * Excused — 30 lessons absent, 2 of them for a valid reason: 28 %;
    * Joiner — enrolled on Monday 16 November (55 lessons), 17 missed: 30.9 %;
    * Repeater — repeats the grade, 40 lessons missed without a valid reason: 40 %;
    * Present — no absences."""
    cls = setup.school_class
    _timetable(cls)
    student = factories.enrolled_student
    students = {
        "absent": student(cls, last_name="Антонов", first_name="Олег", patronymic="Ильич"),
        "holiday": student(cls, last_name="Белова", first_name="Дарья", patronymic="Сергеевна"),
        "under": student(cls, last_name="Волков", first_name="Никита", patronymic=""),
        "excused": student(cls, last_name="Громова", first_name="Алла", patronymic=""),
        "repeater": student(cls, last_name="Дёмин", first_name="Павел", patronymic=""),
        "present": student(cls, last_name="Ершова", first_name="Юлия", patronymic=""),
    }
    joiner = factories.StudentFactory(last_name="Жуков", first_name="Артём", patronymic="")
    factories.EnrollmentFactory(student=joiner, school_class=cls, start_date=_day(16))
    students["joiner"] = joiner
    Enrollment.objects.filter(student=students["repeater"]).update(repeats_grade=True)

    all_lessons = Lesson.objects.filter(school_class=cls, date__gte=OCTOBER_MONDAY)
    mark_absent(list(all_lessons), students["absent"])
    week = [_day(n) for n in (9, 10, 11, 12, 13)]
    mark_absent(
        _lessons(cls, *week, _day(16)),
        students["holiday"],
        reason=ReasonStatus.INVALID,
        note="прогул",
    )
    mark_absent(_lessons(cls, *week), students["under"], reason=ReasonStatus.INVALID)
    mark_absent(_lessons(cls, _day(17), count=4), students["under"])
    excused = _lessons(cls, *week, _day(16))
    mark_absent(excused[:28], students["excused"], reason=ReasonStatus.INVALID)
    mark_absent(excused[28:], students["excused"], reason=ReasonStatus.VALID)
    mark_absent(_lessons(cls, _day(16), _day(17), _day(18), _day(19), count=17), joiner)
    mark_absent(
        _lessons(cls, *[_day(n) for n in (2, 3, 5, 6, 9, 10, 11, 12)]), students["repeater"]
    )
    return students


def _open(setup, user=None, day=MONTH):
    return open_report(
        kind=Kind.MONTHLY_INFORMATION,
        school=setup.school,
        period_start=day,
        period_end=MONTH_END,
        acting_user=user or setup.deputy,
    )


def _data(setup) -> dict:
    return version_data(_open(setup).versions.get())


def _names(rows) -> list[str]:
    return [row["name"] for row in rows]


def test_the_holiday_is_no_instructional_time(setup, month):
    days = ClassDay.objects.filter(school_class=setup.school_class, date__range=(MONTH, MONTH_END))
    assert days.count() == 20 and not days.filter(date=HOLIDAY).exists()
    rows = {row["name"]: row for rows in _data(setup)["tables"].values() for row in rows}
    holiday = rows["Белова Дарья Сергеевна"]
    assert (holiday["hours"], holiday["scheduled"]) == (30, 100)
    assert 30 * (100 + PER_DAY) > 100 * 30  # without the holiday she would be under 30 %


def test_groups_list_exactly_the_students_the_seed_prescribes(setup, month):
    data = _data(setup)
    not_attending, missing = data["tables"]["not_attending"], data["tables"]["missing_30"]
    assert _names(not_attending) == ["Антонов Олег Ильич"]
    assert _names(missing) == ["Белова Дарья Сергеевна", "Дёмин Павел", "Жуков Артём"]
    assert [(row["hours"], row["scheduled"]) for row in missing] == [(30, 100), (40, 100), (17, 55)]
    assert [row["number"] for row in missing] == [1, 2, 3]
    absent = not_attending[0]
    assert (absent["hours"], absent["scheduled"]) == (100, 100)
    # The run began in October: the period says so.
    assert absent["period"] == "с 26.10.2026 по 30.11.2026"
    holiday = missing[0]
    assert holiday["period"] == "09.11.2026–16.11.2026"
    assert holiday["reasons"] == "прогул"
    assert holiday | {"measures": ""} == {
        "key": f"student:{month['holiday'].pk}",
        "number": 1,
        "name": "Белова Дарья Сергеевна",
        "birth_date": month["holiday"].birth_date.isoformat(),
        "school": setup.school.name,
        "class": "7 «А»",
        "period": "09.11.2026–16.11.2026",
        "hours": 30,
        "scheduled": 100,
        "reasons": "прогул",
        "repeated": False,
        "measures": "",
    }
    repeater = missing[1]
    assert repeater["repeated"] is True and "повторное обучение" in repeater["reasons"]
    assert repeater["period"] == "02.11.2026–12.11.2026"  # the holiday breaks no run
    assert data["as_of"] == "2026-11-30"
    assert data["executor"] == {"name": setup.deputy.get_full_name(), "phone": setup.deputy.phone}


def test_strictly_more_than_the_share_when_the_setting_says_so(setup, month):
    admin = factories.staff_user(Role.SCHOOL_ADMIN, setup.school)
    set_setting(
        key="thresholds.month_percent_comparison", value=">", acting_user=admin, school=setup.school
    )
    missing = _data(setup)["tables"]["missing_30"]
    assert _names(missing) == ["Дёмин Павел", "Жуков Артём"]


def test_an_open_criterion_22_alert_puts_a_student_in_the_first_group(setup, month):
    factories.AlertFactory(
        school=setup.school,
        student=month["holiday"],
        rule=Rule.CRITERION_22,
        period_start=_day(9),
        period_end=_day(16),
    )
    factories.AlertFactory(  # resolved: it counts no more
        school=setup.school,
        student=month["under"],
        rule=Rule.CRITERION_22,
        period_start=_day(9),
        period_end=_day(13),
        status=Alert.Status.RESOLVED,
    )
    data = _data(setup)
    assert _names(data["tables"]["not_attending"]) == [
        "Антонов Олег Ильич",
        "Белова Дарья Сергеевна",
    ]
    assert data["tables"]["not_attending"][1]["period"] == "с 09.11.2026 по 16.11.2026"
    assert "Белова Дарья Сергеевна" not in _names(data["tables"]["missing_30"])


def test_measures_of_the_month_and_since_the_case_opened(setup, month):
    october = datetime.datetime(2026, 10, 27, 10, tzinfo=datetime.UTC)
    november = datetime.datetime(2026, 11, 18, 10, tzinfo=datetime.UTC)
    case = Case.objects.create(student=month["absent"], school=setup.school, reason="критерий №22")
    Case.objects.filter(pk=case.pk).update(opened_at=october)
    for key in ("absent", "holiday"):
        for moment, said in ((october, "в октябре"), (november, "в ноябре")):
            factories.ParentContactFactory(
                student=month[key], school=setup.school, contacted_at=moment, stated_reason=said
            )
    data = _data(setup)
    absent = data["tables"]["not_attending"][0]["measures"]
    holiday = data["tables"]["missing_30"][0]["measures"]
    assert "27.10.2026" in absent and "18.11.2026" in absent
    assert "27.10.2026" not in holiday and "18.11.2026" in holiday


def test_pdf_has_the_seed_title_columns_and_both_groups(setup, month):
    report = _open(setup)
    version = report.versions.get()
    data = version_data(version)
    text = pdf_text(render(version, data, ReportFile.Format.PDF).content, "monthly")
    for words in (
        "Информация о несовершеннолетних, не посещающих или систематически пропускающих "
        "по неуважительным причинам занятия",
        "в образовательных организациях",
        "(наименование муниципального органа управления образованием, образовательной организации)",
        "по состоянию на «30» ноября 2026 года",
        *(" ".join(str(column).split()) for column in COLUMNS),
        *(str(title) for _name, title in GROUPS),
        "Руководитель",
        "Исполнитель, контактный телефон",
        "Антонов Олег Ильич",
        "Белова Дарья Сергеевна",
        "30 ч. из 100",
        setup.school.director_name,
    ):
        assert " ".join(words.split()) in text, words
    # The groups in the seed's order, each student under their own.
    first, second = (text.index(str(title)) for _name, title in GROUPS)
    assert first < text.index("Антонов Олег Ильич") < second < text.index("Белова Дарья")


def test_xlsx_has_the_same_columns_and_both_groups(setup, month):
    version = _open(setup).versions.get()
    document = render(version, version_data(version), ReportFile.Format.XLSX)
    sheet = load_workbook(io.BytesIO(document.content)).active
    rows = [[cell for cell in row if cell is not None] for row in sheet.iter_rows(values_only=True)]
    columns = [str(column) for column in COLUMNS]
    assert [row for row in rows if row[:1] == [columns[0]]] == [columns, columns]
    flat = [value for row in rows for value in row]
    for _name, title in GROUPS:
        assert str(title) in flat
    assert [str(v) for v in rows[flat_index(rows, "Антонов")][:2]] == ["1", "Антонов Олег Ильич"]
    assert any("30 ч. из 100" in str(value) for value in flat)


def flat_index(rows, prefix) -> int:
    return next(i for i, row in enumerate(rows) if any(str(v).startswith(prefix) for v in row))


def test_deputy_prepares_director_approves_the_municipality_sees_it(setup, month, committed):
    report = _open(setup)
    submit(report=report, version=1, acting_user=setup.deputy)
    official = factories.UserFactory()
    RoleAssignment.objects.create(
        user=official, role=Role.MUNICIPAL, municipality=setup.school.municipality
    )
    assert report not in visible_reports(official)
    with committed():
        approve(report=report, version=1, acting_user=setup.director)
    assert report in visible_reports(official)
    pdf = ReportFile.objects.get(version__report=report, format="pdf")
    assert pdf.state == ReportFile.State.DONE
    assert "Антонов Олег Ильич" in pdf_text(bytes(pdf.content))


def _form(setup, user, day, kind=Kind.MONTHLY_INFORMATION) -> NewReportForm:
    return NewReportForm(
        {"kind": kind, "day": day.isoformat(), "school": setup.school.pk},
        **report_choices(user),
    )


def test_only_the_reporting_months_may_be_opened(setup):
    with pytest.raises(ReportError, match="только за отчётные месяцы"):
        open_report(
            kind=Kind.MONTHLY_INFORMATION,
            school=setup.school,
            period_start=datetime.date(2026, 7, 1),
            period_end=datetime.date(2026, 7, 31),
            acting_user=setup.deputy,
        )
    assert not Report.objects.exists()
    form = _form(setup, setup.deputy, datetime.date(2026, 11, 15))
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["period_start"], form.cleaned_data["period_end"]) == (
        MONTH,
        MONTH_END,
    )


def test_a_month_outside_the_setting_is_refused_on_the_page(setup, client):
    client.force_login(setup.deputy)
    response = client.post(
        reverse("reporting:open"),
        {"kind": Kind.MONTHLY_INFORMATION, "day": "2026-08-10", "school": setup.school.pk},
        follow=True,
    )
    assert "только за отчётные месяцы" in response.content.decode()
    assert not Report.objects.exists()


def test_the_page_shows_the_form_and_amends_the_reasons(setup, month, client):
    report = _open(setup)
    client.force_login(setup.deputy)
    page = client.get(reverse("reporting:detail", args=[report.pk])).content.decode()
    assert "Несовершеннолетние, не посещающие образовательные организации" in page
    assert "Причины необучения, пропусков" in page
    key = f"student:{month['under'].pk}"
    assert key not in page  # not listed, so not amendable
    key = f"student:{month['holiday'].pk}"
    client.post(
        reverse("reporting:amend", args=[report.pk]),
        {"version": 1, "row": key, "reasons": "уход за младшим братом", "measures": "беседа"},
    )
    rows = version_data(report.versions.get())["tables"]["missing_30"]
    assert (rows[0]["reasons"], rows[0]["measures"]) == ("уход за младшим братом", "беседа")
    [entry] = AuditEntry.objects.filter(action="reporting.report.amended")
    assert set(entry.data["changes"]) == {"reasons", "measures"}

    # Both columns or neither: a text too long in one leaves the other unchanged too.
    response = client.post(
        reverse("reporting:amend", args=[report.pk]),
        {"version": 1, "row": key, "reasons": "болезнь", "measures": "м" * 5000},
        follow=True,
    )
    assert "Не более" in response.content.decode()
    rows = version_data(report.versions.get())["tables"]["missing_30"]
    assert (rows[0]["reasons"], rows[0]["measures"]) == ("уход за младшим братом", "беседа")


# ------------------------------------------------------------------- against a naive count


def _naive(school, start, end) -> dict[str, dict[int, tuple[int, int]]]:
    """Per student, the plain way: the scheduled lessons of their class on the days of their
    enrollment (group lessons for members), and their absences on them without a valid
    reason; then the seed's two groups."""
    groups = {"not_attending": {}, "missing_30": {}}
    for enrollment in Enrollment.objects.filter(school=school):
        scheduled = missed = 0
        for lesson in Lesson.objects.filter(
            school_class=enrollment.school_class, date__range=(start, end), status="scheduled"
        ):
            if not enrollment.covers(lesson.date):
                continue
            if lesson.group and not lesson.group.students.filter(pk=enrollment.student_id):
                continue
            scheduled += 1
            mark = Mark.objects.filter(lesson=lesson, student_id=enrollment.student_id).first()
            if mark and mark.kind == "absent" and mark.reason_status != "valid":
                missed += 1
        if scheduled and missed == scheduled:
            groups["not_attending"][enrollment.student_id] = (missed, scheduled)
        elif scheduled and 100 * missed >= 30 * scheduled:
            groups["missing_30"][enrollment.student_id] = (missed, scheduled)
    return groups


absence = st.tuples(
    st.integers(0, 29),  # first day of November
    st.integers(1, 12),  # length in calendar days
    st.sampled_from(["unknown", "invalid", "valid"]),
    st.integers(0, 6),  # lessons missed a day (0 = all)
)


@pytest.mark.django_db
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    periods=st.lists(st.integers(0, 6), min_size=5, max_size=5),
    group_period=st.booleans(),
    enrollment_days=st.lists(
        st.tuples(st.integers(0, 29), st.one_of(st.none(), st.integers(0, 29))),
        min_size=3,
        max_size=3,
    ),
    absences=st.lists(absence, max_size=10),
    cancelled=st.integers(0, 3),
)
def test_groups_match_a_naive_count_per_student(
    periods, group_period, enrollment_days, absences, cancelled
):
    with transaction.atomic():
        setup = school_setup()
        cls = setup.school_class
        group = random_timetable(setup, periods, group_period)
        generate_lessons(school=setup.school, start=MONTH, end=MONTH_END)
        for lesson in Lesson.objects.filter(school_class=cls).order_by("date", "period")[
            :cancelled
        ]:
            lesson.status = Lesson.Status.CANCELLED
            lesson.save(update_fields=["status"])
        students = enroll_for_days(cls, MONTH, enrollment_days)
        group.students.add(students[0], students[1])
        lessons = {}
        for lesson in Lesson.objects.filter(school_class=cls, status="scheduled").order_by(
            "date", "period"
        ):
            lessons.setdefault(lesson.date, []).append(lesson)
        mark_random_absences(setup, MONTH, students, absences, lessons)

        data = _data(setup)
        got = {
            name: {int(row["key"].split(":")[1]): (row["hours"], row["scheduled"]) for row in rows}
            for name, rows in data["tables"].items()
        }
        expected = _naive(setup.school, MONTH, MONTH_END)
        # A mark outside the enrollment does not count (R-CAL-4); the naive count agrees.
        assert got == expected
        transaction.set_rollback(True)
