"""The officials' overviews (reporting/selectors_territory.py, reporting/views/territory.py):
attendance figures checked against a plain count by hypothesis, submissions and their
deadlines, alerts and the registry, the query count for 3 and 30 schools, a region's
figures as the sum of its municipalities', and pages that name no pupil."""

import datetime
import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import RoleAssignment
from accounts.roles import Role
from alerts.models import Alert, Rule
from casework.models import Case, RegistryPlacement
from journal.models import Lesson, Mark, ReasonStatus
from reporting.models import Kind, Report, Status
from reporting.selectors_territory import (
    MISSING,
    Periods,
    municipality_overview,
    region_overview,
    school_figures,
)
from schools.models import Enrollment
from tests import factories
from tests.accounts.world import build_world
from tests.journal.helpers import make_lesson
from tests.reporting.territory_helpers import monthly_report, school_data, school_row

TODAY = datetime.date(2026, 11, 12)  # a Thursday
NOW = timezone.make_aware(datetime.datetime(2026, 11, 12, 10, 0))
# School days around it: the last of October, the past week, this week up to tomorrow.
DAYS = [
    datetime.date(2026, 10, 30),
    datetime.date(2026, 11, 2),
    datetime.date(2026, 11, 5),
    datetime.date(2026, 11, 9),
    datetime.date(2026, 11, 10),
    TODAY,
    datetime.date(2026, 11, 13),
]


def school_in(municipality, name, **kwargs):
    school = factories.SchoolFactory(municipality=municipality, short_name=name, **kwargs)
    year = factories.AcademicYearFactory(
        school=school,
        name="2026/2027",
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2027, 5, 31),
    )
    school.year = year
    school.teacher = factories.staff_user(Role.SUBJECT_TEACHER, school)
    school.subject = factories.SubjectFactory(school=school, name="Математика")
    return school


def add_class(school, grade=5):
    return factories.SchoolClassFactory(school=school, academic_year=school.year, grade=grade)


def lessons(school_class, day, count):
    school = school_class.school
    return [
        make_lesson(school_class, day, period, teacher=school.teacher, subject=school.subject)
        for period in range(1, count + 1)
    ]


def absent(lesson, student, reason=ReasonStatus.UNKNOWN):
    return Mark.objects.create(
        lesson=lesson,
        student=student,
        school=lesson.school,
        date=lesson.date,
        kind=Mark.Kind.ABSENT,
        manual_reason_status=reason,
        reason_status=reason,
        created_by=lesson.teacher,
    )


# ---- Attendance against a plain count --------------------------------------------------------


def plain_share(school, since, until) -> tuple[int, int, int]:
    """Obviously correct: every lesson times the students enrolled in its class that day;
    every absence mark, and those whose reason is not valid."""
    scheduled = 0
    enrollments = list(Enrollment.objects.filter(school=school))
    for lesson in Lesson.objects.filter(school=school, date__range=(since, until)):
        scheduled += sum(
            1
            for e in enrollments
            if e.school_class_id == lesson.school_class_id
            and e.start_date <= lesson.date
            and (e.end_date is None or e.end_date >= lesson.date)
        )
    marks = list(
        Mark.objects.filter(school=school, date__range=(since, until), kind=Mark.Kind.ABSENT)
    )
    without_valid = sum(1 for m in marks if m.reason_status != ReasonStatus.VALID)
    return len(marks), without_valid, scheduled


student_spec = st.tuples(
    st.sampled_from([None, datetime.date(2026, 11, 3), datetime.date(2026, 11, 11)]),  # start
    st.sampled_from([None, datetime.date(2026, 11, 4), TODAY]),  # end
)
mark_spec = st.tuples(
    st.integers(0, 2),  # class
    st.integers(0, len(DAYS) - 1),  # day
    st.integers(0, 2),  # lesson
    st.integers(0, 2),  # student
    st.sampled_from([ReasonStatus.UNKNOWN, ReasonStatus.INVALID, ReasonStatus.VALID]),
)


