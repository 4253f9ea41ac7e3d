"""Seed 001 (criterion №22) end to end: 11 school days absent from every lesson with the
reason unknown → the alert → the class teacher's and deputy's tasks; doing each thing in
casework completes its task; the weekly control recurs while the case is open and stops
when the case is closed."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from alerts.models import Alert, Rule, Task
from alerts.services import complete_task, evaluate
from casework.models import Case, FamilyCentreStatus, ParentContact
from casework.services import change_case_status, log_parent_contact, set_family_centre_status
from casework.services.plan import create_plan
from tests.alerts.conftest import World

MSK = ZoneInfo("Europe/Moscow")
D = datetime.date


def at(day, hour=10):
    return datetime.datetime(day.year, day.month, day.day, hour, 0, tzinfo=MSK)


def school_days(start, count):
    days, day = [], start
    while len(days) < count:
        if day.isoweekday() <= 5:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def open_tasks(student, kind):
    return Task.objects.filter(student=student, kind=kind, status=Task.Status.OPEN)


@pytest.fixture
def world(db):
    world = World()
    world.miss(school_days(D(2025, 11, 10), 11))  # Mon 10 … Mon 24 Nov, reason unknown
    evaluate(school_ids=[world.school.pk], now=at(D(2025, 11, 24), 20))
    return world


def test_criterion_22_opens_the_case_and_the_tasks_of_seed_001(world):
    alert = Alert.objects.get(student=world.student, rule=Rule.CRITERION_22)
    case = Case.objects.get(student=world.student, school=world.school)
    # One case, opened by the first of the month's alerts (criterion №22 or the long
    # absence of the same days).
    assert case.opened_by_alert is not None and case.status == Case.Status.OPEN
    assert set(case.responsible.all()) >= {world.class_teacher, world.deputy}
    assert set(alert.tasks.values_list("kind", flat=True)) == {
        Task.Kind.INFORM_DEPUTY,  # step 2: at once
        Task.Kind.PARENT_MEETING,  # step 4: within 2 days
        Task.Kind.FAMILY_CENTRE_STATUS,  # step 3: within 3–5 days
        Task.Kind.PREVENTION_PLAN,  # step 5: within 5 days
        Task.Kind.PLAN_CONTROL,  # step 6: weekly
        Task.Kind.FAMILY_CONTACT,  # step 7: weekly
    }


def test_the_meeting_and_the_family_centre_status_complete_their_tasks(world):
    case = Case.objects.get(student=world.student)
    meeting = log_parent_contact(
        student=world.student,
        school=world.school,
        acting_user=world.class_teacher,
        contact_type=ParentContact.ContactType.MEETING,
        contacted_at=at(D(2025, 11, 25), 15),
        result=ParentContact.Result.REACHED,
        guardian_name="Петрова Анна Ивановна",
        summary="Родителям сообщено об организации помощи и постановке на учёт",
    )
    task = Task.objects.get(student=world.student, kind=Task.Kind.PARENT_MEETING)
    assert task.status == Task.Status.DONE and task.result == meeting
    assert task.done_by == world.class_teacher

    set_family_centre_status(
        case=case, status=FamilyCentreStatus.NOT_CONFIRMED, acting_user=world.class_teacher
    )
    status_task = Task.objects.get(student=world.student, kind=Task.Kind.FAMILY_CENTRE_STATUS)
    assert status_task.status == Task.Status.DONE
    case.refresh_from_db()
    assert case.family_centre_status == FamilyCentreStatus.NOT_CONFIRMED


def test_the_plan_drawn_up_by_the_deputy_completes_the_plan_task(world):
    case = Case.objects.get(student=world.student)
    plan = create_plan(
        case=case,
        goal="Вернуть ребёнка к регулярному посещению занятий",
        start_date=D(2025, 11, 26),
        end_date=D(2026, 1, 31),
        acting_user=world.deputy,
    )
    task = Task.objects.get(student=world.student, kind=Task.Kind.PREVENTION_PLAN)
    assert (task.status, task.result, task.done_by) == (Task.Status.DONE, plan, world.deputy)


def test_the_weekly_control_recurs_while_the_case_is_open_and_stops_when_closed(world):
    first = open_tasks(world.student, Task.Kind.PLAN_CONTROL).get()
    complete_task(task=first, acting_user=world.class_teacher, note="План выполняется")
    second = open_tasks(world.student, Task.Kind.PLAN_CONTROL).get()
    assert second.sequence == 2
    assert second.due_date == first.due_date + datetime.timedelta(days=7)

    case = Case.objects.get(student=world.student)
    change_case_status(
        case=case,
        status=Case.Status.CLOSED,
        reason="Ребёнок вернулся к учёбе",
        acting_user=world.deputy,
    )
    assert not open_tasks(world.student, Task.Kind.PLAN_CONTROL).exists()
    second.refresh_from_db()
    assert second.status == Task.Status.CANCELLED
    # The nightly evaluation that follows does not bring the control back.
    evaluate(school_ids=[world.school.pk], now=at(D(2025, 11, 26), 20))
    assert not open_tasks(world.student, Task.Kind.PLAN_CONTROL).exists()
