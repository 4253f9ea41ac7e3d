"""The dashboards of the class teacher and of the school (R-C-9), and early warning."""

import datetime
import random
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.models import RoleAssignment, User
from accounts.roles import Role
from alerts.config import ThresholdConfig
from alerts.models import Alert, Rule, Task
from casework.models import Case, RegistryPlacement
from home.dashboards import (
    Attendance,
    ClassCalendar,
    ClassDayFact,
    Limits,
    StudentDayFact,
    early_warnings,
    month_attendance,
)
from journal.models import Lesson, Mark, ReasonStatus
from schools.models import AcademicYear, Enrollment, SchoolClass, Student, Subject
from tests import factories

D = datetime.date
LIMITS = Limits(
    streaks=((3, "вызов родителей на беседу"), (4, "докладная записка"), (6, "посещение семьи")),
    systematic=15,
    long=30,
    month_percent=Decimal(30),
    month_comparison=">=",
    day_share=Fraction(1, 2),
)


def attendance(missed=0, scheduled=100, streak=0) -> Attendance:
    return Attendance(missed=missed, scheduled=scheduled, streak=streak)


# ---- Early warning: the pure functions ---------------------------------------------------


def test_two_days_in_a_row_warn_of_the_third():
    [warning] = early_warnings(attendance(missed=8, scheduled=60, streak=2), LIMITS)
    assert warning.startswith("ещё 1 день без уважительной причины — 3 дня подряд")
    assert "вызов родителей" in warning


def test_three_days_warn_of_the_memo_and_four_of_nothing_until_five():
    [warning] = early_warnings(attendance(streak=3), LIMITS)
    assert "4 дня подряд" in warning and "докладная" in warning
    assert early_warnings(attendance(streak=4), LIMITS) == []
    [warning] = early_warnings(attendance(streak=5), LIMITS)
    assert "6 дней подряд" in warning and "посещение семьи" in warning


def test_ten_days_absent_from_every_lesson_for_no_known_reason_warn_of_criterion_22():
    [streak, criterion] = early_warnings(
        Attendance(missed=60, scheduled=500, streak=5, unknown_streak=10), LIMITS
    )
    assert "6 дней подряд" in streak
    assert criterion.startswith(
        "ещё 1 день отсутствия на всех уроках без установленной причины — 11 дней подряд"
    )
    assert "критерий №22" in criterion


def test_one_day_missed_is_not_yet_a_warning():
    assert early_warnings(attendance(missed=6, streak=1), LIMITS) == []


def test_hours_at_80_percent_of_the_systematic_band_warn():
    [warning] = early_warnings(attendance(missed=12, scheduled=100), LIMITS)
    assert warning.startswith("80 % порога часов за месяц")
    assert "12 из 15 ч" in warning
    assert early_warnings(attendance(missed=11, scheduled=100), LIMITS) == []


def test_past_the_systematic_band_the_long_band_is_next():
    assert early_warnings(attendance(missed=15, scheduled=200), LIMITS) == []
    [warning] = early_warnings(attendance(missed=24, scheduled=200), LIMITS)
    assert "длительные" in warning and "24 из 30 ч" in warning


def test_share_of_instructional_time_close_to_and_at_the_threshold():
    [warning] = early_warnings(attendance(missed=6, scheduled=25), LIMITS)  # 24 %
    assert "близко к порогу 30 %" in warning
    [warning] = early_warnings(attendance(missed=9, scheduled=30), LIMITS)  # 30 %
    assert warning == "пропущено 30 % учебного времени месяца — порог 30 %"
    assert early_warnings(attendance(missed=5, scheduled=25), LIMITS) == []  # 20 %


def _class_days(start: datetime.date, count: int, first_no: int = 10) -> list[ClassDayFact]:
    """School days Monday to Friday from ``start``, numbered on."""
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(ClassDayFact(day, first_no + len(days), 5))
        day += datetime.timedelta(days=1)
    return days


def _missed(class_day: ClassDayFact, class_id=1, without_valid=5, lessons=5) -> StudentDayFact:
    return StudentDayFact(class_day.date, class_day.day_no, class_id, lessons, without_valid)


def test_streak_runs_over_the_weekend_and_today_does_not_break_it():
    days = _class_days(D(2026, 11, 26), 5)  # Thu, Fri, Mon, Tue, Wed
    thu, fri, mon, tue, wed = days
    result = month_attendance(
        days=[_missed(fri), _missed(mon), _missed(tue)],
        calendar=ClassCalendar(days, wed.date),
        school_class_id=1,
        month_start=D(2026, 11, 1),
        since=D(2026, 9, 1),
        day_share=Fraction(1, 2),
    )
    assert result.streak == 3  # today (Wednesday) not over yet
    assert result.missed == 15
    assert result.scheduled == 25