@pytest.mark.django_db
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    lessons_per_day=st.lists(st.integers(0, 3), min_size=3 * len(DAYS), max_size=3 * len(DAYS)),
    students=st.lists(st.lists(student_spec, min_size=1, max_size=3), min_size=3, max_size=3),
    marks=st.lists(mark_spec, max_size=25),
)
def test_attendance_shares_match_a_plain_count(lessons_per_day, students, marks):
    with transaction.atomic():
        municipality = factories.MunicipalityFactory()
        first, second = school_in(municipality, "Школа № 1"), school_in(municipality, "Школа № 2")
        classes = [add_class(first), add_class(first, grade=7), add_class(second)]
        enrolled = []
        for school_class, specs in zip(classes, students, strict=True):
            members = []
            for start, end in specs:
                start = start or school_class.academic_year.start_date
                if end is not None and end < start:
                    end = None
                student = factories.StudentFactory()
                factories.EnrollmentFactory(
                    student=student, school_class=school_class, start_date=start, end_date=end
                )
                members.append((student, start, end))
            enrolled.append(members)
        by_class_day = {}
        for index, count in enumerate(lessons_per_day):
            class_index, day_index = divmod(index, len(DAYS))
            by_class_day[(class_index, day_index)] = lessons(
                classes[class_index], DAYS[day_index], count
            )
        seen = set()
        for class_index, day_index, lesson_index, student_index, reason in marks:
            day_lessons = by_class_day[(class_index, day_index)]
            members = enrolled[class_index]
            if not day_lessons or not members:
                continue
            lesson = day_lessons[lesson_index % len(day_lessons)]
            student, start, end = members[student_index % len(members)]
            on_roll = start <= lesson.date and (end is None or end >= lesson.date)
            if on_roll and (lesson.pk, student.pk) not in seen:
                seen.add((lesson.pk, student.pk))
                absent(lesson, student, reason)

        periods = Periods.of(TODAY)
        for figures in school_figures([first, second], periods, NOW):
            school = figures.school
            for share, since in (
                (figures.attendance.today, TODAY),
                (figures.attendance.week, periods.week_start),
                (figures.attendance.month, periods.month_start),
            ):
                assert (share.missed, share.without_valid, share.scheduled) == plain_share(
                    school, since, TODAY
                ), (school.short_name, since)
        transaction.set_rollback(True)


# ---- Submissions, alerts, registry -------------------------------------------------------------


@pytest.fixture
def area(db):
    region = factories.RegionFactory(name="Курганская область")
    municipality = factories.MunicipalityFactory(region=region, name="Кетовский округ")
    neighbour = factories.MunicipalityFactory(region=region, name="Шадринский округ")
    one, two = school_in(municipality, "Школа № 1"), school_in(municipality, "Школа № 2")
    three = school_in(neighbour, "Школа № 3")
    classes = {"1a": add_class(one), "1b": add_class(one, grade=7), "2a": add_class(two)}
    for school_class in classes.values():  # school days in the past week
        lessons(school_class, datetime.date(2026, 11, 3), 2)
    lessons(add_class(three), datetime.date(2026, 11, 3), 2)
    return {
        "region": region,
        "municipality": municipality,
        "neighbour": neighbour,
        "schools": (one, two, three),
        "classes": classes,
    }


def report(kind, *, school, status, approved=None, period_start, period_end, school_class=None):
    return Report.objects.create(
        kind=kind,
        municipality=school.municipality,
        school=school,
        school_class=school_class,
        period_start=period_start,
        period_end=period_end,
        status=status,
        approved_number=approved,
    )


PAST_WEEK = (datetime.date(2026, 11, 2), datetime.date(2026, 11, 8))
OCTOBER = (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))


