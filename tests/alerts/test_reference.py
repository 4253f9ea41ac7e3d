"""The set-based evaluator agrees with the reference on random calendars, timetables, marks."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.roles import Role
from alerts.models import Alert
from alerts.services import evaluate
from journal.models import Mark, Quarantine, ReasonStatus, Term, TimetableEntry, Vacation
from journal.timetable import generate_lessons
from policy.services import set_setting
from schools.models import ClassGroup
from tests import factories
from tests.alerts.reference import reference_alerts

MSK = ZoneInfo("Europe/Moscow")
START = datetime.date(2025, 9, 1)
HORIZON = 120  # days of lessons generated
SHARE_KEYS = (
    "units.school_day_missed_fraction",
    "units.week_missed_fraction",
    "units.systematic_lateness_fraction",
)

absence = st.tuples(
    st.integers(0, HORIZON - 1),  # first day
    st.integers(1, 16),  # length in calendar days
    st.sampled_from(["unknown", "unknown", "invalid", "valid", "late"]),
    st.integers(0, 7),  # lessons missed per day (0 = all)
)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    grade=st.sampled_from([1, 3, 6, 10]),
    periods=st.lists(st.integers(0, 6), min_size=6, max_size=6),
    group_period=st.booleans(),
    vacation=st.tuples(st.integers(20, 90), st.integers(2, 10)),
    quarantine=st.one_of(st.none(), st.tuples(st.integers(0, HORIZON), st.integers(1, 6))),
    enrollment_start=st.integers(0, 30),
    absences=st.lists(absence, max_size=12),
    as_of_offset=st.integers(10, HORIZON + 10),
    hour=st.sampled_from([9, 20]),
    shares=st.sampled_from([None, ("0.3", "0.35", "0.4"), ("0.75", "0.6", "0.25")]),
)
def test_set_based_evaluation_matches_the_reference(
    grade,
    periods,
    group_period,
    vacation,
    quarantine,
    enrollment_start,
    absences,
    as_of_offset,
    hour,
    shares,
):
    with transaction.atomic():
        school = factories.SchoolFactory(week_length=6 if periods[5] else 5)
        if shares:  # the units' shares of R-CFG, read by both evaluators
            admin = factories.staff_user(Role.SCHOOL_ADMIN, school)
            for key, value in zip(SHARE_KEYS, shares, strict=True):
                set_setting(key=key, value=value, acting_user=admin, school=school)
        year = factories.AcademicYearFactory(
            school=school, name="2025/2026", start_date=START, end_date=datetime.date(2026, 5, 31)
        )
        Term.objects.create(
            academic_year=year, number=1, start_date=START, end_date=datetime.date(2025, 10, 26)
        )
        Term.objects.create(
            academic_year=year,
            number=2,
            start_date=datetime.date(2025, 11, 5),
            end_date=datetime.date(2025, 12, 28),
        )
        v_start = START + datetime.timedelta(days=vacation[0])
        Vacation.objects.create(
            academic_year=year,
            name="Каникулы",
            start_date=v_start,
            end_date=v_start + datetime.timedelta(days=vacation[1]),
        )
        school_class = factories.SchoolClassFactory(school=school, academic_year=year, grade=grade)
        if quarantine:
            q_start = START + datetime.timedelta(days=quarantine[0])
            Quarantine.objects.create(
                school=school,
                school_class=school_class,
                start_date=q_start,
                end_date=q_start + datetime.timedelta(days=quarantine[1]),
            )
        teacher = factories.staff_user(Role.SUBJECT_TEACHER, school)
        subject = factories.SubjectFactory(school=school, name="Математика")
        group = ClassGroup.objects.create(school_class=school_class, name="1 группа")
        for weekday, count in enumerate(periods, start=1):
            for period in range(1, count + 1):
                TimetableEntry.objects.create(
                    school_class=school_class,
                    weekday=weekday,
                    period=period,
                    subject=subject,
                    teacher=teacher,
                    valid_from=START,
                    group=group if group_period and period == count else None,
                )
        generate_lessons(school=school, start=START, end=START + datetime.timedelta(days=HORIZON))
        students = [
            factories.StudentFactory(),
            factories.StudentFactory(),
        ]
        factories.EnrollmentFactory(
            student=students[0],
            school_class=school_class,
            start_date=START + datetime.timedelta(days=enrollment_start),
        )
        factories.EnrollmentFactory(
            student=students[1], school_class=school_class, start_date=START
        )
        group.students.add(students[0])
        lessons_by_day = {}
        for lesson in school_class.lessons.order_by("date", "period"):
            lessons_by_day.setdefault(lesson.date, []).append(lesson)
        marks = {}
        for index, (first, length, kind, per_day) in enumerate(absences):
            student = students[index % 2]
            for offset in range(length):
                day = START + datetime.timedelta(days=first + offset)
                for lesson in lessons_by_day.get(day, [])[: per_day or None]:
                    marks[(lesson.pk, student.pk)] = Mark(
                        lesson=lesson,
                        student=student,
                        school=school,
                        date=day,
                        kind="late" if kind == "late" else "absent",
                        reason_status=ReasonStatus.UNKNOWN if kind == "late" else kind,
                    )
        Mark.objects.bulk_create(marks.values())

        as_of = START + datetime.timedelta(days=as_of_offset)
        now = datetime.datetime(as_of.year, as_of.month, as_of.day, hour, tzinfo=MSK)
        evaluate(school_ids=[school.pk], now=now)
        got = {
            (
                a.student_id,
                a.rule,
                a.episode,
                a.period_start,
                a.period_end,
                tuple(
                    sorted(
                        (k, tuple(v) if isinstance(v, list) else v) for k, v in a.evidence.items()
                    )
                ),
            )
            for a in Alert.objects.filter(school=school, status=Alert.Status.OPEN)
        }
        expected = reference_alerts(school, START, as_of, day_closed=hour >= 19)
        assert got == expected

        # A second run changes nothing.
        before = sorted(Alert.objects.filter(school=school).values_list("id", "status", "evidence"))
        summary = evaluate(school_ids=[school.pk], now=now)
        assert (summary.fired, summary.updated, summary.resolved, summary.reopened) == (0, 0, 0, 0)
        assert (
            sorted(Alert.objects.filter(school=school).values_list("id", "status", "evidence"))
            == before
        )

        # The incremental path (one student, no temporary tables) agrees with the full one.
        for student in students:
            summary = evaluate(student_ids=[student.pk], now=now)
            assert (summary.fired, summary.updated, summary.resolved, summary.reopened) == (
                0,
                0,
                0,
                0,
            )
        transaction.set_rollback(True)