def test_an_attended_day_or_half_a_day_breaks_the_streak():
    days = _class_days(D(2026, 11, 23), 5)
    mon, tue, wed, thu, fri = days
    rows = [_missed(mon), _missed(wed, without_valid=2), _missed(thu), _missed(fri)]
    result = month_attendance(
        days=rows,
        calendar=ClassCalendar(days, fri.date),
        school_class_id=1,
        month_start=D(2026, 11, 1),
        since=D(2026, 9, 1),
        day_share=Fraction(1, 2),
    )
    assert result.streak == 2  # Wednesday: 2 of 5 lessons is not the day
    assert result.missed == 17


def test_month_to_date_counts_from_the_first_and_from_the_enrollment():
    days = _class_days(D(2026, 11, 26), 6)  # 26, 27, 30 Nov; 1, 2, 3 Dec
    group_day = StudentDayFact(days[4].date, days[4].day_no, 1, 7, 1)  # two group lessons
    result = month_attendance(
        days=[_missed(days[1]), group_day],
        calendar=ClassCalendar(days, days[5].date),
        school_class_id=1,
        month_start=D(2026, 12, 1),
        since=D(2026, 12, 2),
        day_share=Fraction(1, 2),
    )
    assert result.missed == 1  # November's day is last month's
    assert result.scheduled == 5 + 5 + 2  # 2 and 3 December, and the group lessons


# ---- Early warning against a plain version (hypothesis) ---------------------------------


def naive_attendance(days, class_days, class_id, month_start, since, today, share):
    """Straight from the definitions: every date of the month, every run of class days."""
    scheduled = missed = 0
    date = month_start
    while date <= today:
        whole = sum(d.whole for d in class_days if d.date == date and date >= since)
        scheduled += whole
        for row in days:
            if row.date == date and row.without_valid > 0:
                missed += row.without_valid
                scheduled += max(0, row.lessons - whole)
        date += datetime.timedelta(days=1)

    def all_unknown_day(class_day):
        return any(
            row.school_class_id == class_id and row.date == class_day.date and row.all_unknown
            for row in days
        )

    def missed_day(class_day):
        return any(
            row.school_class_id == class_id
            and row.date == class_day.date
            and row.lessons > 0
            and Fraction(row.without_valid, row.lessons) > share
            for row in days
        )

    past = [d for d in class_days if d.date <= today]

    def current_run(flag):
        runs, run = [], 0
        for class_day in past:
            run = run + 1 if flag(class_day) else 0
            runs.append(run)
        if not past:
            return 0
        if past[-1].date == today and not flag(past[-1]):
            return runs[-2] if len(runs) > 1 else 0
        return runs[-1]

    return Attendance(missed, scheduled, current_run(missed_day), current_run(all_unknown_day))


def naive_warning_kinds(result: Attendance, limits: Limits) -> set[str]:
    kinds = set()
    if result.unknown_streak and result.unknown_streak + 1 == limits.all_lessons_days:
        kinds.add(f"criterion {limits.all_lessons_days}")
    for days, _what in limits.streaks:
        if result.streak < days:
            if result.streak > 0 and days == result.streak + 1:
                kinds.add(f"streak {days}")
            break
    for band in (limits.systematic, limits.long):
        if result.missed < band:
            if Fraction(result.missed, band) >= Fraction(4, 5):
                kinds.add(f"hours {band}")
            break
    if result.scheduled:
        share = Fraction(100 * result.missed, result.scheduled)
        if share >= Fraction(limits.month_percent):
            kinds.add("share reached")
        elif share >= Fraction(4, 5) * Fraction(limits.month_percent):
            kinds.add("share close")
    return kinds


def warning_kinds(warnings: list[str], limits: Limits) -> set[str]:
    kinds = set()
    for text in warnings:
        if "критерий №22" in text:
            kinds.add(f"criterion {int(text.split('— ')[1].split()[0])}")
        elif "подряд" in text:
            kinds.add(f"streak {int(text.split('— ')[1].split()[0])}")
        elif "порога часов" in text:
            kinds.add(f"hours {int(text.split(' из ')[1].split()[0])}")
        elif "близко к порогу" in text:
            kinds.add("share close")
        else:
            kinds.add("share reached")
    return kinds


