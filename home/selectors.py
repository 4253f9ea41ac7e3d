"""What each role's start page shows. Each function runs a fixed number of queries."""

import datetime
from collections import defaultdict

from django.db.models import Count, Q

from accounts.roles import Role
from accounts.selectors import (
    municipality_ids_for_user,
    region_ids_for_user,
    school_ids_with_role,
)
from journal.models import Lesson, TimetableEntry
from journal.services.marks import with_marking_times
from schools.models import Enrollment, School, SchoolClass, enrolled_on


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
    schools = school_ids_with_role(user, Role.CLASS_TEACHER)
    classes = list(
        _current_classes(schools, day).filter(class_teacher=user).select_related("school")
    )
    enrollments = (
        Enrollment.objects.on(day)
        .filter(school_class__in=classes)
        .select_related("student")
        .order_by("student__last_name", "student__first_name", "student__patronymic")
    )
    students_by_class = defaultdict(list)
    for enrollment in enrollments:
        students_by_class[enrollment.school_class_id].append(enrollment.student)
    return {"classes": [{"school_class": c, "students": students_by_class[c.pk]} for c in classes]}


def school_summary_data(user, role: str, day: datetime.date) -> dict:
    """Counts only: classes and students per school where the user holds ``role``."""
    school_ids = school_ids_with_role(user, role)
    schools = list(School.objects.filter(pk__in=school_ids))
    classes = (
        _current_classes(school_ids, day)
        .annotate(
            student_count=Count(
                "enrollments", filter=enrolled_on(day, "enrollments__"), distinct=True
            )
        )
        .order_by("grade", "letter")
    )
    classes_by_school = defaultdict(list)
    for school_class in classes:
        classes_by_school[school_class.school_id].append(school_class)
    return {
        "schools": [
            {
                "school": school,
                "classes": classes_by_school[school.pk],
                "student_count": sum(c.student_count for c in classes_by_school[school.pk]),
            }
            for school in schools
        ]
    }


def school_admin_data(user) -> dict:
    return {
        "schools": list(School.objects.filter(pk__in=school_ids_with_role(user, Role.SCHOOL_ADMIN)))
    }


def territory_data(user, role: str) -> dict:
    if role == Role.MUNICIPAL:
        scope = Q(municipality_id__in=municipality_ids_for_user(user))
    else:
        scope = Q(municipality__region_id__in=region_ids_for_user(user))
    schools = School.objects.filter(scope).select_related("municipality__region")
    return {"schools": list(schools.order_by("municipality__name", "short_name"))}
