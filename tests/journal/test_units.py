"""Derived units (R-J-5) against a brute-force reference on random timetables and marks."""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal import units
from journal.models import Lesson, Mark, ReasonStatus
from schools.models import ClassGroup
from tests import factories
from tests.journal.helpers import make_lesson

START = datetime.date(2025, 10, 6)  # a Monday
DAYS = 14


def test_day_missed_needs_more_than_half():
    assert not units.day_missed(6, 3)
    assert units.day_missed(6, 4)
    assert units.day_missed(5, 3)
    assert not units.day_missed(0, 0)


def test_week_missed_and_systematic_lateness_edges():
    assert units.week_missed(5, 3) and not units.week_missed(6, 3)
    assert units.systematic_lateness(6, 3) and not units.systematic_lateness(5, 2)


lesson_spec = st.fixed_dictionaries(
    {
        "day": st.integers(0, DAYS - 1),
        "period": st.integers(1, 7),
        "cancelled": st.booleans(),
        "group": st.booleans(),
    }
)
mark_spec = st.one_of(
    st.none(),
    st.sampled_from(
        [
            ("absent", ReasonStatus.UNKNOWN),
            ("absent", ReasonStatus.VALID),
            ("absent", ReasonStatus.INVALID),
            ("late", ReasonStatus.UNKNOWN),
        ]
    ),
)


def reference(lessons, marks, enrollment, in_group):
    """Straight from the definitions, one lesson at a time."""
    start, end = enrollment
    days = {}
    for lesson in lessons:
        if lesson.status != Lesson.Status.SCHEDULED or not (start <= lesson.date <= end):
            continue
        if lesson.group_id and not in_group:
            continue
        day = days.setdefault(lesson.date, {"lessons": 0, "absent": 0, "without": 0, "late": 0})
        day["lessons"] += 1
        mark = marks.get(lesson.pk)
        if mark and mark[0] == "absent":
            day["absent"] += 1
            day["without"] += mark[1] != ReasonStatus.VALID
        elif mark:
            day["late"] += 1
    return days


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    specs=st.lists(
        lesson_spec, max_size=30, unique_by=lambda s: (s["day"], s["period"], s["group"])
    ),
    mark_choices=st.lists(mark_spec, min_size=30, max_size=30),
    enroll_from=st.integers(0, DAYS - 1),
    enroll_days=st.integers(0, DAYS),
    in_group=st.booleans(),
)
def test_daily_records_agree_with_reference(
    specs, mark_choices, enroll_from, enroll_days, in_group
):
    with transaction.atomic():
        school_class = factories.SchoolClassFactory()
        teacher = factories.UserFactory()
        subject = factories.SubjectFactory(school=school_class.school)
        student = factories.StudentFactory()
        enrollment = (
            START + datetime.timedelta(days=enroll_from),
            START + datetime.timedelta(days=enroll_from + enroll_days),
        )
        factories.EnrollmentFactory(
            student=student,
            school_class=school_class,
            start_date=enrollment[0],
            end_date=enrollment[1],
        )
        group = ClassGroup.objects.create(school_class=school_class, name="1 группа")
        if in_group:
            group.students.add(student)
        lessons, marks = [], {}
        for spec, choice in zip(specs, mark_choices, strict=False):
            lesson = make_lesson(
                school_class,
                START + datetime.timedelta(days=spec["day"]),
                spec["period"],
                teacher=teacher,
                subject=subject,
                group=group if spec["group"] else None,
                status=Lesson.Status.CANCELLED if spec["cancelled"] else Lesson.Status.SCHEDULED,
            )
            lessons.append(lesson)
            if choice:
                # Marks are written directly: the units must count whatever the journal holds.
                Mark.objects.create(
                    lesson=lesson,
                    student=student,
                    school=lesson.school,
                    date=lesson.date,
                    kind=choice[0],
                    reason_status=choice[1],
                )
                marks[lesson.pk] = choice
        on_roster = {
            pk: m
            for pk, m in marks.items()
            if next(lsn for lsn in lessons if lsn.pk == pk).group_id is None or in_group
        }
        expected = reference(lessons, on_roster, enrollment, in_group)
        end = START + datetime.timedelta(days=DAYS)
        records = units.daily_records([student.pk], START, end).get(student.pk, {})

        assert set(records) == set(expected)
        for day, counts in expected.items():
            record = records[day]
            assert record.lessons == counts["lessons"]
            assert record.absent == counts["absent"]
            assert record.without_valid == counts["without"]
            assert record.late == counts["late"]
            assert record.missed == (counts["absent"] * 2 > counts["lessons"])
            assert record.missed_without_valid == (counts["without"] * 2 > counts["lessons"])

        totals = units.attendance_totals([student.pk], START, end)[student.pk]
        assert totals.scheduled == sum(c["lessons"] for c in expected.values())
        assert totals.absent_without_valid == sum(c["without"] for c in expected.values())

        for week in units.weeks(records):
            week_days = [
                c
                for d, c in expected.items()
                if week.week_start <= d < week.week_start + datetime.timedelta(days=7)
            ]
            missed = sum(c["absent"] * 2 > c["lessons"] for c in week_days)
            late_days = sum(c["late"] > 0 for c in week_days)
            assert week.school_days == len(week_days)
            assert week.missed == (missed * 2 > len(week_days))
            assert week.systematic_lateness == (late_days * 2 >= len(week_days))
        transaction.set_rollback(True)