@st.composite
def student_months(draw):
    start = D(2026, 10, 20) + datetime.timedelta(days=draw(st.integers(0, 20)))
    count = draw(st.integers(0, 30))
    first_no = draw(st.integers(1, 50))
    class_days, day = [], start
    while len(class_days) < count:  # Saturdays sometimes, Sundays never
        if day.weekday() < 5 or (day.weekday() == 5 and draw(st.booleans())):
            whole = draw(st.integers(0, 7))
            class_days.append(ClassDayFact(day, first_no + len(class_days), whole))
        day += datetime.timedelta(days=1)
    rows = []
    for class_day in class_days:
        if draw(st.integers(0, 2)):
            lessons = class_day.whole + draw(st.integers(0, 2))
            all_unknown = lessons > 0 and draw(st.integers(0, 3)) > 0
            without_valid = lessons if all_unknown else draw(st.integers(0, max(lessons, 1)))
            rows.append(
                StudentDayFact(
                    class_day.date, class_day.day_no, 1, lessons, without_valid, all_unknown
                )
            )
    # Days of another class (before a transfer): hours count, streaks do not.
    for n in range(draw(st.integers(0, 3))):
        rows.append(StudentDayFact(start + datetime.timedelta(days=n), n, 2, 6, 6))
    today = start + datetime.timedelta(days=draw(st.integers(0, 45)))
    month_start = today.replace(day=1)
    since = start + datetime.timedelta(days=draw(st.integers(-5, 40)))
    streaks = sorted(draw(st.lists(st.integers(1, 8), min_size=3, max_size=3)))
    limits = Limits(
        streaks=tuple((days, "шаг") for days in streaks),
        systematic=draw(st.integers(1, 20)),
        long=draw(st.integers(21, 40)),
        month_percent=Decimal(draw(st.integers(5, 60))),
        month_comparison=">=",
        day_share=draw(st.sampled_from([Fraction(1, 2), Fraction(1, 3), Fraction(2, 3)])),
        all_lessons_days=draw(st.integers(2, 12)),
    )
    return rows, class_days, month_start, since, today, limits


@settings(max_examples=300, deadline=None)
@given(student_months())
def test_month_attendance_and_warnings_match_the_plain_version(case):
    rows, class_days, month_start, since, today, limits = case
    result = month_attendance(
        days=rows,
        calendar=ClassCalendar(class_days, today),
        school_class_id=1,
        month_start=month_start,
        since=since,
        day_share=limits.day_share,
    )
    expected = naive_attendance(rows, class_days, 1, month_start, since, today, limits.day_share)
    assert result == expected
    assert warning_kinds(early_warnings(result, limits), limits) == naive_warning_kinds(
        result, limits
    )


# ---- The pages: data built with bulk_create, facts kept by the triggers ------------------


def _school_days(today: datetime.date, count: int) -> list[datetime.date]:
    """``count`` weekdays before today, and today (whatever day it is)."""
    days, day = [], today - datetime.timedelta(days=1)
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= datetime.timedelta(days=1)
    return sorted(days) + [today]


