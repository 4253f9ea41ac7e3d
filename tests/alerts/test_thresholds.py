"""Each rule of spec §4 at its edges, on the real 2025/2026 Russian calendar."""

import datetime
import importlib
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from alerts import queue, services
from alerts.models import Alert, Notification, Rule, Task
from alerts.services import complete_task, evaluate
from journal.models import ExcuseDocument, Lesson, Mark, ReasonStatus
from journal.services import register_excuse
from policy.services import set_setting
from tests import factories

MSK = ZoneInfo("Europe/Moscow")
D = datetime.date


def at(day, hour=10):
    return datetime.datetime(day.year, day.month, day.day, hour, 0, tzinfo=MSK)


def run(world, day=None, hour=10):
    day = day or D(2025, 12, 20)
    return evaluate(school_ids=[world.school.pk], now=at(day, hour))


def fired(world, rule):
    return list(Alert.objects.filter(student=world.student, rule=rule, status=Alert.Status.OPEN))


def weekdays(start, count):
    """``count`` consecutive Mon–Fri dates from ``start`` (no holidays in the ranges used)."""
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def test_rules_and_task_kinds_name_no_number_a_setting_changes():
    """Regions change the day counts, shares and intervals: codes and labels say the meaning."""
    names = [*Rule.values, *Task.Kind.values, *map(str, Rule.labels), *map(str, Task.Kind.labels)]
    with_numbers = [n for n in names if re.search(r"\d", re.sub(r"(№|_)22\b", "", n))]
    assert with_numbers == []


# R-T-3 ------------------------------------------------------------------------------------


def test_three_school_days_fire_the_invitation(world):
    world.miss([D(2025, 10, 13), D(2025, 10, 14), D(2025, 10, 15)], ReasonStatus.INVALID)
    run(world)
    [alert] = fired(world, Rule.STREAK_INVITE)
    assert alert.evidence["dates"] == ["2025-10-13", "2025-10-14", "2025-10-15"]
    [task] = alert.tasks.all()
    assert task.kind == Task.Kind.INVITE_PARENTS
    assert task.assignee == world.class_teacher
    assert task.due_date == D(2025, 10, 16)  # one working day after the third day
    assert not fired(world, Rule.STREAK_MEMO)


def test_two_school_days_do_not_fire(world):
    world.miss([D(2025, 10, 13), D(2025, 10, 14)], ReasonStatus.INVALID)
    run(world)
    assert not fired(world, Rule.STREAK_INVITE)


def test_weekend_inside_a_streak_does_not_break_it(world):
    world.miss([D(2025, 10, 16), D(2025, 10, 17), D(2025, 10, 20)])  # Thu, Fri, Mon
    run(world)
    [alert] = fired(world, Rule.STREAK_INVITE)
    assert alert.period_start == D(2025, 10, 16) and alert.period_end == D(2025, 10, 20)


def test_a_valid_day_breaks_the_streak(world):
    world.miss([D(2025, 10, 13), D(2025, 10, 15), D(2025, 10, 16)])
    world.miss([D(2025, 10, 14)], ReasonStatus.VALID)
    run(world)
    assert not fired(world, Rule.STREAK_INVITE)


def test_an_attended_day_breaks_the_streak(world):
    world.miss([D(2025, 10, 13), D(2025, 10, 15), D(2025, 10, 16)])
    world.miss([D(2025, 10, 14)], lessons=3)  # half the lessons is not a missed day
    run(world)
    assert not fired(world, Rule.STREAK_INVITE)


def test_holidays_and_a_moved_working_saturday_neither_break_nor_extend(make_world):
    world = make_world(autumn_vacation=False)
    # 2025-11-01 (Sat) is a working day; 3 Nov is a day off and 4 Nov a public holiday.
    assert world.lessons_on(D(2025, 11, 1)) and not world.lessons_on(D(2025, 11, 3))
    assert not world.lessons_on(D(2025, 11, 4))
    world.miss([D(2025, 11, 1), D(2025, 11, 5)])
    run(world)
    assert not fired(world, Rule.STREAK_INVITE)  # two school days only
    world.miss([D(2025, 10, 31)])
    run(world)
    [alert] = fired(world, Rule.STREAK_INVITE)
    assert alert.evidence["dates"] == ["2025-10-31", "2025-11-01", "2025-11-05"]


