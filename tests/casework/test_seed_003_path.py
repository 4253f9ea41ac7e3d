"""Seed 003's path walked end to end (the Kurgan algorithm, points 3–15):

3 school days absent without a valid reason → the class teacher invites the parents, and the
meeting logged at school completes the task; more than 5 days → the home visit with its act;
absence continuing → the case goes to the prevention council, the parents do not come → the
decision is taken in absentia and the class teacher must notify them; the decision to place
on the registry becomes a conclusion the director approves → the child is on the registry;
when the deadline of the recommendations passes → the repeat hearing and the deputy's task.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.roles import Role
from alerts.models import Alert, Rule, Task
from alerts.services import evaluate
from casework.models import (
    Case,
    Conclusion,
    CouncilHearing,
    ParentContact,
    RegistryPlacement,
)
from casework.services import (
    approve_conclusion,
    create_session,
    log_parent_contact,
    open_case_by_hand,
    put_on_session,
    record_hearing,
    schedule_repeat_hearings,
)
from casework.services.council import AssignmentData
from casework.services.visits import plan_visit, save_act
from journal.models import ReasonStatus
from tests import factories
from tests.alerts.conftest import World

MSK = ZoneInfo("Europe/Moscow")
D = datetime.date


def at(day, hour=10):
    return datetime.datetime(day.year, day.month, day.day, hour, 0, tzinfo=MSK)


def weekdays(start, count):
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def open_task(world, kind) -> Task:
    return Task.objects.get(student=world.student, kind=kind, status=Task.Status.OPEN)


@pytest.fixture
def world(db):
    world = World()
    world.director = factories.staff_user(Role.DIRECTOR, world.school)
    return world


def test_seed_003_from_three_days_to_the_repeat_hearing(world):
    # Absent without a valid reason from Monday 12 January 2026 (after the winter holidays).
    days = weekdays(D(2026, 1, 12), 15)

    # alg. 3: three days → invite the parents for a talk with the class teacher.
    world.miss(days[:3], ReasonStatus.INVALID)
    evaluate(school_ids=[world.school.pk], now=at(days[2], 20))
    invite = open_task(world, Task.Kind.INVITE_PARENTS)
    assert invite.alert.rule == Rule.STREAK_INVITE and invite.assignee == world.class_teacher
    meeting = log_parent_contact(
        student=world.student,
        school=world.school,
        acting_user=world.class_teacher,
        contact_type=ParentContact.ContactType.MEETING,
        contacted_at=at(days[3], 15),
        guardian_name="Петрова Анна Ивановна",
        result=ParentContact.Result.REACHED,
        summary="Профилактическая беседа: мать обещала проследить",
    )
    invite.refresh_from_db()
    assert invite.status == Task.Status.DONE and invite.result == meeting

    # alg. 4–5: more than five days → the home visit with the act.
    world.miss(days[:6], ReasonStatus.INVALID)
    evaluate(school_ids=[world.school.pk], now=at(days[5], 20))
    home_visit = open_task(world, Task.Kind.HOME_VISIT)
    assert home_visit.alert.rule == Rule.STREAK_HOME_VISIT
    # The streak rules open no case: the class teacher opens it to keep the act in it.
    case = open_case_by_hand(
        student=world.student,
        school=world.school,
        reason="Более 5 дней без уважительной причины",
        acting_user=world.class_teacher,
    )
    visit = plan_visit(
        case=case,
        planned_for=timezone.localdate(),
        members=[world.class_teacher, world.social_pedagogue],
        acting_user=world.class_teacher,
    )
    save_act(
        visit=visit,
        data={"visited_on": days[6], "measures_proposed": "Обеспечить посещение"},
        acting_user=world.class_teacher,
    )
    home_visit.refresh_from_db()
    assert home_visit.status == Task.Status.DONE and home_visit.result == visit

    # alg. 6: the absence goes on → the case is brought to the council.
    world.miss(days, ReasonStatus.INVALID)
    evaluate(school_ids=[world.school.pk], now=at(days[-1], 20))
    candidate = Task.objects.filter(student=world.student, kind=Task.Kind.COUNCIL_CANDIDATE)
    assert candidate.exists()  # the month's hours of a long absence
    assert Case.objects.get(student=world.student) == case  # the alert joined the case

    session_day = D(2026, 2, 6)  # a Friday
    session = create_session(
        school=world.school,
        date=session_day,
        number="5",
        chair=world.director,
        secretary=world.social_pedagogue,
        members=[world.deputy, world.social_pedagogue, world.class_teacher],
        acting_user=world.deputy,
    )
    hearing = put_on_session(session=session, case=case, acting_user=world.deputy)

    # alg. 7–8, 12, 15: the parents do not come; the decision is taken in absentia.
    record_hearing(
        hearing=hearing,
        acting_user=world.deputy,
        parents_present=False,
        decision=CouncilHearing.Decision.REGISTRY,
        discussion="Пропущено 15 дней без уважительной причины, меры не помогли",
        recommendations_child="Посещать все уроки",
        recommendations_parents="Ежедневно контролировать посещение",
        review_date=D(2026, 3, 6),
        work_until=D(2026, 5, 31),
        assignments=[
            AssignmentData(world.social_pedagogue, "Повторно посетить семью", D(2026, 2, 20))
        ],
    )
    hearing.refresh_from_db()
    assert hearing.in_absentia
    assert not candidate.filter(status=Task.Status.OPEN).exists()
    notify = open_task(world, Task.Kind.NOTIFY_ABSENT_PARENTS)
    assert (notify.assignee, notify.due_date) == (world.class_teacher, D(2026, 2, 9))
    assignment = open_task(world, Task.Kind.COUNCIL_ASSIGNMENT)
    assert (assignment.assignee, assignment.due_date) == (world.social_pedagogue, D(2026, 2, 20))

    # alg. 14: the conclusion, approved by the director, places the child on the registry.
    conclusion = Conclusion.objects.get(hearing=hearing)
    approval = open_task(world, Task.Kind.APPROVE_CONCLUSION)
    assert approval.assignee == world.director
    assert not RegistryPlacement.objects.exists()
    approve_conclusion(conclusion=conclusion, acting_user=world.director)
    placement = RegistryPlacement.objects.get(student=world.student)
    assert placement.conclusion == conclusion and placement.is_active
    approval.refresh_from_db()
    assert approval.status == Task.Status.DONE

    # alg. 9: the deadline passes → the repeat hearing waits for a session, the deputy acts.
    assert schedule_repeat_hearings(today=D(2026, 3, 6)) == []
    [repeat] = schedule_repeat_hearings(today=D(2026, 3, 10))
    assert (repeat.previous, repeat.session, repeat.case) == (hearing, None, case)
    task = open_task(world, Task.Kind.REPEAT_HEARING)
    assert task.assignee == world.deputy
    assert schedule_repeat_hearings(today=D(2026, 3, 11)) == []
    assert Alert.objects.filter(student=world.student, rule=Rule.STREAK_INVITE).exists()