class Builder:
    """A school of the current year with classes, students, lessons and absences."""

    LESSONS_A_DAY = 4

    def __init__(self, today=None):
        self.today = today or timezone.localdate()
        self.school = factories.SchoolFactory()
        self.year = AcademicYear.objects.create(
            school=self.school,
            name="текущий",
            start_date=self.today - datetime.timedelta(days=120),
            end_date=self.today + datetime.timedelta(days=120),
        )
        self.subject = Subject.objects.create(school=self.school, name="Математика")
        self.teacher = factories.staff_user(Role.SUBJECT_TEACHER, self.school)
        self.days = _school_days(self.today, 12)
        self.rng = random.Random(12)

    def school_class(self, students: int, *, grade=5, class_teacher=None) -> SchoolClass:
        number = SchoolClass.objects.filter(school=self.school).count()
        school_class = SchoolClass.objects.create(
            school=self.school,
            academic_year=self.year,
            grade=grade,
            letter=f"К{number}",
            class_teacher=class_teacher,
        )
        pupils = Student.objects.bulk_create(
            Student(
                last_name=f"Ученик{self.school.pk}-{number}-{n:03}",
                first_name="Иван",
                birth_date=D(2014, 1, 1),
            )
            for n in range(students)
        )
        Enrollment.objects.bulk_create(
            Enrollment(
                student=s,
                school_class=school_class,
                school=self.school,
                start_date=self.year.start_date,
            )
            for s in pupils
        )
        Lesson.objects.bulk_create(
            Lesson(
                school=self.school,
                school_class=school_class,
                date=day,
                period=period,
                subject=self.subject,
                teacher=self.teacher,
                duration_minutes=40,
            )
            for day in self.days
            for period in range(1, self.LESSONS_A_DAY + 1)
        )
        school_class.pupils = pupils
        return school_class

    def absent(self, school_class, student, days, periods=None, reason=ReasonStatus.UNKNOWN):
        lessons = Lesson.objects.filter(school_class=school_class, date__in=days)
        if periods is not None:
            lessons = lessons.filter(period__in=periods)
        Mark.objects.bulk_create(
            Mark(
                lesson=lesson,
                student=student,
                school=self.school,
                date=lesson.date,
                kind=Mark.Kind.ABSENT,
                reason_status=reason,
                manual_reason_status=reason,
            )
            for lesson in lessons
        )

    def random_absences(self, school_class, share=0.08):
        marks = []
        lessons = list(Lesson.objects.filter(school_class=school_class))
        for lesson in lessons:
            for student in school_class.pupils:
                if self.rng.random() < share:
                    marks.append(
                        Mark(
                            lesson=lesson,
                            student=student,
                            school=self.school,
                            date=lesson.date,
                            kind=Mark.Kind.ABSENT,
                            reason_status=self.rng.choice(list(ReasonStatus.values)),
                        )
                    )
        Mark.objects.bulk_create(marks)

    def staff(self, role) -> User:
        return factories.staff_user(role, self.school)


def start_page(client, user, role, **params):
    return client.get(reverse("home:start", kwargs={"role": role}), params)


def independent_month_counts(school, today) -> dict[int, int]:
    """Lessons missed without a valid reason this month, per student, from the marks."""
    counts = {}
    marks = Mark.objects.filter(
        school=school,
        kind=Mark.Kind.ABSENT,
        date__gte=today.replace(day=1),
        date__lte=today,
        reason_status__in=[ReasonStatus.INVALID, ReasonStatus.UNKNOWN],
    )
    for student_id in marks.values_list("student_id", flat=True):
        counts[student_id] = counts.get(student_id, 0) + 1
    return counts


@pytest.mark.django_db
def test_class_dashboard_numbers_equal_an_independent_count(client):
    build = Builder()
    teacher = build.staff(Role.CLASS_TEACHER)
    school_class = build.school_class(12, class_teacher=teacher)
    build.random_absences(school_class, share=0.2)
    client.force_login(teacher)
    response = start_page(client, teacher, Role.CLASS_TEACHER)
    [item] = response.context["classes"]
    expected = independent_month_counts(build.school, build.today)
    month_days = [d for d in build.days if d >= build.today.replace(day=1)]
    for row in item["dashboard"].rows:
        assert row.attendance.missed == expected.get(row.student.pk, 0)
        assert row.attendance.scheduled == Builder.LESSONS_A_DAY * len(month_days)
    assert len(item["dashboard"].rows) == 12


@pytest.mark.django_db
def test_class_teacher_sees_unknown_reasons_alerts_tasks_registry_and_early_warning(client):
    build = Builder()
    teacher = build.staff(Role.CLASS_TEACHER)
    school_class = build.school_class(5, class_teacher=teacher)
    streaker, today_absent, registered, *_ = school_class.pupils
    # Two whole school days before today missed, reason unknown; today in class.
    build.absent(school_class, streaker, build.days[-3:-1])
    build.absent(school_class, today_absent, [build.today], periods=[1])
    case = Case.objects.create(student=registered, school=build.school, reason="вручную")
    RegistryPlacement.objects.create(
        student=registered,
        school=build.school,
        case=case,
        placed_on=build.today,
        basis="заключение",
    )
    yesterday = build.today - datetime.timedelta(days=1)
    old_unknown = Alert.objects.create(
        school=build.school,
        student=streaker,
        rule=Rule.UNKNOWN_REASON,
        episode="old",
        period_start=yesterday,
        period_end=yesterday,
    )
    streak_alert = Alert.objects.create(
        school=build.school,
        student=registered,
        rule=Rule.SYSTEMATIC_ABSENCE,
        episode="month",
        period_start=build.today.replace(day=1),
        period_end=build.today,
    )
    overdue = Task.objects.create(
        school=build.school,
        student=registered,
        kind=Task.Kind.HOME_VISIT,
        assignee_role=Role.CLASS_TEACHER,
        assignee=teacher,
        due_date=yesterday,
    )
    client.force_login(teacher)
    response = start_page(client, teacher, Role.CLASS_TEACHER)
    dashboard = response.context["classes"][0]["dashboard"]
    html = response.content.decode()

    assert dashboard.unknown_today == 1
    assert reverse("journal:class_day", args=[school_class.pk]) in html
    assert dashboard.alerts == [streak_alert] and old_unknown not in dashboard.alerts
    assert dashboard.overdue_tasks == [overdue]
    assert [row.student.pk for row in dashboard.registry_rows] == [registered.pk]
    [warned] = dashboard.warning_rows
    assert warned.student.pk == streaker.pk and warned.attendance.streak == 2
    assert warned.attendance.unknown_streak == 2  # every lesson, reason unknown
    assert "ещё 1 день без уважительной причины — 3 дня подряд" in html
    # One click into the case: the active case itself, else the page that opens one.
    assert reverse("casework:case_detail", kwargs={"case_id": case.pk}) in html
    assert reverse("casework:student_case", kwargs={"student_id": streaker.pk}) in html
    assert reverse("journal:class_grid", args=[school_class.pk]) in html


