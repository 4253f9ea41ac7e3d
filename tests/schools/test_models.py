import datetime

import pytest
from django.db import IntegrityError

from tests import factories


def test_enrollment_takes_school_from_class(school_class):
    enrollment = factories.EnrollmentFactory(school_class=school_class)
    assert enrollment.school == school_class.school


def test_enrollment_cannot_end_before_it_starts(school_class):
    with pytest.raises(IntegrityError):
        factories.EnrollmentFactory(
            school_class=school_class,
            start_date=datetime.date(2025, 10, 1),
            end_date=datetime.date(2025, 9, 30),
        )


def test_class_grade_is_between_1_and_11(school):
    with pytest.raises(IntegrityError):
        factories.SchoolClassFactory(school=school, grade=12)
