"""The visits objects of one school side for the URL × role matrix (tests/accounts/world.py)."""

import datetime

from django.utils import timezone

from casework.models import HomeVisit


def build(world, side, case) -> dict:
    """A planned visit (not yet agreed) and a done one with its act drawn up by the class
    teacher. Rows are written directly: the services are tested in
    tests/casework/test_visits.py."""
    today = timezone.localdate()
    planned = HomeVisit.objects.create(
        case=case,
        student=side.student,
        school=side.school,
        planned_for=today + datetime.timedelta(days=2),
        planned_by=side.class_teacher,
    )
    planned.members.set([side.class_teacher])
    done = HomeVisit.objects.create(
        case=case,
        student=side.student,
        school=side.school,
        status=HomeVisit.Status.DONE,
        planned_for=today - datetime.timedelta(days=3),
        visited_on=today - datetime.timedelta(days=3),
        planned_by=side.class_teacher,
        agreed_at=timezone.now(),
        student_name=side.student.full_name,
        birth_year=side.student.birth_date.year,
        class_name=str(side.school_class),
        sanitary_state="satisfactory",
        child_conditions=["sleeping_place", "study_place"],
        responsibility_explained=True,
        measures_proposed="Обеспечить ежедневное посещение школы.",
        act_by=side.class_teacher,
        act_saved_at=timezone.now(),
    )
    done.members.set([side.class_teacher])
    return {"planned_visit": planned, "done_visit": done}
