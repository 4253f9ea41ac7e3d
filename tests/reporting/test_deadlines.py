"""Deadlines (spec §6, seed 002 §3.4, seed 003 Order §6, Procedure §5.2, §5.7) and the
board of what a school owes: the due times, the expected reports and their states, overdue
marked, checked against a plain version; the page's queries do not grow with the classes."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import RoleAssignment
from accounts.roles import Role
from journal.calendar import school_days
from journal.models import Term, Vacation
from policy.services import set_setting, settings_for
from reporting.board import NOT_OPENED, expected_reports
from reporting.deadlines import add_months, aware, due_at, due_for
from reporting.models import Kind, Report, Status
from reporting.services import open_report, return_report, submit
from tests import factories
from tests.reporting.helpers import school_setup

# Wednesday 18 November 2026, 10:00: the last four weeks begin on 19 and 26 October and on
# 2 and 9 November; the autumn holidays fill the week of 26 October.
DAY = datetime.date(2026, 11, 18)
NOW = aware(DAY, datetime.time(10))
MONDAYS = [datetime.date(2026, 10, 19) + datetime.timedelta(weeks=n) for n in range(4)]
SUNDAY = datetime.timedelta(days=6)


@pytest.fixture
def setup(db):
    setup = school_setup()
    year = setup.school_class.academic_year
    Vacation.objects.create(
        academic_year=year,
        name="Осенние каникулы",
        start_date=datetime.date(2026, 10, 26),
        end_date=datetime.date(2026, 11, 1),
    )
    Term.objects.create(
        academic_year=year,
        number=1,
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2026, 10, 25),
    )
    Term.objects.create(
        academic_year=year,
        number=2,
        start_date=datetime.date(2026, 11, 2),
        end_date=datetime.date(2026, 12, 27),
    )
    return setup


def _policy(setup):
    return settings_for(setup.school)


# ---------------------------------------------------------------------------- due times


def test_due_times_follow_the_seeds(setup):
    policy = _policy(setup)
    sunday = datetime.date(2026, 11, 8)
    assert due_for(Kind.WEEKLY_CLASS_REPORT, sunday, policy) == (
        datetime.date(2026, 11, 9),
        datetime.time(12, 0),
    )
    assert due_for(Kind.WEEKLY_SCHOOL_REPORT, sunday, policy)[0] == datetime.date(2026, 11, 10)
    october = datetime.date(2026, 10, 31)
    assert due_for(Kind.MONTHLY_INFORMATION, october, policy)[0] == datetime.date(2026, 11, 3)
    assert due_for(Kind.MUNICIPAL_MONTHLY, october, policy)[0] == datetime.date(2026, 11, 5)
    assert due_for(Kind.NOT_IN_EDUCATION, datetime.date(2026, 10, 15), policy)[0] == (
        datetime.date(2026, 11, 1)
    )
    assert due_for(Kind.NOT_IN_EDUCATION, datetime.date(2026, 11, 2), policy)[0] == (
        datetime.date(2027, 5, 1)
    )
    assert due_for(Kind.TERM_SUMMARY, datetime.date(2026, 10, 25), policy)[0] == (
        datetime.date(2026, 10, 25)
    )


def test_due_at_of_a_report_is_its_kinds_due_time(setup):
    report = Report(
        kind=Kind.WEEKLY_CLASS_REPORT,
        municipality=setup.school.municipality,
        school=setup.school,
        school_class=setup.school_class,
        period_start=MONDAYS[2],
        period_end=MONDAYS[2] + SUNDAY,
    )
    assert timezone.localtime(due_at(report)) == aware(
        datetime.date(2026, 11, 9), datetime.time(12)
    )


def test_a_school_setting_moves_the_class_report_deadline(setup):
    admin = factories.staff_user(Role.SCHOOL_ADMIN, setup.school)
    set_setting(
        key="reports.weekly_class_report_weekday", value=1, acting_user=admin, school=setup.school
    )
    day, _ = due_for(Kind.WEEKLY_CLASS_REPORT, datetime.date(2026, 11, 8), _policy(setup))
    assert day == datetime.date(2026, 11, 10)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2025, 3, 10), 12, datetime.date(2026, 3, 10)),
        (datetime.date(2025, 1, 31), 1, datetime.date(2025, 2, 28)),
        (datetime.date(2024, 2, 29), 12, datetime.date(2025, 2, 28)),
        (datetime.date(2025, 12, 15), 1, datetime.date(2026, 1, 15)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_months_last(day, months, expected):
    assert add_months(day, months) == expected


# ---------------------------------------------------------------------------- the board


def _open(setup, monday, user=None):
    return open_report(
        kind=Kind.WEEKLY_CLASS_REPORT,
        school_class=setup.school_class,
        period_start=monday,
        period_end=monday + SUNDAY,
        acting_user=user or setup.class_teacher,
    )


def test_board_expects_a_class_report_for_each_past_week_with_school_days(setup):
    submitted = _open(setup, MONDAYS[2])
    submit(report=submitted, version=1, acting_user=setup.class_teacher)
    draft = _open(setup, MONDAYS[3])
    board = expected_reports(setup.school, DAY, now=NOW)
    cells = board.class_reports[setup.school_class.pk]
    # The holiday week expects nothing; the current week (16 November) is not over.
    assert sorted(cells) == [MONDAYS[0], MONDAYS[2], MONDAYS[3]]
    assert [start for start, _ in board.weeks] == [MONDAYS[0], MONDAYS[2], MONDAYS[3]]
    first, second, third = (cells[m] for m in (MONDAYS[0], MONDAYS[2], MONDAYS[3]))
    assert (first.state, first.report, first.overdue) == (NOT_OPENED, None, True)
    assert (second.state, second.report, second.overdue) == (Status.SUBMITTED, submitted, False)
    assert (third.state, third.report, third.overdue) == (Status.DRAFT, draft, True)
    assert third.scope == "class"
    assert timezone.localtime(third.due) == aware(datetime.date(2026, 11, 16), datetime.time(12))


def test_a_draft_is_not_overdue_before_monday_noon(setup):
    _open(setup, MONDAYS[3])
    monday = datetime.date(2026, 11, 16)
    before = expected_reports(setup.school, monday, now=aware(monday, datetime.time(11, 59)))
    after = expected_reports(setup.school, monday, now=aware(monday, datetime.time(12, 1)))
    assert not before.class_reports[setup.school_class.pk][MONDAYS[3]].overdue
    assert after.class_reports[setup.school_class.pk][MONDAYS[3]].overdue


def test_a_returned_report_is_overdue_an_approved_one_corrected_is_not(setup):
    returned = _open(setup, MONDAYS[2])
    submit(report=returned, version=1, acting_user=setup.class_teacher)
    return_report(report=returned, version=1, comment="Уточните меры", acting_user=setup.deputy)
    corrected = _open(setup, MONDAYS[3])
    Report.objects.filter(pk=corrected.pk).update(status=Status.DRAFT, approved_number=1)
    cells = expected_reports(setup.school, DAY, now=NOW).class_reports[setup.school_class.pk]
    assert (cells[MONDAYS[2]].state, cells[MONDAYS[2]].overdue) == (Status.RETURNED, True)
    assert (cells[MONDAYS[3]].state, cells[MONDAYS[3]].overdue) == (Status.DRAFT, False)


def test_board_expects_the_schools_weekly_report_monthly_form_and_term_summaries(setup):
    monthly = open_report(
        kind=Kind.MONTHLY_INFORMATION,
        school=setup.school,
        period_start=datetime.date(2026, 10, 1),
        period_end=datetime.date(2026, 10, 31),
        acting_user=setup.deputy,
    )
    board = expected_reports(setup.school, DAY, now=NOW)
    assert sorted(board.school_reports) == [MONDAYS[0], MONDAYS[2], MONDAYS[3]]
    assert all(item.scope == "school" for item in board.school_reports.values())
    assert [(m.period_start, m.state) for m in board.monthly] == [
        (datetime.date(2026, 9, 1), NOT_OPENED),
        (datetime.date(2026, 10, 1), Status.DRAFT),
    ]
    assert board.monthly[1].report == monthly
    assert board.monthly[1].overdue  # due 3 November
    assert [term.number for term in board.terms] == [1]
    (summary,) = board.term_summaries[setup.school_class.pk].values()
    assert (summary.kind, summary.period_end, summary.overdue) == (
        Kind.TERM_SUMMARY,
        datetime.date(2026, 10, 25),
        True,
    )
    assert [line.day for line in board.not_in_education] == [
        datetime.date(2026, 11, 1),
        datetime.date(2027, 5, 1),
    ]


def test_monthly_forms_only_for_the_months_of_the_setting(setup):
    admin = factories.staff_user(Role.SCHOOL_ADMIN, setup.school)
    set_setting(
        key="reports.monthly_months", value=[10, 11], acting_user=admin, school=setup.school
    )
    board = expected_reports(setup.school, DAY, now=NOW)
    assert [m.period_start for m in board.monthly] == [datetime.date(2026, 10, 1)]


def test_upcoming_includes_the_periods_under_way(setup):
    board = expected_reports(setup.school, DAY, now=NOW, upcoming=True)
    assert datetime.date(2026, 11, 16) in board.class_reports[setup.school_class.pk]
    assert datetime.date(2026, 11, 1) in [m.period_start for m in board.monthly]
    assert [term.number for term in board.terms] == [1, 2]


def test_a_class_teacher_sees_only_their_classes(setup):
    other = factories.SchoolClassFactory(
        school=setup.school, academic_year=setup.school_class.academic_year, grade=8, letter="Б"
    )
    board = expected_reports(setup.school, DAY, now=NOW, class_teacher=setup.class_teacher)
    assert [c.pk for c in board.classes] == [setup.school_class.pk]
    assert not board.school_reports and not board.monthly
    assert other.pk not in board.class_reports


def test_without_an_academic_year_nothing_is_expected(db):
    school = factories.SchoolFactory()
    board = expected_reports(school, DAY, now=NOW)
    assert board.academic_year is None and list(board.items()) == []


# ---------------------------------------------------------------------------- against a plain version


def _reference(school, classes, day, now):
    """Class by class, week by week: a school day in the week (journal.calendar) and the
    report of the slot looked up on its own."""
    this_monday = day - datetime.timedelta(days=day.weekday())
    expected = {}
    for school_class in classes:
        for n in range(1, 5):
            monday = this_monday - datetime.timedelta(weeks=n)
            if not school_days(school_class, monday, monday + SUNDAY):
                continue
            report = Report.objects.filter(
                kind=Kind.WEEKLY_CLASS_REPORT, school_class=school_class, period_start=monday
            ).first()
            state = report.status if report else NOT_OPENED
            due = (
                report.due_at
                if report
                else aware(monday + datetime.timedelta(7), datetime.time(12))
            )
            late = now > due and state not in (Status.SUBMITTED, Status.APPROVED)
            expected[(school_class.pk, monday)] = (state, late)
    return expected


@pytest.mark.django_db
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    grades=st.lists(st.sampled_from([1, 2, 5, 9, 11]), min_size=1, max_size=4),
    vacations=st.lists(
        st.tuples(st.integers(0, 34), st.integers(0, 9), st.sampled_from([(1, 1), (1, 11)])),
        max_size=3,
    ),
    slots=st.lists(
        st.tuples(
            st.integers(0, 3),
            st.integers(1, 4),
            st.sampled_from(list(Status.values)),
        ),
        max_size=8,
    ),
    hour=st.sampled_from([9, 13]),
)
def test_the_class_reports_of_the_board_match_the_plain_version(grades, vacations, slots, hour):
    day = datetime.date(2026, 11, 16)  # a Monday: the deadline of last week is today at 12
    now = aware(day, datetime.time(hour))
    with transaction.atomic():
        school = factories.SchoolFactory()
        year = factories.AcademicYearFactory(
            school=school,
            start_date=datetime.date(2026, 9, 1),
            end_date=datetime.date(2027, 5, 31),
        )
        classes = [
            factories.SchoolClassFactory(
                school=school, academic_year=year, grade=grade, letter=str(n)
            )
            for n, grade in enumerate(grades)
        ]
        for offset, length, (grade_from, grade_to) in vacations:
            start = datetime.date(2026, 10, 12) + datetime.timedelta(days=offset)
            Vacation.objects.create(
                academic_year=year,
                name="Каникулы",
                start_date=start,
                end_date=start + datetime.timedelta(days=length),
                grade_from=grade_from,
                grade_to=grade_to,
            )
        for class_index, weeks_ago, status in slots:
            school_class = classes[class_index % len(classes)]
            monday = day - datetime.timedelta(weeks=weeks_ago)
            Report.objects.get_or_create(
                kind=Kind.WEEKLY_CLASS_REPORT,
                municipality=school.municipality,
                school=school,
                school_class=school_class,
                period_start=monday,
                defaults={
                    "period_end": monday + SUNDAY,
                    "status": status,
                    "due_at": aware(monday + datetime.timedelta(7), datetime.time(12)),
                },
            )
        board = expected_reports(school, day, now=now)
        found = {
            (class_id, monday): (item.state, item.overdue)
            for class_id, cells in board.class_reports.items()
            for monday, item in cells.items()
        }
        assert found == _reference(school, classes, day, now)
        transaction.set_rollback(True)


# ---------------------------------------------------------------------------- the page


def _school_with_classes(count):
    setup = school_setup()
    year = setup.school_class.academic_year
    for n in range(count - 1):
        school_class = factories.SchoolClassFactory(
            school=setup.school, academic_year=year, grade=n % 11 + 1, letter=f"Я{n}"
        )
        open_report(
            kind=Kind.WEEKLY_CLASS_REPORT,
            school_class=school_class,
            period_start=MONDAYS[3],
            period_end=MONDAYS[3] + SUNDAY,
            acting_user=setup.deputy,
        )
    Term.objects.create(
        academic_year=year,
        number=1,
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2026, 10, 25),
    )
    return setup


def _page_queries(client, setup) -> int:
    client.force_login(setup.deputy)
    client.get(reverse("reporting:board"))  # sessions, roles and caches warmed
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reporting:board"))
    assert response.status_code == 200
    return len(queries)


def test_board_page_queries_do_not_grow_with_the_classes(db, client):
    small, large = _school_with_classes(3), _school_with_classes(20)
    with CaptureQueriesContext(connection) as few:
        expected_reports(small.school, DAY, now=NOW)
    with CaptureQueriesContext(connection) as many:
        board = expected_reports(large.school, DAY, now=NOW)
    assert len(board.classes) == 20
    assert len(few) == len(many)
    assert _page_queries(client, small) == _page_queries(client, large)


def test_board_page_shows_states_overdue_and_links(setup, client):
    report = _open(setup, MONDAYS[3])
    client.force_login(setup.deputy)
    page = client.get(reverse("reporting:board")).content.decode()
    assert reverse("reporting:detail", args=[report.pk]) in page
    assert "просрочен" in page
    assert 'data-testid="board-open"' in page  # the deputy may open the missing ones
    assert "Еженедельный отчёт школы" in page


def test_class_teacher_sees_their_row_without_the_school_reports(setup, client):
    other = factories.SchoolClassFactory(
        school=setup.school, academic_year=setup.school_class.academic_year, grade=9, letter="В"
    )
    client.force_login(setup.class_teacher)
    page = client.get(reverse("reporting:board")).content.decode()
    assert str(setup.school_class) in page
    assert str(other) not in page
    assert "Еженедельный отчёт школы" not in page


def test_board_of_another_school_is_not_found(setup, client):
    other = factories.SchoolFactory()
    client.force_login(setup.deputy)
    assert client.get(reverse("reporting:board"), {"school": other.pk}).status_code == 404
    assert client.get(reverse("reporting:board"), {"school": "x"}).status_code == 404


def test_the_reports_list_links_to_the_board_for_school_staff(setup, client):
    client.force_login(setup.class_teacher)
    assert 'data-testid="board-link"' in client.get(reverse("reporting:list")).content.decode()
    official = factories.UserFactory()
    RoleAssignment.objects.create(
        user=official, role=Role.MUNICIPAL, municipality=setup.school.municipality
    )
    client.force_login(official)
    assert 'data-testid="board-link"' not in client.get(reverse("reporting:list")).content.decode()
