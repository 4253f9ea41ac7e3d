"""Reads of the administration pages, scoped to the user: a school they manage (its
administrator or director), a municipality whose leadership they appoint. Another school's
objects answer 404 (``accounts.access.get_object_for_user``)."""

from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.access import get_object_for_user
from accounts.models import RoleAssignment, User
from accounts.roles import Role
from accounts.selectors import municipality_ids_for_user, school_ids_with_role
from schools.models import AcademicYear, Municipality, School, SchoolClass, Subject, enrolled_on
from schools.selectors import get_class_for_user, get_school_for_user

from .rules import MANAGER_ROLES

# The leadership a municipal specialist appoints (accounts.roles.ADMINISTRATION_ROLES; the
# teaching roles are the school administrator's to grant).
LEADERSHIP_ROLES = (Role.DIRECTOR, Role.DEPUTY, Role.SCHOOL_ADMIN)


def managed_schools(user) -> QuerySet[School]:
    """Schools whose administrator or director the user is (every school for a superuser)."""
    if user.is_superuser:
        return School.objects.all()
    return School.objects.filter(pk__in=school_ids_with_role(user, *MANAGER_ROLES))


def managed_municipalities(user) -> QuerySet[Municipality]:
    """Municipalities whose schools' leadership the user appoints."""
    if user.is_superuser:
        return Municipality.objects.all()
    return Municipality.objects.filter(pk__in=municipality_ids_for_user(user))


def get_managed_school(user, pk) -> School:
    """A school whose classes and subjects the user manages: 404 for another school."""
    return get_school_for_user(user, pk, perm="schools.manage_school")


def get_staff_school(user, pk) -> School:
    """A school whose staff list the user may open (its administrator, its director, the
    municipal specialist over it): 403 for its other staff, 404 for anyone else."""
    queryset = School.objects.select_related("municipality")
    return get_object_for_user(
        user,
        queryset,
        perm="administration.see_staff",
        visible_with="administration.know_school",
        pk=pk,
    )


def get_managed_class(user, pk) -> SchoolClass:
    return get_class_for_user(user, pk, perm="schools.manage_school")


def get_managed_subject(user, pk) -> Subject:
    queryset = Subject.objects.select_related("school")
    return get_object_for_user(user, queryset, perm="schools.manage_school", pk=pk)


def get_managed_municipality(user, pk) -> Municipality:
    return get_object_for_user(
        user,
        Municipality.objects.all(),
        perm="administration.appoint_leadership",
        visible_with="administration.appoint_leadership",
        pk=pk,
    )


def get_assignment(user, pk) -> RoleAssignment:
    """A school role assignment whose school's staff the user may see: 404 for another
    school, 403 for the school's other staff."""
    queryset = RoleAssignment.objects.filter(school__isnull=False).select_related("user", "school")
    return get_object_for_user(
        user,
        queryset,
        perm="administration.see_staff",
        visible_with="administration.know_school",
        pk=pk,
    )


def get_staff_member(school: School, pk) -> User:
    """A person holding (or having held until deactivated) a role in ``school``: 404
    otherwise. Nobody reaches another school's people through this school's pages."""
    user = User.objects.filter(pk=pk, role_assignments__school=school).first()
    if user is None:
        raise Http404
    return user


def current_year(school: School) -> AcademicYear | None:
    """The academic year under way, else the latest one."""
    today = timezone.localdate()
    years = AcademicYear.objects.filter(school=school)
    under_way = years.filter(start_date__lte=today, end_date__gte=today).first()
    return under_way or years.order_by("-start_date").first()


def class_rows(year: AcademicYear) -> QuerySet[SchoolClass]:
    """The year's classes with their class teacher, today's head-count and whether the
    class teacher still holds the role (one query)."""
    today = timezone.localdate()
    teacher_role = RoleAssignment.objects.filter(
        user_id=OuterRef("class_teacher_id"),
        school_id=OuterRef("school_id"),
        role=Role.CLASS_TEACHER,
    )
    return (
        SchoolClass.objects.filter(academic_year=year)
        .select_related("class_teacher")
        .annotate(
            student_count=Count("enrollments", filter=enrolled_on(today, "enrollments__")),
            ever_enrolled=Count("enrollments"),
            teacher_has_role=Exists(teacher_role),
        )
        .order_by("grade", "letter")
    )


@dataclass
class StaffRow:
    user: User
    assignments: list[RoleAssignment] = field(default_factory=list)

    @property
    def roles(self) -> list[str]:
        return [a.get_role_display() for a in self.assignments]


def staff_rows(school: School) -> list[StaffRow]:
    """The school's people with their roles there, by surname (one query)."""
    assignments = (
        RoleAssignment.objects.filter(school=school)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__patronymic", "user_id", "role")
    )
    return [
        StaffRow(user=user, assignments=list(group))
        for user, group in groupby(assignments, key=lambda a: a.user)
    ]


def subject_rows(school: School) -> QuerySet[Subject]:
    return Subject.objects.filter(school=school).order_by("archived", "name")


@dataclass
class LeadershipRow:
    school: School
    assignments: list[RoleAssignment] = field(default_factory=list)


def leadership_rows(municipality: Municipality) -> list[LeadershipRow]:
    """The municipality's schools with their directors, deputies and administrators (two
    queries)."""
    rows = {
        school.pk: LeadershipRow(school=school)
        for school in School.objects.filter(municipality=municipality).order_by("short_name")
    }
    assignments = (
        RoleAssignment.objects.filter(school__municipality=municipality, role__in=LEADERSHIP_ROLES)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "role")
    )
    order = {role: n for n, role in enumerate(LEADERSHIP_ROLES)}
    for assignment in sorted(assignments, key=lambda a: order[a.role]):
        rows[assignment.school_id].assignments.append(assignment)
    return list(rows.values())


def leadership_candidates(municipality: Municipality) -> QuerySet[User]:
    """Active people working in one of the municipality's schools: whom a specialist may
    appoint without creating an account."""
    return (
        User.objects.filter(Q(role_assignments__school__municipality=municipality), is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "patronymic")
    )
