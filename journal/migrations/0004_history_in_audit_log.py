"""One history: the audit log becomes the student's attendance history.

Until now each change was written twice, to journal.AttendanceChange (the student card's
history) and to audit.AuditEntry. The audit entries did not hold every fact of the history
rows: reasons were logged once per request without the reason each absence had before, the
excuse entries lacked the document's kind and dates, no entry named its student, and the demo
data wrote history rows with no audit entry at all. So each history row is carried over:

* into the audit entry written with it, when there is one (a mark's change: same lesson,
  student, old and new state, written within a minute; a document's registration or
  withdrawal: same document), which gains the student and the history's old / new and
  lesson;
* else into a new audit entry at the row's time, marked ``"copied_from":
  "journal.AttendanceChange"``.

Then the table is dropped. Unapplying recreates it empty: the history stays in the audit log.
"""

import datetime
import json

from django.db import migrations

BATCH = 2000
COPIED_FROM = "journal.AttendanceChange"
SAME_CHANGE_WITHIN = datetime.timedelta(minutes=1)

MARK_CHANGED = "journal.mark.changed"
ACTION_FOR = {
    "mark_set": MARK_CHANGED,
    "mark_changed": MARK_CHANGED,
    "mark_cleared": MARK_CHANGED,
    "reason_set": "journal.reason.set",
    "excuse_added": "journal.excuse.registered",
    "excuse_withdrawn": "journal.excuse.withdrawn",
}
EXCUSE_ACTIONS = ("journal.excuse.registered", "journal.excuse.withdrawn")


def _canonical(value) -> str:
    return json.dumps(value or {}, sort_keys=True)


def _history_data(change, lessons) -> dict:
    """The audit entry data the journal writes today for this kind of change."""
    data = {"student_id": change.student_id}
    if change.lesson_id in lessons:
        data["lesson"] = lessons[change.lesson_id]
    if change.action == "excuse_withdrawn":
        data["reason"] = (change.new or {}).get("reason", "")
    if change.old:
        data["old"] = change.old
    if change.new:
        data["new"] = change.new
    return data


def _lessons(Lesson, db, changes) -> dict:
    """{lesson id: the lesson as the history names it} (journal.services.history.lesson_facts)."""
    rows = Lesson.objects.using(db).filter(pk__in={c.lesson_id for c in changes if c.lesson_id})
    return {
        row["id"]: {
            "id": row["id"],
            "date": row["date"],
            "period": row["period"],
            "subject": row["subject__name"],
        }
        for row in rows.values("id", "date", "period", "subject__name")
    }


def _mark_entries(Entry, db, lesson_type, changes):
    """{(lesson id, student id, old, new): [entry, …]} of the mark entries of these lessons."""
    lesson_ids = {
        str(c.lesson_id) for c in changes if ACTION_FOR[c.action] == MARK_CHANGED and c.lesson_id
    }
    found = {}
    entries = Entry.objects.using(db).filter(
        action=MARK_CHANGED,
        content_type=lesson_type,
        object_id__in=lesson_ids,
        student__isnull=True,
    )
    for entry in entries.order_by("created_at", "id"):
        data = entry.data or {}
        key = (
            entry.object_id,
            data.get("student_id"),
            _canonical(data.get("old")),
            _canonical(data.get("new")),
        )
        found.setdefault(key, []).append(entry)
    return found


def _excuse_entries(Entry, db, excuse_type, changes):
    """{(action, excuse id): entry} of the document entries of these changes."""
    excuse_ids = {str(c.excuse_id) for c in changes if c.excuse_id}
    entries = Entry.objects.using(db).filter(
        action__in=EXCUSE_ACTIONS,
        content_type=excuse_type,
        object_id__in=excuse_ids,
        student__isnull=True,
    )
    return {(entry.action, entry.object_id): entry for entry in entries.order_by("id")}


def _written_with(change, marks, excuses):
    """The audit entry written in the transaction of this history row, if any."""
    action = ACTION_FOR[change.action]
    if action == MARK_CHANGED and change.lesson_id:
        key = (
            str(change.lesson_id),
            change.student_id,
            _canonical(change.old),
            _canonical(change.new),
        )
        candidates = marks.get(key, [])
        for index, entry in enumerate(candidates):
            if abs(entry.created_at - change.created_at) <= SAME_CHANGE_WITHIN:
                return candidates.pop(index)
        return None
    if action in EXCUSE_ACTIONS and change.excuse_id:
        return excuses.pop((action, str(change.excuse_id)), None)
    return None


def copy_history(apps, schema_editor):
    db = schema_editor.connection.alias
    Change = apps.get_model("journal", "AttendanceChange")
    Entry = apps.get_model("audit", "AuditEntry")
    Lesson = apps.get_model("journal", "Lesson")
    ContentType = apps.get_model("contenttypes", "ContentType")
    changes = Change.objects.using(db).order_by("id")
    if not changes.exists():
        return
    types = ContentType.objects.db_manager(db)
    lesson_type, _ = types.get_or_create(app_label="journal", model="lesson")
    excuse_type, _ = types.get_or_create(app_label="journal", model="excusedocument")

    last_id = 0
    while True:
        batch = list(changes.filter(id__gt=last_id)[:BATCH])
        if not batch:
            break
        last_id = batch[-1].id
        marks = _mark_entries(Entry, db, lesson_type, batch)
        excuses = _excuse_entries(Entry, db, excuse_type, batch)
        lessons = _lessons(Lesson, db, batch)
        updated, created = [], []
        for change in batch:
            history = _history_data(change, lessons)
            entry = _written_with(change, marks, excuses)
            if entry is not None:
                entry.student_id = change.student_id
                entry.data = {**history, **(entry.data or {})}
                updated.append(entry)
                continue
            if change.lesson_id:
                content_type, object_id = lesson_type, str(change.lesson_id)
            elif change.excuse_id:
                content_type, object_id = excuse_type, str(change.excuse_id)
            else:
                content_type, object_id = None, ""
            created.append(
                Entry(
                    created_at=change.created_at,
                    actor_id=change.actor_id,
                    action=ACTION_FOR[change.action],
                    school_id=change.school_id,
                    student_id=change.student_id,
                    content_type=content_type,
                    object_id=object_id,
                    data={**history, "copied_from": COPIED_FROM},
                )
            )
        Entry.objects.using(db).bulk_update(updated, ["student", "data"], batch_size=BATCH)
        Entry.objects.using(db).bulk_create(created, batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_auditentry_student"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("journal", "0003_marks"),
    ]

    operations = [
        migrations.RunPython(copy_history, migrations.RunPython.noop, elidable=True),
        migrations.DeleteModel(
            name="AttendanceChange",
        ),
    ]