def test_more_than_three_days_add_the_memo(world):
    days = weekdays(D(2025, 10, 13), 4)
    world.miss(days[:3])
    run(world)
    assert not fired(world, Rule.STREAK_MEMO)
    world.miss(days[3:])
    run(world)
    [memo] = fired(world, Rule.STREAK_MEMO)
    assert memo.tasks.get().kind == Task.Kind.MEMO_TO_DIRECTOR
    assert len(fired(world, Rule.STREAK_INVITE)) == 1  # the same episode, not a second alert


def test_streak_growing_updates_the_evidence_of_the_same_alert(world):
    days = weekdays(D(2025, 10, 13), 4)
    world.miss(days[:3])
    run(world)
    world.miss(days[3:])
    summary = run(world)
    [alert] = fired(world, Rule.STREAK_INVITE)
    assert alert.evidence["days"] == 4
    assert alert.period_end == days[3]
    assert summary.updated >= 1
    assert run(world).updated == 0  # the new digest was written with the evidence


def test_alerts_updated_together_each_get_their_own_values(world):
    days = weekdays(D(2025, 10, 13), 5)
    world.miss(days[:4])
    run(world)
    world.miss(days[4:])
    summary = run(world)
    assert summary.updated >= 2  # the streak's alerts (and others of these days)
    for rule in (Rule.STREAK_INVITE, Rule.STREAK_MEMO):
        [alert] = fired(world, rule)
        assert (alert.evidence["days"], alert.period_end) == (5, days[4])
    assert run(world).updated == 0


# R-T-5 ------------------------------------------------------------------------------------


def test_five_days_do_not_fire_the_home_visit(world):
    world.miss(weekdays(D(2025, 10, 13), 5))
    run(world)
    assert not fired(world, Rule.STREAK_HOME_VISIT)


def test_six_days_fire_home_visit_within_three_working_days(make_world):
    world = make_world(autumn_vacation=False)
    # Sixth school day is Wed 5 Nov 2025 (3 and 4 Nov are days off).
    days = [
        D(2025, 10, 28),
        D(2025, 10, 29),
        D(2025, 10, 30),
        D(2025, 10, 31),
        D(2025, 11, 1),
        D(2025, 11, 5),
    ]
    world.miss(days, ReasonStatus.INVALID)
    run(world)
    [alert] = fired(world, Rule.STREAK_HOME_VISIT)
    tasks = {t.kind: t for t in alert.tasks.all()}
    assert set(tasks) == {Task.Kind.INFORM_HOME_VISIT, Task.Kind.HOME_VISIT}
    assert tasks[Task.Kind.HOME_VISIT].due_date == D(2025, 11, 10)  # Thu, Fri, Mon
    assert Notification.objects.filter(user=world.social_pedagogue, alert=alert).exists()


# R-T-10 -----------------------------------------------------------------------------------


def test_eleven_days_absent_on_all_lessons_with_unknown_reason_fire_criterion_22(world):
    world.miss(weekdays(D(2025, 11, 10), 11))
    run(world)
    [alert] = fired(world, Rule.CRITERION_22)
    kinds = set(alert.tasks.values_list("kind", flat=True))
    assert kinds == {
        Task.Kind.INFORM_DEPUTY,
        Task.Kind.PARENT_MEETING,
        Task.Kind.FAMILY_CENTRE_STATUS,
        Task.Kind.PREVENTION_PLAN,
        Task.Kind.PLAN_CONTROL,
        Task.Kind.FAMILY_CONTACT,
    }
    meeting = alert.tasks.get(kind=Task.Kind.PARENT_MEETING)
    assert meeting.due_date == D(2025, 11, 26)  # two working days after the 11th day (Mon 24)
    assert alert.tasks.get(kind=Task.Kind.PREVENTION_PLAN).assignee == world.deputy
    notice = Notification.objects.get(user=world.deputy, alert=alert)
    assert world.student.short_name in notice.text


def test_criterion_22_email_goes_to_the_deputy_at_once(world, django_capture_on_commit_callbacks):
    world.miss(weekdays(D(2025, 11, 10), 11))
    with django_capture_on_commit_callbacks(execute=True):
        run(world)
    assert [m.to for m in mail.outbox] == [["deputy@example.org"]]
    assert mail.outbox[0].subject == f"Критерий №22: {world.student}"
    assert "11.11.2025" not in mail.outbox[0].body and "10.11.2025" in mail.outbox[0].body
    # The deadlines come from the school's settings through the tasks, not from the text.
    assert "Встреча с родителями" in mail.outbox[0].body and "26.11.2025" in mail.outbox[0].body


