"""Casework objects of one school side (tests/accounts/world.py calls :func:`build_casework`).

Each topic adds its objects in its own ``world_<topic>.py``: ``side.cw["name"]``."""

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
    for builder in BUILDERS:
        objects |= builder.build(world, side, case)
    return objects
