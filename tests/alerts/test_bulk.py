"""alerts.bulk.copy_insert: rows through COPY, conflicts skipped, values kept exactly."""

import datetime
import json

import pytest
from django.db import transaction
from django.utils import timezone

from alerts.bulk import copy_insert, copy_update
from alerts.models import Alert, Notification, Task
from tests import factories

pytestmark = pytest.mark.django_db

COLUMNS = ("user_id", "alert_id", "task_id", "text", "link", "created_at")


def test_values_arrive_as_they_were_sent():
    user = factories.UserFactory()
    now = timezone.now()
    texts = ['Кавычки " и \\ обратная черта', "табуляция\tи\nперевод строки", "", "=1+2"]
    with transaction.atomic():
        returned = copy_insert(
            Notification._meta.db_table,
            COLUMNS,
            [(user.pk, None, None, text, "", now) for text in texts],
            returning=("id", "text", "alert_id", "link"),
        )
    assert [row[1] for row in returned] == texts
    # An unquoted empty field is NULL, a quoted one an empty string.
    assert {(row[2], row[3]) for row in returned} == {(None, "")}
    stored = Notification.objects.get(pk=returned[0][0])
    assert stored.created_at == now and stored.user_id == user.pk


def test_rows_that_conflict_are_skipped_and_not_returned():
    student = factories.enrolled_student(factories.SchoolClassFactory())
    columns = (
        "school_id",
        "student_id",
        "rule",
        "episode",
        "period_start",
        "period_end",
        "evidence",
        "digest",
        "status",
        "fired_at",
        "resolution",
    )
    school_id = student.enrollments.get().school_class.school_id
    day = datetime.date(2025, 10, 14)

    def row(episode):
        evidence = json.dumps({"dates": [day.isoformat()], "days": 1})
        return (school_id, student.pk, "unknown_reason", episode, day, day, evidence, "d", "open")

    now = timezone.now()
    with transaction.atomic():
        first = copy_insert(
            Alert._meta.db_table, columns, [(*row("a"), now, "")], returning=("id",)
        )
        again = copy_insert(
            Alert._meta.db_table,
            columns,
            [(*row("a"), now, ""), (*row("b"), now, "")],
            returning=("episode",),
        )
    assert len(first) == 1 and again == [("b",)]
    assert Alert.objects.get(episode="a").evidence == {"dates": ["2025-10-14"], "days": 1}


def test_a_row_twice_in_one_call_is_inserted_once_and_other_errors_still_raise():
    user = factories.UserFactory()
    task = factories.TaskFactory()
    now = timezone.now()
    row = (user.pk, None, task.pk, "Одна и та же строка", "", now)
    table = Notification._meta.db_table
    with transaction.atomic():
        # one_notification: the plain INSERT fails, the retry skips the second row.
        returned = copy_insert(table, COLUMNS, [row, row], returning=("text",))
    assert returned == [("Одна и та же строка",)]
    assert Notification.objects.filter(user=user).count() == 1
    # Anything but a unique violation is not taken for a conflict.
    with pytest.raises(Exception, match="null value"), transaction.atomic():
        copy_insert(table, COLUMNS, [(None, None, task.pk, "без адресата", "", now)])


def test_copy_update_sets_each_row_its_own_values_and_leaves_the_others():
    tasks = factories.TaskFactory.create_batch(3)
    with transaction.atomic():
        updated = copy_update(
            Task._meta.db_table,
            ("id", "note", "due_date"),
            [
                (tasks[0].pk, 'Позвонили; мама сказала "болеет"', datetime.date(2026, 12, 1)),
                (tasks[1].pk, "", datetime.date(2026, 12, 2)),
            ],
        )
    assert updated == 2
    for task, (note, due) in zip(
        tasks,
        [
            ('Позвонили; мама сказала "болеет"', datetime.date(2026, 12, 1)),
            ("", datetime.date(2026, 12, 2)),
            (tasks[2].note, tasks[2].due_date),
        ],
        strict=True,
    ):
        task.refresh_from_db()
        assert (task.note, task.due_date) == (note, due)