def test_ten_days_do_not_fire_criterion_22(world):
    world.miss(weekdays(D(2025, 11, 10), 10))
    run(world)
    assert not fired(world, Rule.CRITERION_22)


def test_criterion_22_needs_absence_from_all_lessons(world):
    days = weekdays(D(2025, 11, 10), 11)
    world.miss(days[:5] + days[6:])
    world.miss(days[5:6], lessons=5)  # present at one lesson of six on that day
    run(world)
    assert not fired(world, Rule.CRITERION_22)
    assert fired(world, Rule.STREAK_HOME_VISIT)  # the day is still missed without a valid reason


def test_criterion_22_needs_the_reason_unknown(world):
    days = weekdays(D(2025, 11, 10), 11)
    world.miss(days[:5] + days[6:])
    world.miss(days[5:6], ReasonStatus.INVALID)
    run(world)
    assert not fired(world, Rule.CRITERION_22)


# R-T-H ------------------------------------------------------------------------------------


def miss_hours(world, hours, month_start=None):
    month_start = month_start or D(2025, 11, 5)
    lessons = list(
        Lesson.objects.filter(
            school_class=world.school_class, date__gte=month_start, date__lt=D(2025, 12, 1)
        ).order_by("period", "date")  # spread over days: never a streak of whole days
    )
    assert len(lessons) >= hours
    Mark.objects.bulk_create(
        Mark(
            lesson=lesson,
            student=world.student,
            school=world.school,
            date=lesson.date,
            kind="absent",
            reason_status=ReasonStatus.INVALID,
            manual_reason_status=ReasonStatus.INVALID,
        )
        for lesson in lessons[:hours]
    )


@pytest.mark.parametrize(
    ("grade", "hours", "expected"),
    [
        (1, 23, set()),
        (1, 24, {Rule.SYSTEMATIC_ABSENCE}),
        (1, 39, {Rule.SYSTEMATIC_ABSENCE}),
        (1, 40, {Rule.LONG_ABSENCE}),
        (3, 29, set()),
        (3, 30, {Rule.SYSTEMATIC_ABSENCE}),
        (3, 49, {Rule.SYSTEMATIC_ABSENCE}),
        (3, 50, {Rule.LONG_ABSENCE}),
        (7, 37, set()),
        (7, 38, {Rule.SYSTEMATIC_ABSENCE}),
        (7, 59, {Rule.SYSTEMATIC_ABSENCE}),
        (11, 60, {Rule.LONG_ABSENCE}),
    ],
)
def test_monthly_hours_by_grade_band(make_world, grade, hours, expected):
    world = make_world(grade=grade, lessons_per_day=5, autumn_vacation=False)
    miss_hours(world, hours)
    run(world, D(2025, 11, 28))
    got = set(
        Alert.objects.filter(
            student=world.student, rule__in=[Rule.SYSTEMATIC_ABSENCE, Rule.LONG_ABSENCE]
        ).values_list("rule", flat=True)
    )
    assert got == expected


def test_long_absence_makes_a_council_candidate_and_starts_the_casework(make_world):
    """A month that reaches the long band at once is never systematic: the social
    pedagogue's casework comes with the long alert."""
    world = make_world(grade=7, autumn_vacation=False)
    miss_hours(world, 60)
    run(world, D(2025, 11, 28))
    [alert] = fired(world, Rule.LONG_ABSENCE)
    assert {(t.kind, t.assignee) for t in alert.tasks.all()} == {
        (Task.Kind.COUNCIL_CANDIDATE, world.deputy),
        (Task.Kind.CASEWORK, world.social_pedagogue),
    }
    assert not Alert.objects.filter(rule=Rule.SYSTEMATIC_ABSENCE).exists()


# The bands exclude each other: a month passes from one to the other.

NOV_28 = D(2025, 11, 28)


def add_hours(world, hours):
    """``hours`` more lessons missed without a valid reason in November (see miss_hours)."""
    missed = Mark.objects.filter(student=world.student).values_list("lesson_id", flat=True)
    lessons = (
        Lesson.objects.filter(
            school_class=world.school_class, date__gte=D(2025, 11, 5), date__lte=NOV_28
        )
        .exclude(pk__in=missed)
        .order_by("period", "date")
    )
    Mark.objects.bulk_create(
        Mark(
            lesson=lesson,
            student=world.student,
            school=world.school,
            date=lesson.date,
            kind="absent",
            reason_status=ReasonStatus.INVALID,
            manual_reason_status=ReasonStatus.INVALID,
        )
        for lesson in lessons[:hours]
    )