def _queries(client, url, params=None) -> int:
    client.get(url, params)  # warm the session
    with CaptureQueriesContext(connection) as context:
        assert client.get(url, params).status_code == 200
    return len(context.captured_queries)


@pytest.mark.django_db
def test_class_dashboard_runs_the_same_queries_for_30_and_60_students(client):
    build = Builder()
    counts = []
    for size in (30, 60):
        teacher = build.staff(Role.CLASS_TEACHER)
        school_class = build.school_class(size, class_teacher=teacher)
        build.random_absences(school_class)
        Alert.objects.bulk_create(
            Alert(
                school=build.school,
                student=s,
                rule=Rule.SYSTEMATIC_ABSENCE,
                episode="m",
                period_start=build.today,
                period_end=build.today,
            )
            for s in school_class.pupils[:10]
        )
        client.force_login(teacher)
        counts.append(_queries(client, reverse("home:start", args=[Role.CLASS_TEACHER])))
    assert counts[0] == counts[1] <= 11


@pytest.mark.django_db
def test_school_dashboard_queries_do_not_grow_with_students_or_classes(client):
    small, large = Builder(), Builder()
    small.random_absences(small.school_class(5))
    for _ in range(12):
        large.random_absences(large.school_class(30))
    counts = []
    for build in (small, large):
        deputy = build.staff(Role.DEPUTY)
        client.force_login(deputy)
        counts.append(_queries(client, reverse("home:start", args=[Role.DEPUTY])))
    # Session, user, roles, schools, classes, settings, enrollments, student days, class
    # days, today's unmarked lessons with their bells, schools and settings, the navbar.
    assert counts[0] == counts[1] <= 14
    response = client.get(reverse("home:start", args=[Role.DEPUTY]))
    assert response.context["dashboard"].student_count == 360
    assert response.content.decode().count('class="dash-row ') == 50  # one page


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.SOCIAL_PEDAGOGUE, Role.DEPUTY, Role.DIRECTOR])
def test_school_dashboard_numbers_and_todays_figures(client, role):
    build = Builder()
    first, second = build.school_class(6), build.school_class(6, grade=9)
    build.random_absences(first, share=0.2)
    build.random_absences(second, share=0.2)
    build.absent(second, second.pupils[0], [build.today], periods=[1, 2])
    user = build.staff(role)
    client.force_login(user)
    dashboard = start_page(client, user, role).context["dashboard"]
    expected = independent_month_counts(build.school, build.today)
    rows = dashboard.page.object_list
    assert len(rows) == 12
    assert {row.student.pk: row.attendance.missed for row in rows} == {
        s.pk: expected.get(s.pk, 0) for s in first.pupils + second.pupils
    }
    today_marks = Mark.objects.filter(school=build.school, date=build.today)
    assert dashboard.absent_today == today_marks.values("student").distinct().count()
    assert (
        dashboard.unknown_today
        == today_marks.filter(reason_status=ReasonStatus.UNKNOWN)
        .values("student")
        .distinct()
        .count()
    )
    config = ThresholdConfig.for_school(build.school)
    row = next(r for r in rows if r.school_class == second)
    assert (row.limits.systematic, row.limits.long) == config.hour_bands(9)
    # Most serious first.
    levels = [r.severity for r in rows]
    assert levels == sorted(levels)
    assert len(dashboard.trend) == 4
    assert sum(week.missed for week in dashboard.trend) == sum(
        1
        for m in Mark.objects.filter(
            school=build.school,
            date__gte=dashboard.trend[0].monday,
            reason_status__in=[ReasonStatus.INVALID, ReasonStatus.UNKNOWN],
        )
    )


