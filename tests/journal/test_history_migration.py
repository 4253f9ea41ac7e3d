"""journal 0004 carries the old history table into the audit log, once, then drops it."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from audit.models import AuditEntry
from journal.models import ExcuseDocument, Lesson
from journal.services.history import HistoryAction, history_action
from journal.views.student_card import describe_change
from tests import factories
from tests.journal.helpers import class_teacher_for, make_lesson

BEFORE = [("journal", "0003_marks"), ("audit", "0002_auditentry_student")]
AFTER = [("journal", "0004_history_in_audit_log")]
MON = datetime.date(2025, 10, 13)
LAST_YEAR = timezone.make_aware(datetime.datetime(2025, 10, 13, 15, 30))
ABSENT = {"kind": "absent", "reason_status": "unknown"}


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def migrated_back():
    """Leave the database at the latest migrations whatever happens in the test."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_old_history_rows_join_their_audit_entries_or_are_copied(school_class, migrated_back):
    student = factories.enrolled_student(school_class)
    teacher = class_teacher_for(school_class)
    first, second = make_lesson(school_class, MON, 1), make_lesson(school_class, MON, 2)
    excuse = ExcuseDocument.objects.create(
        school=school_class.school,
        student=student,
        kind=ExcuseDocument.Kind.MEDICAL_CERTIFICATE,
        valid_reason="illness",
        start_date=MON,
        end_date=MON,
        received_by=teacher,
        received_at=LAST_YEAR,
    )
    lesson_type = ContentType.objects.get_for_model(Lesson)
    excuse_type = ContentType.objects.get_for_model(ExcuseDocument)

    old_apps = _migrate(BEFORE)
    Change = old_apps.get_model("journal", "AttendanceChange")
    common = {"student_id": student.pk, "school_id": school_class.school_id, "actor_id": teacher.pk}
    # Written by the services: a history row and its audit entry, side by side.
    Change.objects.create(
        **common, lesson_id=first.pk, action="mark_set", old={"kind": "present"}, new=ABSENT
    )
    mark_entry = AuditEntry.objects.create(
        actor=teacher,
        action="journal.mark.changed",
        school=school_class.school,
        content_type=lesson_type,
        object_id=str(first.pk),
        data={"student_id": student.pk, "old": {"kind": "present"}, "new": ABSENT},
    )
    excuse_new = {"kind": excuse.kind, "start_date": "2025-10-13", "end_date": "2025-10-13"}
    Change.objects.create(
        **common, excuse_id=excuse.pk, action="excuse_added", new={**excuse_new, "marks": 1}
    )
    excuse_entry = AuditEntry.objects.create(
        actor=teacher,
        action="journal.excuse.registered",
        school=school_class.school,
        content_type=excuse_type,
        object_id=str(excuse.pk),
        data={"student_id": student.pk, "mark_ids": [7]},
    )
    # Reasons were audited once per request, without the reason each absence had.
    Change.objects.create(
        **common,
        lesson_id=first.pk,
        action="reason_set",
        old={"reason_status": "unknown", "valid_reason": ""},
        new={"reason_status": "invalid", "valid_reason": "", "note": "прогул"},
    )
    request_entry = AuditEntry.objects.create(
        actor=teacher, action="journal.reason.set", data={"mark_ids": [7], "status": "invalid"}
    )
    # Written by the demo data: a history row without an audit entry, back-dated.
    demo = Change.objects.create(
        **common, lesson_id=second.pk, action="mark_set", old={"kind": "present"}, new=ABSENT
    )
    Change.objects.filter(pk=demo.pk).update(created_at=LAST_YEAR)

    _migrate(AFTER)

    assert "journal_attendancechange" not in connection.introspection.table_names()
    entries = list(AuditEntry.objects.filter(student=student).order_by("id"))
    assert [e.pk for e in entries[:2]] == [mark_entry.pk, excuse_entry.pk]
    assert len(entries) == 4
    mark, registered, reason, copied = entries
    assert mark.data["lesson"] == {
        "id": first.pk,
        "date": "2025-10-13",
        "period": 1,
        "subject": "Математика",
    }
    assert registered.data["mark_ids"] == [7]
    assert [history_action(e) for e in entries] == [
        HistoryAction.MARK_SET,
        HistoryAction.EXCUSE_ADDED,
        HistoryAction.REASON_SET,
        HistoryAction.MARK_SET,
    ]
    assert [describe_change(history_action(e), e.data) for e in entries] == [
        ("присутствует", "Н, причина неизвестна"),
        ("", "медицинская справка, 13.10.2025–13.10.2025; пропусков покрыто: 1"),
        ("причина неизвестна", "без уважительной причины; прогул"),
        ("присутствует", "Н, причина неизвестна"),
    ]
    assert (copied.created_at, copied.actor_id, copied.object_id) == (
        LAST_YEAR,
        teacher.pk,
        str(second.pk),
    )
    assert copied.data["copied_from"] == reason.data["copied_from"] == "journal.AttendanceChange"
    request_entry.refresh_from_db()
    assert request_entry.student_id is None
