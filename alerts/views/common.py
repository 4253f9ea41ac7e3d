"""Helpers shared by the alert pages."""

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.roles import Role
from schools.models import Enrollment

PAGE_SIZE = 50
ROLE_LABELS = dict(Role.choices)


def with_class(queryset: QuerySet) -> QuerySet:
    """Annotate alert or task rows with the student's latest class in the row's school.

    Two correlated subqueries instead of a query per row.
    """
    enrollment = Enrollment.objects.filter(
        student_id=OuterRef("student_id"), school_id=OuterRef("school_id")
    ).order_by("-start_date", "-pk")
    return queryset.annotate(
        class_grade=Subquery(enrollment.values("school_class__grade")[:1]),
        class_letter=Subquery(enrollment.values("school_class__letter")[:1]),
    )


def safe_next(request, candidate: str, fallback: str) -> str:
    """``candidate`` when it is a path of this site, else ``fallback`` (no open redirects)."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback
