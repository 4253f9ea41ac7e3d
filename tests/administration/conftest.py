"""A small school for the administration tests: its year under way, an administrator, a
director, a class teacher, a subject teacher, and a second school of the same municipality."""

from dataclasses import dataclass

import pytest
from django.utils import timezone

from accounts.models import RoleAssignment, User
from accounts.roles import Role
from accounts.services import assign_role
from schools.models import AcademicYear, School
from tests import factories
from tests.accounts.world import current_year_dates


@dataclass
class Staffed:
    school: School
    year: AcademicYear
    admin: User
    director: User
    class_teacher: User
    subject_teacher: User
    municipal: User
    neighbour: School  # same municipality
    neighbour_admin: User


def _year(school) -> AcademicYear:
    start, end = current_year_dates(timezone.localdate())
    return factories.AcademicYearFactory(
        school=school, name=f"{start.year}/{end.year}", start_date=start, end_date=end
    )


@pytest.fixture
def staffed(db) -> Staffed:
    school = factories.SchoolFactory()
    neighbour = factories.SchoolFactory(municipality=school.municipality)
    admin = factories.UserFactory()
    assign_role(user=admin, role=Role.SCHOOL_ADMIN, school=school, acting_user=None)
    neighbour_admin = factories.UserFactory()
    assign_role(user=neighbour_admin, role=Role.SCHOOL_ADMIN, school=neighbour, acting_user=None)
    municipal = factories.UserFactory()
    RoleAssignment.objects.create(
        user=municipal, role=Role.MUNICIPAL, municipality=school.municipality
    )
    _year(neighbour)
    return Staffed(
        school=school,
        year=_year(school),
        admin=admin,
        director=factories.staff_user(Role.DIRECTOR, school),
        class_teacher=factories.staff_user(Role.CLASS_TEACHER, school),
        subject_teacher=factories.staff_user(Role.SUBJECT_TEACHER, school),
        municipal=municipal,
        neighbour=neighbour,
        neighbour_admin=neighbour_admin,
    )
