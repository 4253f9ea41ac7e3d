"""Casework objects of one school side (tests/accounts/world.py calls :func:`build_casework`).

Each topic adds its objects in its own ``world_<topic>.py``: ``side.cw["name"]``."""

from accounts.roles import Role
from casework.models import Body, Referral
from casework.services import open_case

from . import world_council, world_documents, world_plan, world_referrals, world_visits

BUILDERS = (world_visits, world_council, world_plan, world_referrals, world_documents)


def build_casework(world, side) -> dict:
    case = open_case(
        student_id=side.student.pk,
        school_id=side.school.pk,
        reason="Систематические пропуски",
        responsible=[side.class_teacher.pk],
    )
    objects = {"case": case}
    if side is world.a:
        # School A's psychologist works this child only: referred to them (spec §1).
        objects["psychologist_referral"] = Referral.objects.create(
            case=case,
            school=side.school,
            body=Body.PSYCHOLOGIST,
            psychologist=world.users[Role.PSYCHOLOGIST],
            purpose=Referral.Purpose.HELP,
        )
    for builder in BUILDERS:
        objects |= builder.build(world, side, case)
    return objects
