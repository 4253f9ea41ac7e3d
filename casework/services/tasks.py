"""Casework does what the tasks ask (R-C-1): the record that does it completes the task."""

import datetime

from alerts.models import Task
from alerts.services import complete_task


def complete_tasks_for(
    *, student, school, kinds, result, acting_user, on: datetime.date | None = None
) -> list[Task]:
    """Complete the student's open tasks of ``kinds`` in the school, linking ``result`` (the
    contact, act, plan … that did it). A recurring task opens its next instance. ``on``:
    the day the thing was done; a task due later than a week after it is left open (a
    weekly contact logged today does not do next month's)."""
    tasks = Task.objects.filter(
        student=student, school=school, kind__in=list(kinds), status=Task.Status.OPEN
    ).select_related("alert")
    if on is not None:
        tasks = tasks.filter(due_date__lte=on + datetime.timedelta(days=7))
    done = []
    for task in tasks.order_by("due_date", "pk"):
        try:
            done.append(complete_task(task=task, acting_user=acting_user, result=result))
        except ValueError:  # closed meanwhile by someone else
            continue
    return done