def excuse_hours(world, hours):
    marks = Mark.objects.filter(student=world.student).order_by("-date", "-lesson__period")
    Mark.objects.filter(pk__in=[m.pk for m in marks[:hours]]).update(
        reason_status=ReasonStatus.VALID, manual_reason_status=ReasonStatus.VALID
    )


def incremental(world):
    return evaluate(student_ids=[world.student.pk], now=at(NOV_28)).as_dict()


def nightly(world):
    return queue.run_full(school_ids=[world.school.pk], now=at(NOV_28, 20))


def band_alerts(world):
    return {
        a.rule: a
        for a in Alert.objects.filter(
            student=world.student, rule__in=[Rule.SYSTEMATIC_ABSENCE, Rule.LONG_ABSENCE]
        )
    }


@pytest.mark.parametrize("evaluation", [incremental, nightly], ids=["incremental", "nightly"])
def test_a_month_rising_into_the_long_band_is_long_only(make_world, evaluation):
    world = make_world(grade=7, autumn_vacation=False)
    add_hours(world, 40)
    evaluation(world)
    systematic = band_alerts(world)[Rule.SYSTEMATIC_ABSENCE]
    casework = systematic.tasks.get()
    assert (casework.kind, casework.assignee) == (Task.Kind.CASEWORK, world.social_pedagogue)

    add_hours(world, 20)  # 60 hours: the long band of grades 5–9
    evaluation(world)
    alerts = band_alerts(world)
    systematic = alerts[Rule.SYSTEMATIC_ABSENCE]
    assert systematic.status == Alert.Status.RESOLVED and systematic.resolved_at
    assert systematic.resolution == services.BAND_LEFT[Rule.LONG_ABSENCE]
    assert "длительных" in systematic.resolution
    long = alerts[Rule.LONG_ABSENCE]
    assert long.is_open and long.evidence == {"hours_without_valid": 60}
    # The casework goes on under the long alert, same task, same due date; no second one.
    moved = Task.objects.get(kind=Task.Kind.CASEWORK)
    assert (moved.pk, moved.alert, moved.status) == (casework.pk, long, Task.Status.OPEN)
    assert moved.due_date == casework.due_date
    assert {t.kind for t in long.tasks.all()} == {Task.Kind.CASEWORK, Task.Kind.COUNCIL_CANDIDATE}
    assert not systematic.tasks.exists()

    # Counted once, and evaluating again changes nothing.
    assert (
        Alert.objects.filter(student=world.student, status=Alert.Status.OPEN)
        .filter(rule__in=[Rule.SYSTEMATIC_ABSENCE, Rule.LONG_ABSENCE])
        .count()
        == 1
    )
    for again in (incremental, nightly):
        summary = again(world)
        assert (summary["fired"], summary["resolved"], summary["reopened"]) == (0, 0, 0)


def test_a_month_falling_back_and_rising_again_keeps_one_casework(make_world):
    world = make_world(grade=7, autumn_vacation=False)
    add_hours(world, 40)
    incremental(world)
    add_hours(world, 20)
    incremental(world)
    casework = Task.objects.get(kind=Task.Kind.CASEWORK)

    excuse_hours(world, 5)  # 55 hours: systematic again
    summary = incremental(world)
    assert (summary["reopened"], summary["resolved"]) == (1, 1)
    alerts = band_alerts(world)
    systematic, long = alerts[Rule.SYSTEMATIC_ABSENCE], alerts[Rule.LONG_ABSENCE]
    assert systematic.is_open and systematic.resolution == ""
    assert long.status == Alert.Status.RESOLVED
    assert long.resolution == services.BAND_LEFT[Rule.SYSTEMATIC_ABSENCE]
    casework.refresh_from_db()
    assert (casework.alert, casework.status) == (systematic, Task.Status.OPEN)
    council = long.tasks.get()
    assert council.kind == Task.Kind.COUNCIL_CANDIDATE
    assert (council.status, council.cancel_reason) == (Task.Status.CANCELLED, long.resolution)

    add_hours(world, 5)  # 60 again: the long alert reopens with its council task
    incremental(world)
    alerts = band_alerts(world)
    assert alerts[Rule.LONG_ABSENCE].is_open and not alerts[Rule.SYSTEMATIC_ABSENCE].is_open
    council.refresh_from_db()
    casework.refresh_from_db()
    assert council.status == Task.Status.OPEN and council.cancel_reason == ""
    assert (casework.alert, casework.status) == (alerts[Rule.LONG_ABSENCE], Task.Status.OPEN)
    assert Task.objects.filter(kind=Task.Kind.CASEWORK).count() == 1


