import datetime
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEntry


def audit_entry(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    school=None,
    student_id: int | None = None,
    data: dict | None = None,
    at: datetime.datetime | None = None,
) -> AuditEntry:
    """An unsaved entry: ``log_action`` saves one, ``log_actions`` many in one statement.

    ``student_id`` names the student the change concerns (their history reads it); ``at``
    is only for data recorded after the fact (demo data, copies of an older history).
    """
    if school is None and obj is not None:
        school = getattr(obj, "audit_school", None)
    entry = AuditEntry(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        school=school,
        student_id=student_id,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        data=data or {},
    )
    if at is not None:
        entry.created_at = at
    return entry


def log_action(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    school=None,
    student_id: int | None = None,
    data: dict | None = None,
) -> AuditEntry:
    """Record an audited action; call it inside the transaction of the change it describes."""
    entry = audit_entry(
        actor=actor, action=action, obj=obj, school=school, student_id=student_id, data=data
    )
    entry.save(force_insert=True)
    return entry


def log_actions(entries: list[AuditEntry]) -> list[AuditEntry]:
    """Record entries built by ``audit_entry`` in one statement, in the caller's transaction."""
    return AuditEntry.objects.bulk_create(entries, batch_size=2000)


def log_read(
    *,
    actor,
    action: str,
    obj: models.Model,
    school_id: int | None,
    student_id: int | None = None,
    student_ids: Iterable[int] = (),
    data: dict | None = None,
) -> AuditEntry:
    """Record that ``actor`` read a child's personal data (152-ФЗ, spec R-SEC): a student's
    card, a class day, an excuse scan, a case, a report with names.

    A page view costs one INSERT and nothing else: the school is given as an id rather than
    found from the object, and ``str(obj)`` must need no query (pass an object whose names
    are loaded). A page that lists many children writes one entry with their ids in
    ``data["student_ids"]``, never one per child: a class day of 30 children opened 20 times
    a day is 20 rows, not 600. ``student_id`` names the one child a page is about (their
    card, their case), so that the audit finds the entry by child."""
    data = dict(data or {})
    ids = sorted(set(student_ids))
    if ids:
        data["student_ids"] = ids
    entry = AuditEntry(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        school_id=school_id,
        student_id=student_id,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        data=data,
    )
    entry.save(force_insert=True)
    return entry
