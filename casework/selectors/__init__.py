"""Reads of casework, scoped to what the user may see (spec §1)."""

import datetime

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from accounts.access import get_object_for_user
from accounts.roles import Role
from accounts.selectors import school_ids_with_role
from alerts.models import StudentDay
from schools.models import SchoolClass

from ..models import Case, ParentContact
from ..rules import referred_cases


def get_case_for_user(user, case_id: int, *, perm: str = "casework.view_case") -> Case:
    """The case, 404 for whoever may not read it (another school, a subject teacher, a
    psychologist it is not referred to), 403 for a reader lacking ``perm``."""
    return get_object_for_user(
        user,
        Case.objects.select_related("student", "school", "opened_by_alert"),
        perm=perm,
        visible_with="casework.view_case",
        pk=case_id,
    )


def visible_cases(user) -> QuerySet[Case]:
    """Every case the user may read: the whole school's for the social pedagogue, deputy and
    director; their classes' students' for a class teacher; the referred ones for a
    psychologist."""
    if user.is_superuser:
        return Case.objects.all()
    whole = school_ids_with_role(user, Role.SOCIAL_PEDAGOGUE, Role.DEPUTY, Role.DIRECTOR)
    condition = Q(school_id__in=whole)
    led = school_ids_with_role(user, Role.CLASS_TEACHER)
    if led:
        today = timezone.localdate()
        classes = SchoolClass.objects.filter(
            class_teacher=user,
            school_id__in=led,
            academic_year__start_date__lte=today,
            academic_year__end_date__gte=today,
        )
        condition |= Q(
            student__enrollments__school_class__in=classes,
            student__enrollments__school_id=F("school_id"),
        )
    psychologist = school_ids_with_role(user, Role.PSYCHOLOGIST)
    if psychologist:
        condition |= Q(school_id__in=psychologist) & referred_cases(user)
    ids = Case.objects.filter(condition).values("pk")
    return Case.objects.filter(pk__in=ids)


def untold_absences(student, school, *, since: datetime.date) -> list[datetime.date]:
    """Seed 002 §4.1: the days since ``since`` the child missed lessons without a valid
    reason (or with none settled yet) that no contact has told the parents of."""
    told = set()
    for days in ParentContact.objects.filter(student=student, school=school).values_list(
        "absences_told", flat=True
    ):
        told.update(days)
    missed = (
        StudentDay.objects.filter(student=student, school=school, date__gte=since)
        .filter(Q(invalid__gt=0) | Q(unknown__gt=0))
        .values_list("date", flat=True)
        .distinct()
        .order_by("date")
    )
    return [day for day in missed if f"{day}" not in told]