def test_casework_done_under_the_systematic_alert_is_not_opened_again(make_world):
    world = make_world(grade=7, autumn_vacation=False)
    add_hours(world, 40)
    incremental(world)
    casework = Task.objects.get(kind=Task.Kind.CASEWORK)
    complete_task(task=casework, acting_user=world.social_pedagogue, note="Беседа с семьёй")

    add_hours(world, 20)
    incremental(world)
    alerts = band_alerts(world)
    assert [t.kind for t in alerts[Rule.LONG_ABSENCE].tasks.all()] == [Task.Kind.COUNCIL_CANDIDATE]
    casework.refresh_from_db()  # the work done stays in the systematic alert's history
    assert (casework.alert, casework.status) == (alerts[Rule.SYSTEMATIC_ABSENCE], Task.Status.DONE)


def test_systematic_hours_open_a_case_and_long_hours_add_the_deputy(make_world):
    from casework.models import Case

    world = make_world(grade=7, autumn_vacation=False)
    miss_hours(world, 40)
    run(world, D(2025, 11, 29))
    case = Case.objects.get(student=world.student)
    assert set(case.responsible.all()) == {world.class_teacher, world.social_pedagogue}
    Mark.objects.all().delete()
    miss_hours(world, 60)
    run(world, D(2025, 11, 29))
    case = Case.objects.get(student=world.student)  # the same case, not a second one
    assert set(case.responsible.all()) == {
        world.class_teacher,
        world.social_pedagogue,
        world.deputy,
    }


def test_a_region_can_change_one_band(make_world):
    world = make_world(grade=7, autumn_vacation=False)
    admin = factories.staff_user(Role.SCHOOL_ADMIN, world.school)
    set_setting(
        key="thresholds.hours_systematic_grades_5_9",
        value=30,
        acting_user=admin,
        school=world.school,
    )
    miss_hours(world, 30)
    run(world, D(2025, 11, 28))
    assert fired(world, Rule.SYSTEMATIC_ABSENCE)


# R-T-30 -----------------------------------------------------------------------------------


def miss_december(world, hours, reason=ReasonStatus.UNKNOWN):
    lessons = list(
        Lesson.objects.filter(school_class=world.school_class, date__month=12).order_by(
            "period", "date"
        )
    )
    # December 2025: 31 Dec is a day off (moved from 5 Jan): 22 school days of 5 lessons.
    assert len(lessons) == 110
    Mark.objects.bulk_create(
        Mark(
            lesson=lesson,
            student=world.student,
            school=world.school,
            date=lesson.date,
            kind="absent",
            reason_status=reason,
        )
        for lesson in lessons[:hours]
    )


@pytest.mark.parametrize(("hours", "fires"), [(33, True), (32, False)])
def test_thirty_percent_of_a_month_with_holidays(make_world, hours, fires):
    world = make_world(lessons_per_day=5)
    miss_december(world, hours)
    run(world, D(2026, 1, 12))
    assert bool(fired(world, Rule.INSTRUCTIONAL_TIME_MONTH)) is fires


def test_thirty_percent_is_judged_when_the_month_is_over(make_world):
    world = make_world(lessons_per_day=5, autumn_vacation=False)
    world.miss(weekdays(D(2025, 11, 5), 8), lessons=5)
    run(world, D(2025, 11, 28))
    assert not fired(world, Rule.INSTRUCTIONAL_TIME_MONTH)
    run(world, D(2025, 12, 1))
    assert fired(world, Rule.INSTRUCTIONAL_TIME_MONTH)


def test_strict_comparison_setting(make_world):
    world = make_world(lessons_per_day=5)
    admin = factories.staff_user(Role.SCHOOL_ADMIN, world.school)
    set_setting(
        key="thresholds.month_percent_comparison", value=">", acting_user=admin, school=world.school
    )
    miss_december(world, 33)  # exactly 30 %
    run(world, D(2026, 1, 12))
    assert not fired(world, Rule.INSTRUCTIONAL_TIME_MONTH)


