"""Reads of reports, scoped to what the user may see (``reporting.rules``)."""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.access import get_object_for_user
from accounts.roles import Role
from accounts.selectors import (
    municipality_ids_for_user,
    region_ids_for_user,
    school_ids_with_role,
)
from alerts.models import Alert, Rule
from schools.models import Enrollment, LeavingCategory, Municipality, School, SchoolClass, Student

from .models import Kind, Report, ReportFile, ReportVersion, Status
from .rules import CLASS_KINDS, MUNICIPAL_KINDS, SCHOOL_KINDS

REPORTS = Report.objects.select_related("school", "school_class", "student", "municipality__region")


def get_report_for_user(user, pk: int, *, perm: str = "reporting.view_report") -> Report:
    """404 for whoever may not know of the report, 403 for a reader lacking ``perm``."""
    return get_object_for_user(
        user, REPORTS, perm=perm, visible_with="reporting.view_report", pk=pk
    )


def visible_reports(user) -> QuerySet[Report]:
    """Every report ``reporting.view_report`` lets the user open (the same rules as sets)."""
    if user.is_superuser:
        return REPORTS.all()
    whole = school_ids_with_role(user, Role.DEPUTY, Role.DIRECTOR, Role.SOCIAL_PEDAGOGUE)
    condition = Q(kind__in=CLASS_KINDS | SCHOOL_KINDS, school_id__in=whole)
    if school_ids_with_role(user, Role.CLASS_TEACHER):
        led = school_ids_with_role(user, Role.CLASS_TEACHER)
        condition |= Q(kind__in=CLASS_KINDS, school_class__class_teacher=user, school_id__in=led)
    municipalities = municipality_ids_for_user(user)
    regions = region_ids_for_user(user)
    territory = Q(municipality_id__in=municipalities) | Q(municipality__region_id__in=regions)
    condition |= Q(kind__in=SCHOOL_KINDS, approved_number__isnull=False) & territory
    condition |= Q(kind__in=MUNICIPAL_KINDS) & territory
    return REPORTS.filter(condition)


def visible_versions(user, report: Report) -> list[ReportVersion]:
    """The versions the user may read, newest first: all for the school's staff (and the
    municipality's own), every one past the draft for whoever decides, else the approved."""
    versions = report.versions.select_related("submitted_by", "decided_by", "created_by")
    if user.has_perm("reporting.view_report_drafts", report):
        return list(versions)
    if user.has_perm("reporting.decide_report", report):
        return list(versions.exclude(status=Status.DRAFT))
    return list(versions.filter(status=Status.APPROVED))


def get_version_for_user(user, report: Report, number: int) -> ReportVersion:
    for version in visible_versions(user, report):
        if version.number == number:
            return version
    raise Http404


def get_file_for_user(user, pk: int) -> ReportFile:
    """A rendered file, 404 unless its version is one the user may read."""
    file = ReportFile.objects.select_related("version__report").filter(pk=pk).first()
    if file is None:
        raise Http404
    report = get_report_for_user(user, file.version.report_id)
    if file.version_id not in {v.pk for v in visible_versions(user, report)}:
        raise Http404
    return file


def report_choices(user) -> dict:
    """What the user may open a report for: the forms, classes, schools, students and the
    municipality (``reporting.forms.NewReportForm``), by the roles of ``reporting.rules``."""
    deputy = school_ids_with_role(user, Role.DEPUTY)
    heads = deputy | school_ids_with_role(user, Role.DIRECTOR)
    led = school_ids_with_role(user, Role.CLASS_TEACHER)
    municipalities = municipality_ids_for_user(user)
    if user.is_superuser:  # as the deputy and director of every school
        deputy = heads = frozenset(School.objects.values_list("pk", flat=True))
    kinds = []
    if deputy or led:
        kinds += [Kind.WEEKLY_CLASS_REPORT, Kind.TERM_SUMMARY]
    if heads:
        kinds += [Kind.WEEKLY_SCHOOL_REPORT, Kind.MONTHLY_INFORMATION, Kind.NOT_IN_EDUCATION]
    if municipalities:
        kinds.append(Kind.MUNICIPAL_MONTHLY)
    today = timezone.localdate()
    current = Q(academic_year__start_date__lte=today, academic_year__end_date__gte=today)
    classes = (
        SchoolClass.objects.filter(
            current & (Q(school_id__in=deputy) | Q(school_id__in=led, class_teacher=user))
        )
        .select_related("school")
        .order_by("school__short_name", "grade", "letter")
    )
    return {
        "kinds": kinds,
        "classes": classes,
        "schools": School.objects.filter(pk__in=heads).order_by("short_name"),
        "students": not_in_education_candidates(heads),
        "municipalities": Municipality.objects.filter(pk__in=municipalities).order_by("name"),
    }


def not_in_education_candidates(school_ids) -> QuerySet[Student]:
    """Students a report on a minor not receiving education may be about (seed 003 App. 3):
    those not attending at all (an open criterion №22 or long-absence alert) and those who
    left without completing general education and study nowhere."""
    not_attending = Alert.objects.filter(
        school_id__in=school_ids,
        status=Alert.Status.OPEN,
        rule__in=(Rule.CRITERION_22, Rule.LONG_ABSENCE),
    ).values("student_id")
    left = Enrollment.objects.filter(
        school_id__in=school_ids, leaving_category=LeavingCategory.LEFT_NOT_STUDYING
    ).values("student_id")
    return Student.objects.filter(Q(pk__in=not_attending) | Q(pk__in=left)).order_by(
        "last_name", "first_name"
    )