def test_submissions_status_and_overdue(area):
    one, two, _three = area["schools"]
    week, month = (
        dict(zip(("period_start", "period_end"), PAST_WEEK, strict=True)),
        dict(zip(("period_start", "period_end"), OCTOBER, strict=True)),
    )
    report(Kind.WEEKLY_SCHOOL_REPORT, school=one, status=Status.APPROVED, approved=1, **week)
    report(Kind.MONTHLY_INFORMATION, school=one, status=Status.DRAFT, **month)
    report(
        Kind.WEEKLY_CLASS_REPORT,
        school=one,
        school_class=area["classes"]["1a"],
        status=Status.SUBMITTED,
        **week,
    )
    # A correction begun after approval: handed in all the same.
    report(Kind.MONTHLY_INFORMATION, school=two, status=Status.DRAFT, approved=1, **month)

    rows = {
        row.school.short_name: row
        for row in municipality_overview(area["municipality"], TODAY, NOW).schools
    }
    first, second = rows["Школа № 1"], rows["Школа № 2"]
    assert (first.weekly.status, first.weekly.overdue, first.weekly.approved) == (
        Status.APPROVED,
        False,
        True,
    )
    # Due by 3 November (seed 003 Order §6), still a draft on the 12th.
    assert (first.monthly.status, first.monthly.overdue) == (Status.DRAFT, True)
    assert first.monthly.due == timezone.make_aware(datetime.datetime(2026, 11, 3, 23, 59))
    assert (first.class_reports.classes, first.class_reports.submitted) == (2, 1)
    assert first.class_reports.overdue  # due Monday 9 November, 12:00
    assert (second.weekly.status, second.weekly.overdue) == (MISSING, True)
    assert (second.monthly.status, second.monthly.overdue, second.monthly.approved) == (
        Status.DRAFT,
        False,
        True,
    )

    # On Monday morning the рапортички and the weekly report are not yet due.
    monday = timezone.make_aware(datetime.datetime(2026, 11, 9, 11, 0))
    early = municipality_overview(area["municipality"], datetime.date(2026, 11, 9), monday)
    first = next(row for row in early.schools if row.school == one)
    assert not first.class_reports.overdue and not early.schools[1].weekly.overdue
    # The consolidation of October was due to the region on the 5th.
    assert early.totals.consolidation.status == MISSING and early.totals.consolidation.overdue


def test_a_week_without_school_days_owes_no_weekly_reports(area):
    """The week of 26 October had no lessons (a vacation): nothing is owed for it."""
    overview = municipality_overview(area["municipality"], datetime.date(2026, 11, 4), NOW)
    for row in overview.schools:
        assert row.weekly is None
        assert (row.class_reports.classes, row.class_reports.overdue) == (0, False)


def test_summer_months_owe_no_monthly_information(area):
    overview = municipality_overview(
        area["municipality"], datetime.date(2027, 7, 10), timezone.now()
    )
    assert all(row.monthly is None for row in overview.schools)
    assert overview.totals.consolidation is None


def test_open_alerts_by_rule_and_registry_students(area):
    one, two, three = area["schools"]
    student = factories.enrolled_student(area["classes"]["1a"])
    factories.AlertFactory(school=one, student=student, rule=Rule.STREAK_INVITE)
    factories.AlertFactory(school=one, rule=Rule.STREAK_INVITE)
    factories.AlertFactory(school=one, rule=Rule.LONG_ABSENCE)
    factories.AlertFactory(school=one, rule=Rule.LONG_ABSENCE, status=Alert.Status.RESOLVED)
    factories.AlertFactory(school=three, rule=Rule.CRITERION_22)
    case = Case.objects.create(student=student, school=one, reason="пропуски")
    RegistryPlacement.objects.create(
        student=student, school=one, case=case, placed_on=TODAY, basis="решение Совета"
    )
    removed = factories.enrolled_student(area["classes"]["1b"])
    RegistryPlacement.objects.create(
        student=removed,
        school=one,
        case=Case.objects.create(student=removed, school=one, reason="пропуски"),
        placed_on=datetime.date(2026, 9, 10),
        removed_on=datetime.date(2026, 10, 10),
        basis="решение Совета",
    )

    overview = municipality_overview(area["municipality"], TODAY, NOW)
    first = next(row for row in overview.schools if row.school == one)
    assert dict(first.alerts) == {Rule.STREAK_INVITE: 2, Rule.LONG_ABSENCE: 1}
    assert (first.alerts_total, first.registry) == (3, 1)
    assert [rule[0] for rule in overview.rules] == [Rule.STREAK_INVITE, Rule.LONG_ABSENCE]
    assert overview.alert_rows[0]["counts"][0][0] == 2

    region = region_overview(area["region"], TODAY, NOW)
    assert [rule[0] for rule in region.rules] == [
        Rule.STREAK_INVITE,
        Rule.CRITERION_22,
        Rule.LONG_ABSENCE,
    ]