# R-T-W ------------------------------------------------------------------------------------


def test_week_missed_needs_more_than_half_of_its_school_days(world):
    world.miss(weekdays(D(2025, 10, 13), 2))
    run(world)
    assert not fired(world, Rule.WEEK_MISSED)
    world.miss([D(2025, 10, 17)], ReasonStatus.INVALID)
    run(world)
    [alert] = fired(world, Rule.WEEK_MISSED)
    assert alert.episode == "2025-10-13"


def test_systematic_lateness_on_half_the_days_of_a_short_week(make_world):
    world = make_world(autumn_vacation=False)
    # Week of 3 Nov 2025 has three school days (Wed–Fri): late on two of them.
    world.miss([D(2025, 11, 5), D(2025, 11, 6)], kind="late", lessons=1)
    run(world)
    assert fired(world, Rule.SYSTEMATIC_LATENESS)


def test_lateness_on_two_of_five_days_is_not_systematic(world):
    world.miss([D(2025, 10, 13), D(2025, 10, 14)], kind="late", lessons=1)
    run(world)
    assert not fired(world, Rule.SYSTEMATIC_LATENESS)


def _share(world, key, value):
    admin = factories.staff_user(Role.SCHOOL_ADMIN, world.school)
    set_setting(key=key, value=value, acting_user=admin, school=world.school)


def test_the_schools_shares_define_a_day_and_a_week_missed(world):
    # Two of six lessons is not a day missed at the seed's half …
    world.miss(weekdays(D(2025, 10, 13), 2), lessons=2)
    run(world)
    assert not fired(world, Rule.STREAK_INVITE) and not fired(world, Rule.WEEK_MISSED)
    # … but is at a school's 0,3; two days of five then miss the week at its 0,35.
    _share(world, "units.school_day_missed_fraction", "0,3")
    _share(world, "units.week_missed_fraction", "0,35")
    run(world)
    assert fired(world, Rule.WEEK_MISSED)
    assert not fired(world, Rule.STREAK_INVITE)  # two days are no streak of three
    world.miss([D(2025, 10, 15)], lessons=2)
    run(world)
    [streak] = fired(world, Rule.STREAK_INVITE)
    assert streak.evidence["days"] == 3


def test_the_schools_share_defines_systematic_lateness(world):
    world.miss([D(2025, 10, 13), D(2025, 10, 14)], kind="late", lessons=1)
    _share(world, "units.systematic_lateness_fraction", "0,4")
    run(world)
    assert fired(world, Rule.SYSTEMATIC_LATENESS)


# R-T-V and R-T-0 --------------------------------------------------------------------------


def test_not_back_after_vacation_goes_on_the_deputys_list(world):
    world.miss([D(2025, 11, 5)])  # the first school day after the autumn vacation
    run(world, D(2025, 11, 5), hour=20)
    [alert] = fired(world, Rule.NOT_BACK_AFTER_VACATION)
    assert alert.tasks.get().assignee == world.deputy


def test_unknown_reason_fires_at_the_end_of_the_day(world):
    world.miss([D(2025, 10, 14)], lessons=2)
    run(world, D(2025, 10, 14), hour=15)
    assert not fired(world, Rule.UNKNOWN_REASON)
    run(world, D(2025, 10, 14), hour=19)
    [alert] = fired(world, Rule.UNKNOWN_REASON)
    task = alert.tasks.get()
    assert (task.kind, task.due_date) == (Task.Kind.PHONE_PARENTS, D(2025, 10, 14))


# Resolution and idempotency ---------------------------------------------------------------


def test_excuse_registered_later_resolves_the_alert_and_cancels_tasks(world):
    days = [D(2025, 10, 13), D(2025, 10, 14), D(2025, 10, 15)]
    world.miss(days)
    run(world)
    [alert] = fired(world, Rule.STREAK_INVITE)
    register_excuse(
        student=world.student,
        school=world.school,
        kind=ExcuseDocument.Kind.MEDICAL_CERTIFICATE,
        start_date=days[1],
        end_date=days[1],
        acting_user=world.class_teacher,
    )
    summary = run(world)
    alert.refresh_from_db()
    assert alert.status == Alert.Status.RESOLVED and alert.resolved_at
    task = alert.tasks.get()
    assert task.status == Task.Status.CANCELLED and task.cancel_reason
    assert summary.resolved >= 1


