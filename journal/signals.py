"""Signals other apps listen to. Sent after the transaction commits."""

from django.db import transaction
from django.dispatch import Signal

# Sent with student_ids (a frozenset) and school_id whenever marks, reasons or excuse
# documents of those students changed; the threshold engine re-evaluates them.
attendance_changed = Signal()


def notify_attendance_changed(*, school_id: int, student_ids) -> None:
    ids = frozenset(student_ids)
    if not ids:
        return
    transaction.on_commit(
        lambda: attendance_changed.send(sender=None, school_id=school_id, student_ids=ids)
    )