def test_region_figures_are_the_sum_of_its_schools(area):
    one, two, three = area["schools"]
    for school_class in area["classes"].values():
        student = factories.enrolled_student(school_class)
        for lesson in lessons(school_class, TODAY, 3)[:2]:
            absent(lesson, student)
    report(
        Kind.WEEKLY_SCHOOL_REPORT,
        school=two,
        status=Status.APPROVED,
        approved=1,
        period_start=PAST_WEEK[0],
        period_end=PAST_WEEK[1],
    )
    region = region_overview(area["region"], TODAY, NOW)
    assert [row.municipality for row in region.municipalities] == [
        area["municipality"],
        area["neighbour"],
    ]
    kets = region.municipalities[0]
    schools = school_figures([one, two], Periods.of(TODAY), NOW)
    assert kets.schools == 2 and kets.students == sum(s.students for s in schools) == 3
    assert kets.attendance.today.missed == 6
    assert kets.attendance.today.scheduled == sum(s.attendance.today.scheduled for s in schools)
    assert (kets.weekly.expected, kets.weekly.approved, kets.weekly.overdue) == (2, 1, 1)
    assert (kets.monthly.expected, kets.monthly.overdue) == (2, 2)
    assert region.totals.schools == 3
    assert region.totals.attendance.today.missed == 6


# ---- Query count -----------------------------------------------------------------------------


def _schools_with_figures(municipality, count):
    for n in range(count):
        school = school_in(municipality, f"Школа {n:02}")
        school_class = add_class(school)
        student = factories.enrolled_student(school_class)
        absent(lessons(school_class, TODAY, 1)[0], student)
        factories.AlertFactory(school=school, student=student, rule=Rule.UNKNOWN_REASON)
        monthly_report(
            school,
            [("approved", school_data(school, {"not_attending": [], "missing_30": []}))],
        )


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_schools():
    def queries(count) -> int:
        region = factories.RegionFactory()
        municipality = factories.MunicipalityFactory(region=region)
        _schools_with_figures(municipality, count)
        with CaptureQueriesContext(connection) as municipal:
            overview = municipality_overview(municipality, TODAY, NOW)
        assert len(overview.schools) == count
        assert overview.totals.attendance.today.missed == count
        with CaptureQueriesContext(connection) as regional:
            region_overview(region, TODAY, NOW)
        return len(municipal), len(regional)

    few, many = queries(3), queries(30)
    assert few == many
    assert few[0] <= 10 and few[1] <= 11


# ---- Pages -----------------------------------------------------------------------------------


