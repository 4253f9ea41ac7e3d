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


# Panels that apps above the journal add to its pages; the journal never imports them.
# Receivers return rendered HTML (SafeString) for the user of ``request``:
#   class_day_panels(request, school_class, day, students) -> {student_id: html}, shown in
#     each student's block of the class day (casework: the parents' contacts and the way
#     to log one);
#   student_card_panels(request, student, school) -> html, shown on the student's card
#     (casework: the contacts with the parents).
class_day_panels = Signal()
student_card_panels = Signal()


def class_day_panels_for(*, request, school_class, day, students) -> dict[int, list[str]]:
    """Every receiver's panels of the class day, by student."""
    panels: dict[int, list[str]] = {student.pk: [] for student in students}
    responses = class_day_panels.send(
        sender=None,
        request=request,
        school_class=school_class,
        day=day,
        students=students,
    )
    for _receiver, by_student in responses:
        for student_id, html in (by_student or {}).items():
            panels.setdefault(student_id, []).append(html)
    return panels


def student_card_panels_for(*, request, student, school) -> list[str]:
    """Every receiver's panel of a student's card, in order."""
    responses = student_card_panels.send(
        sender=None, request=request, student=student, school=school
    )
    return [html for _receiver, html in responses if html]
