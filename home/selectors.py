"""What each role's start page shows. Each function runs a fixed number of queries."""

import datetime

from django.db.models import Count, Q

from accounts.roles import Role
from accounts.selectors import (
    municipality_ids_for_user,
    region_ids_for_user,
    school_ids_with_role,
)
from casework.models import Case
from casework.selectors import visible_cases
from journal.models import Lesson, TimetableEntry
from journal.services.marks import with_marking_times
from schools.models import Municipality, Region, School, SchoolClass, enrolled_on

from . import dashboards


def _current_classes(school_ids, day: datetime.date):
    """Classes of the academic year that contains ``day``."""
    return SchoolClass.objects.filter(
        school_id__in=school_ids,
        academic_year__start_date__lte=day,
        academic_year__end_date__gte=day,
    )


def subject_teacher_data(user, day: datetime.date) -> dict:
    schools = school_ids_with_role(user, Role.SUBJECT_TEACHER)
    lessons = (
        Lesson.objects.filter(teacher=user, date=day, school_id__in=schools)
        .select_related("school_class", "subject", "group")
        .order_by("period")
    )
    taught_classes = _current_classes(schools, day).filter(
        pk__in=TimetableEntry.objects.filter(teacher=user).values("school_class_id")
    )
    return {"lessons": with_marking_times(list(lessons)), "taught_classes": list(taught_classes)}


def class_teacher_data(user, day: datetime.date) -> dict:
    """The teacher's classes at a glance (home.dashboards): a fixed number of queries."""
    schools = school_ids_with_role(user, Role.CLASS_TEACHER)
    classes = list(
        _current_classes(schools, day)
        .filter(class_teacher=user)
        .select_related("school__municipality")
        .order_by("grade", "letter", "pk")
    )
    return {
        "classes": [
            {"school_class": d.school_class, "students": d.students, "dashboard": d}
            for d in dashboards.class_dashboards(classes, day)
        ]
    }


def _classes_with_counts(school_ids, day: datetime.date):
    return (
        _current_classes(school_ids, day)
        .annotate(
            student_count=Count(
                "enrollments", filter=enrolled_on(day, "enrollments__"), distinct=True
            )
        )
        .order_by("grade", "letter")
    )


def school_dashboard_data(user, role: str, day: datetime.date, params) -> dict:
    """The whole school's dashboard (home.dashboards) for the social pedagogue, the deputy
    and the director: one school at a time, chosen by the ``school`` GET parameter among
    those where the user holds ``role`` (the first by name otherwise)."""
    schools = list(
        School.objects.filter(pk__in=school_ids_with_role(user, role))
        .select_related("municipality")
        .order_by("short_name", "pk")
    )
    if not schools:
        return {"schools": [], "school_choices": [], "dashboard": None}
    chosen = str(params.get("school", ""))
    school = next((s for s in schools if str(s.pk) == chosen), schools[0])
    classes = list(_classes_with_counts([school.pk], day))
    for school_class in classes:
        school_class.school = school  # its municipality is loaded: no query per class
    summary = {
        "school": school,
        "classes": classes,
        "student_count": sum(c.student_count for c in classes),
    }
    return {
        "schools": [summary],
        "school_choices": schools if len(schools) > 1 else [],
        "dashboard": dashboards.school_dashboard(
            user,
            school,
            classes,
            day,
            params,
            keep={"school": school.pk} if len(schools) > 1 else None,
        ),
    }


def psychologist_data(user) -> dict:
    """Only the students referred to the psychologist: their active cases."""
    cases = (
        visible_cases(user)
        .exclude(status=Case.Status.CLOSED)
        .select_related("student", "school")
        .order_by("student__last_name", "student__first_name", "pk")
    )
    return {"cases": list(cases)}


def school_admin_data(user) -> dict:
    return {
        "schools": list(School.objects.filter(pk__in=school_ids_with_role(user, Role.SCHOOL_ADMIN)))
    }


def territory_data(user, role: str) -> dict:
    """The official's territories, each linking to its overview (reporting.views.territory),
    and their schools, each linking to its approved reports: two queries."""
    if role == Role.MUNICIPAL:
        scope = Q(municipality_id__in=municipality_ids_for_user(user))
        territories = Municipality.objects.filter(pk__in=municipality_ids_for_user(user))
    else:
        scope = Q(municipality__region_id__in=region_ids_for_user(user))
        territories = Region.objects.filter(pk__in=region_ids_for_user(user))
    schools = School.objects.filter(scope).select_related("municipality__region")
    return {
        "territories": list(territories.order_by("name")),
        "schools": list(schools.order_by("municipality__name", "short_name")),
    }