@pytest.mark.django_db
def test_school_dashboard_filters_by_class_and_case_status(client):
    build = Builder()
    first, second = build.school_class(4), build.school_class(3)
    opened, watched, closed, registered = first.pupils
    Case.objects.create(student=opened, school=build.school, reason="r")
    Case.objects.create(
        student=watched, school=build.school, reason="r", status=Case.Status.MONITORING
    )
    Case.objects.create(student=closed, school=build.school, reason="r", status=Case.Status.CLOSED)
    case = Case.objects.create(student=registered, school=build.school, reason="r")
    RegistryPlacement.objects.create(
        student=registered, school=build.school, case=case, placed_on=build.today, basis="b"
    )
    deputy = build.staff(Role.DEPUTY)
    client.force_login(deputy)

    def shown(**params):
        response = start_page(client, deputy, Role.DEPUTY, **params)
        assert response.status_code == 200
        return {row.student.pk for row in response.context["dashboard"].page.object_list}

    def pks(*students):
        return {student.pk for student in students}

    assert shown(school_class=second.pk) == pks(*second.pupils)
    assert shown(status="none") == pks(*second.pupils)
    assert shown(status="open") == pks(opened, registered)
    assert shown(status="monitoring") == pks(watched)
    assert shown(status="closed") == pks(closed)
    assert shown(status="registry") == pks(registered)
    assert shown(school_class=first.pk, status="registry") == pks(registered)
    assert shown(attention="on") == set()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"school_class": "abc"},
        {"school_class": "99999999999999999999"},
        {"status": "nonsense"},
        {"page": "-3"},
        {"page": "zzz"},
        {"school": "x'; drop"},
    ],
)
def test_bad_filter_values_are_ignored_never_a_500(client, params):
    build = Builder()
    build.school_class(3)
    deputy = build.staff(Role.DEPUTY)
    client.force_login(deputy)
    response = start_page(client, deputy, Role.DEPUTY, **params)
    assert response.status_code == 200
    assert len(response.context["dashboard"].page.object_list) == 3


@pytest.mark.django_db
def test_a_class_of_another_school_is_not_a_filter_value(client):
    build, other = Builder(), Builder()
    build.school_class(2)
    foreign = other.school_class(2)
    deputy = build.staff(Role.DEPUTY)
    client.force_login(deputy)
    response = start_page(client, deputy, Role.DEPUTY, school_class=foreign.pk)
    dashboard = response.context["dashboard"]
    assert dashboard.form.errors and len(dashboard.page.object_list) == 2
    assert foreign.pupils[0].last_name not in response.content.decode()


@pytest.mark.django_db
def test_user_with_the_role_in_two_schools_chooses_the_school(client):
    first, second = Builder(), Builder()
    first.school_class(2)
    second.school_class(3)
    deputy = first.staff(Role.DEPUTY)
    RoleAssignment.objects.create(user=deputy, role=Role.DEPUTY, school=second.school)
    client.force_login(deputy)
    default = start_page(client, deputy, Role.DEPUTY).context["dashboard"]
    chosen = start_page(client, deputy, Role.DEPUTY, school=second.school.pk).context["dashboard"]
    assert {default.school, chosen.school} == {first.school, second.school}
    assert chosen.school == second.school and chosen.student_count == 3
    assert f"school={second.school.pk}" in chosen.query  # the pages keep the school
    outsider = Builder()
    foreign = start_page(client, deputy, Role.DEPUTY, school=outsider.school.pk)
    assert foreign.context["dashboard"].school != outsider.school


def test_psychologist_sees_only_the_students_referred_to_them(client, world):
    client.force_login(world.users[Role.PSYCHOLOGIST])
    response = client.get(reverse("home:start", kwargs={"role": Role.PSYCHOLOGIST}))
    html = response.content.decode()
    assert [case.student for case in response.context["cases"]] == [world.a.student]
    assert world.a.other_student.full_name not in html
    assert world.b.student.full_name not in html
    assert "dash-row" not in html