@pytest.fixture
def world(db, settings, tmp_path):
    """The two schools of the permission tests (tests/accounts/world.py)."""
    settings.STORAGES = {  # the world stores excuse scans: in this test's directory
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    return build_world()


def _hrefs(content: str) -> list[str]:
    """The links of the page's main part (the menu's own inbox and tasks aside)."""
    main = content[content.index("<main") : content.index("</main>")]
    return re.findall(r'href="([^"]+)"', main)


FORBIDDEN_LINKS = ("/schools/", "/journal/", "/casework/", "/alerts/")


@pytest.mark.parametrize("role", [Role.MUNICIPAL, Role.REGIONAL])
def test_overviews_link_to_approved_reports_and_name_no_pupil(client, world, role):
    user = world.users[role]
    client.force_login(user)
    pages = [reverse("reporting:municipality", kwargs={"pk": world.a.school.municipality_id})]
    if role == Role.REGIONAL:
        pages.append(reverse("reporting:region", kwargs={"pk": world.a.region.pk}))
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200
        content = response.content.decode()
        for student in (world.a.student, world.a.other_student):
            assert student.last_name not in content
        assert not [h for h in _hrefs(content) if h.startswith(FORBIDDEN_LINKS)], url
        assert world.b.school.short_name not in content
    content = client.get(pages[-1]).content.decode()
    target = (
        reverse("reporting:municipality", kwargs={"pk": world.a.school.municipality_id})
        if role == Role.REGIONAL
        else reverse("reporting:school_reports", kwargs={"pk": world.a.school.pk})
    )
    assert target in content


def test_school_reports_page_lists_the_approved_school_reports_only(client, world):
    school = world.a.school
    approved = monthly_report(
        school,
        [
            (
                "approved",
                school_data(
                    school, {"not_attending": [school_row(school, 1, tag="a")], "missing_30": []}
                ),
            ),
            ("draft", None),
        ],
        month=datetime.date(2026, 3, 1),
    )
    never = monthly_report(
        school,
        [("submitted", school_data(school, {"not_attending": [], "missing_30": []}))],
        month=datetime.date(2026, 4, 1),
    )
    client.force_login(world.users[Role.MUNICIPAL])
    response = client.get(reverse("reporting:school_reports", kwargs={"pk": school.pk}))
    content = response.content.decode()
    assert reverse("reporting:detail", kwargs={"pk": approved.pk}) in content
    assert reverse("reporting:detail", kwargs={"pk": never.pk}) not in content
    class_report = world.a.rp["approved_class_report"]  # approved, but a class's
    assert reverse("reporting:detail", kwargs={"pk": class_report.pk}) not in content
    assert not [h for h in _hrefs(content) if h.startswith(FORBIDDEN_LINKS)]
    detail = client.get(reverse("reporting:detail", kwargs={"pk": approved.pk}))
    assert detail.status_code == 200 and "Ученик a-1" in detail.content.decode()


def test_start_pages_link_to_the_overviews(client, world):
    client.force_login(world.users[Role.DEPUTY])
    content = client.get(reverse("home:start", kwargs={"role": Role.DEPUTY})).content.decode()
    assert 'data-testid="nav-territory"' not in content
    client.force_login(world.users[Role.MUNICIPAL])
    content = client.get(reverse("home:start", kwargs={"role": Role.MUNICIPAL})).content.decode()
    assert 'data-testid="nav-territory"' in content
    assert (
        reverse("reporting:municipality", kwargs={"pk": world.a.school.municipality_id}) in content
    )
    assert reverse("reporting:school_reports", kwargs={"pk": world.a.school.pk}) in content
    client.force_login(world.users[Role.REGIONAL])
    content = client.get(reverse("home:start", kwargs={"role": Role.REGIONAL})).content.decode()
    assert reverse("reporting:region", kwargs={"pk": world.a.region.pk}) in content


def test_an_official_of_two_municipalities_chooses_among_them(client, world):
    user = world.users[Role.MUNICIPAL]
    second = factories.MunicipalityFactory(region=world.a.region)
    RoleAssignment.objects.create(user=user, role=Role.MUNICIPAL, municipality=second)
    client.force_login(user)
    response = client.get(reverse("reporting:territory"))
    assert response.status_code == 200
    content = response.content.decode()
    for pk in (world.a.school.municipality_id, second.pk):
        assert reverse("reporting:municipality", kwargs={"pk": pk}) in content
    # Each municipality's page offers its own consolidation, and the button opens that one.
    opened = []
    for municipality in (world.a.school.municipality, second):
        page = client.get(reverse("reporting:municipality", kwargs={"pk": municipality.pk}))
        content = page.content.decode()
        assert 'data-testid="consolidation-open"' in content
        assert f'name="municipality" value="{municipality.pk}"' in content
        day = re.search(r'name="day" value="([0-9-]+)"', content).group(1)
        post = {"kind": Kind.MUNICIPAL_MONTHLY, "day": day, "municipality": municipality.pk}
        response = client.post(reverse("reporting:open"), post)
        report = Report.objects.get(kind=Kind.MUNICIPAL_MONTHLY, municipality=municipality)
        assert response.url == reverse("reporting:detail", kwargs={"pk": report.pk})
        opened.append(report.pk)
    assert len(set(opened)) == 2
    # A municipality the user does not serve is refused, in Russian, and opens nothing.
    elsewhere = factories.MunicipalityFactory(region=world.a.region)
    post = {"kind": Kind.MUNICIPAL_MONTHLY, "day": day, "municipality": elsewhere.pk}
    response = client.post(reverse("reporting:open"), post, follow=True)
    assert "Выберите" in response.content.decode()
    assert not Report.objects.filter(municipality=elsewhere).exists()
