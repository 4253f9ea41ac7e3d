"""Reads of the e-journal pages, scoped to the user: another school's objects answer 404,
the school's other staff 403 (``accounts.access.get_object_for_user``)."""

from django.db.models import QuerySet

from accounts.access import get_object_for_user
from accounts.selectors import school_ids_with_role
from schools.models import School

from .models import EjournalImport, EjournalRecord
from .rules import READER_ROLES

RECENT_IMPORTS = 20


def get_school(user, pk, *, perm: str = "exchange.view_ejournal") -> School:
    return get_object_for_user(user, School.objects.all(), perm=perm, pk=pk)


def get_import(user, pk, *, perm: str = "exchange.view_ejournal") -> EjournalImport:
    queryset = EjournalImport.objects.select_related("school", "uploaded_by", "applied_by")
    return get_object_for_user(user, queryset, perm=perm, pk=pk)


def get_record(user, pk, *, perm: str = "exchange.resolve_conflicts") -> EjournalRecord:
    return get_object_for_user(
        user, EjournalRecord.objects.select_related("school"), perm=perm, pk=pk
    )


def ejournal_schools(user) -> QuerySet[School]:
    """The schools whose e-journal pages the user opens (the start page's links)."""
    if user.is_superuser:
        return School.objects.none()
    return School.objects.filter(pk__in=school_ids_with_role(user, *READER_ROLES))


def recent_imports(school: School) -> QuerySet[EjournalImport]:
    return (
        EjournalImport.objects.filter(school=school)
        .select_related("uploaded_by", "applied_by")
        .defer("rows", "report")
        .order_by("-uploaded_at", "-pk")[:RECENT_IMPORTS]
    )


def conflicts(school: School, *, resolved: bool) -> QuerySet[EjournalRecord]:
    states = EjournalRecord.RESOLVED if resolved else (EjournalRecord.State.CONFLICT,)
    return (
        EjournalRecord.objects.filter(school=school, state__in=states)
        .select_related(
            "student", "lesson__subject", "lesson__school_class", "resolved_by", "source"
        )
        .defer("source__rows", "source__report")
        .order_by(
            "lesson__date",
            "lesson__school_class__grade",
            "lesson__school_class__letter",
            "lesson__period",
            "student__last_name",
            "pk",
        )
    )


def open_conflict_count(school: School) -> int:
    return EjournalRecord.objects.filter(school=school, state=EjournalRecord.State.CONFLICT).count()