def test_running_twice_changes_nothing(world):
    world.miss(weekdays(D(2025, 11, 10), 12))
    run(world)
    before = (
        sorted(Alert.objects.values_list("rule", "episode", "status", "evidence")),
        sorted(Task.objects.values_list("kind", "due_date", "status")),
        Notification.objects.count(),
    )
    summary = run(world)
    after = (
        sorted(Alert.objects.values_list("rule", "episode", "status", "evidence")),
        sorted(Task.objects.values_list("kind", "due_date", "status")),
        Notification.objects.count(),
    )
    assert before == after
    assert (summary.fired, summary.updated, summary.resolved, summary.reopened) == (0, 0, 0, 0)


def test_plan_control_opens_its_next_instance_when_done(world):
    world.miss(weekdays(D(2025, 11, 10), 11))
    run(world)
    task = Task.objects.get(kind=Task.Kind.PLAN_CONTROL)
    complete_task(task=task, acting_user=world.class_teacher, note="План выполняется")
    following = Task.objects.get(kind=Task.Kind.PLAN_CONTROL, sequence=2)
    assert following.due_date == task.due_date + datetime.timedelta(days=7)
    assert following.status == Task.Status.OPEN


# Incremental evaluation ----------------------------------------------------------------


def test_one_students_statements_are_prepared_once_per_connection(world):
    world.miss(weekdays(D(2025, 10, 13), 3))
    other = factories.enrolled_student(world.school_class)
    world.miss(weekdays(D(2025, 10, 13), 6), student=other)

    def statements(student):
        with CaptureQueriesContext(connection) as captured:
            evaluate(student_ids=[student.pk], now=at(D(2025, 12, 20)))
        return [q["sql"].split()[0] for q in captured.captured_queries]

    statements(world.student)
    again = statements(other)
    assert "EXECUTE" in again and "PREPARE" not in again
    # The prepared statements find each student's own episodes.
    assert [a.evidence["days"] for a in fired(world, Rule.STREAK_INVITE)] == [3]
    [alert] = Alert.objects.filter(student=other, rule=Rule.STREAK_HOME_VISIT)
    assert alert.evidence["days"] == 6


def test_the_migration_settles_the_pairs_the_old_engine_left_open(make_world):
    """Months the old engine made both systematic and long: the systematic alert is
    resolved as a rise would resolve it now, its casework passed to the long alert."""
    from django.apps import apps

    migration = importlib.import_module("alerts.migrations.0009_hour_bands_exclude_each_other")
    assert services.BAND_LEFT[Rule.LONG_ABSENCE] == migration.RESOLUTION
    world = make_world(grade=7, autumn_vacation=False)
    other = factories.enrolled_student(world.school_class)

    def alert(student, rule, episode="2025-11"):
        return Alert.objects.create(
            school=world.school,
            student=student,
            rule=rule,
            episode=episode,
            period_start=D(2025, 11, 1),
            period_end=D(2025, 11, 30),
        )

    def task(alert, kind, role):
        return Task.objects.create(
            school=world.school,
            student=alert.student,
            alert=alert,
            kind=kind,
            assignee_role=role,
            due_date=D(2025, 12, 3),
        )

    systematic, long = (
        alert(world.student, Rule.SYSTEMATIC_ABSENCE),
        alert(world.student, Rule.LONG_ABSENCE),
    )
    casework = task(systematic, Task.Kind.CASEWORK, Role.SOCIAL_PEDAGOGUE)
    task(long, Task.Kind.COUNCIL_CANDIDATE, Role.DEPUTY)
    alone = alert(other, Rule.SYSTEMATIC_ABSENCE)  # no long alert that month: untouched
    alone_task = task(alone, Task.Kind.CASEWORK, Role.SOCIAL_PEDAGOGUE)

    migration.resolve_systematic_alerts_of_long_months(apps, None)

    systematic.refresh_from_db()
    assert (systematic.status, systematic.resolution) == (
        Alert.Status.RESOLVED,
        services.BAND_LEFT[Rule.LONG_ABSENCE],
    )
    casework.refresh_from_db()
    assert (casework.alert_id, casework.status, casework.due_date) == (
        long.pk,
        Task.Status.OPEN,
        D(2025, 12, 3),
    )
    alone.refresh_from_db()
    alone_task.refresh_from_db()
    assert alone.is_open and (alone_task.alert_id, alone_task.status) == (alone.pk, "open")
