"""The council objects of one school side for the URL × role matrix (tests/accounts/world.py)."""

import datetime

from django.utils import timezone

from accounts.roles import Role
from casework.models import (
    Conclusion,
    CouncilHearing,
    CouncilSession,
    ObservationEntry,
    RegistryPlacement,
)
from casework.services import open_case
from tests import factories


def build(world, side, case) -> dict:
    """A held session with the case heard in absentia and its conclusion awaiting the
    director; today's planned session with another child's case on it; the child on the
    registry with a diary entry. Rows are written directly: the services are tested in
    tests/casework/test_council.py and test_registry.py."""
    today = timezone.localdate()
    if side is world.a:
        deputy, director = world.users[Role.DEPUTY], world.users[Role.DIRECTOR]
    else:
        deputy = factories.staff_user(Role.DEPUTY, side.school)
        director = factories.staff_user(Role.DIRECTOR, side.school)
    held = CouncilSession.objects.create(
        school=side.school,
        date=today - datetime.timedelta(days=7),
        number="1",
        status=CouncilSession.Status.HELD,
        chair=director,
        secretary=deputy,
        agenda="1. О посещаемости.",
        created_by=deputy,
    )
    held.members_present.set([director, deputy, side.class_teacher])
    hearing = CouncilHearing.objects.create(
        case=case,
        school=side.school,
        session=held,
        held=True,
        parents_present=False,
        discussion="О пропусках уроков",
        recommendations_child="Посещать уроки",
        recommendations_parents="Контролировать посещение",
        decision=CouncilHearing.Decision.REGISTRY,
        review_date=today + datetime.timedelta(days=30),
    )
    conclusion = Conclusion.objects.create(
        hearing=hearing,
        school=side.school,
        text="Поставить на внутришкольный учёт, провести ИПР.",
        work_until=today + datetime.timedelta(days=180),
    )
    planned = CouncilSession.objects.create(
        school=side.school, date=today, number="2", created_by=deputy
    )
    # The other student's case (open_case returns it if another topic opened it).
    other_case = open_case(
        student_id=side.other_student.pk, school_id=side.school.pk, reason="Пропуски"
    )
    pending = CouncilHearing.objects.create(case=other_case, school=side.school, session=planned)
    placement = RegistryPlacement.objects.create(
        student=side.student,
        school=side.school,
        case=case,
        placed_on=today - datetime.timedelta(days=3),
        basis="Заключение Совета профилактики",
    )
    observation = ObservationEntry.objects.create(
        placement=placement,
        date=today - datetime.timedelta(days=1),
        author=side.class_teacher,
        text="Пришёл на все уроки",
    )
    return {
        "council_session": held,
        "council_planned_session": planned,
        "council_hearing": hearing,
        "council_pending_hearing": pending,
        "council_other_case": other_case,
        "conclusion": conclusion,
        "registry_placement": placement,
        "observation": observation,
    }
