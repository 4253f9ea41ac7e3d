import datetime

import pytest

from audit.models import AuditEntry
from journal.units import attendance_totals
from schools.models import Enrollment, LeavingCategory
from schools.services import EnrollmentError, enroll_student, transfer_student, withdraw_student
from tests import factories
from tests.journal.helpers import make_lesson

D = datetime.date


@pytest.fixture
def two_classes(school):
    year = factories.AcademicYearFactory(school=school)
    return (
        factories.SchoolClassFactory(school=school, academic_year=year, grade=5),
        factories.SchoolClassFactory(school=school, academic_year=year, grade=5),
    )


def test_transfer_closes_the_old_enrollment_the_day_before(two_classes, school):
    first, second = two_classes
    student = factories.StudentFactory()
    enroll_student(student=student, school_class=first, start_date=D(2025, 9, 1), acting_user=None)
    transfer_student(student=student, to_class=second, on_date=D(2025, 10, 13), acting_user=None)
    periods = list(
        Enrollment.objects.filter(student=student).values_list(
            "school_class", "start_date", "end_date"
        )
    )
    assert periods == [
        (first.pk, D(2025, 9, 1), D(2025, 10, 12)),
        (second.pk, D(2025, 10, 13), None),
    ]
    assert AuditEntry.objects.filter(action="schools.enrollment.transferred").exists()


def test_instructional_time_counts_each_class_only_while_enrolled(two_classes):
    first, second = two_classes
    student = factories.StudentFactory()
    enroll_student(student=student, school_class=first, start_date=D(2025, 9, 1), acting_user=None)
    transfer_student(student=student, to_class=second, on_date=D(2025, 10, 14), acting_user=None)
    make_lesson(first, D(2025, 10, 13))
    make_lesson(first, D(2025, 10, 14))  # after the transfer: not the student's lesson
    make_lesson(second, D(2025, 10, 13))  # before the transfer: not theirs either
    make_lesson(second, D(2025, 10, 14))
    totals = attendance_totals([student.pk], D(2025, 10, 13), D(2025, 10, 14))[student.pk]
    assert totals.scheduled == 2


def test_transfer_to_another_school_marks_the_leaving_category(two_classes, other_school):
    first, _ = two_classes
    elsewhere = factories.SchoolClassFactory(
        school=other_school, academic_year=factories.AcademicYearFactory(school=other_school)
    )
    student = factories.StudentFactory()
    enroll_student(student=student, school_class=first, start_date=D(2025, 9, 1), acting_user=None)
    transfer_student(student=student, to_class=elsewhere, on_date=D(2025, 11, 10), acting_user=None)
    old = Enrollment.objects.get(student=student, school_class=first)
    assert old.leaving_category == LeavingCategory.TRANSFERRED


def test_enrolling_twice_is_refused(two_classes):
    first, second = two_classes
    student = factories.StudentFactory()
    enroll_student(student=student, school_class=first, start_date=D(2025, 9, 1), acting_user=None)
    with pytest.raises(EnrollmentError, match="перевод"):
        enroll_student(
            student=student, school_class=second, start_date=D(2025, 10, 1), acting_user=None
        )
    assert Enrollment.objects.filter(student=student).count() == 1


def test_dates_outside_the_academic_year_are_refused(two_classes):
    first, _ = two_classes
    with pytest.raises(EnrollmentError, match="вне учебного года"):
        enroll_student(
            student=factories.StudentFactory(),
            school_class=first,
            start_date=D(2026, 7, 1),
            acting_user=None,
        )


def test_withdrawal_ends_the_enrollment_with_its_category(two_classes):
    first, _ = two_classes
    student = factories.StudentFactory()
    enroll_student(student=student, school_class=first, start_date=D(2025, 9, 1), acting_user=None)
    withdraw_student(
        student=student,
        last_day=D(2025, 12, 1),
        category=LeavingCategory.LEFT_NOT_STUDYING,
        acting_user=None,
    )
    enrollment = Enrollment.objects.get(student=student)
    assert (enrollment.end_date, enrollment.leaving_category) == (
        D(2025, 12, 1),
        LeavingCategory.LEFT_NOT_STUDYING,
    )
