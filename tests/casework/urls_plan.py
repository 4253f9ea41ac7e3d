"""URL × role matrix entries of casework/views/plan.py (merged by tests/casework/url_matrix.py).

The plan of school A's case is read by whoever reads the case (the referred psychologist
too); it is drawn up and changed by the class teacher and the whole school
(casework.manage_plan); the weekly control is written by whoever works the case; a
measure's outcome by the plan's managers or the measure's responsible person."""

from tests.casework.urls_cases import CASE_READERS, MANAGERS, readers
from tests.test_url_permissions import SUPERUSER, Case, everyone

OTHER_SCHOOL = everyone(404, **{SUPERUSER: 200})


def _gets(key, obj, managers=CASE_READERS) -> list[Case]:
    """A page of school A's ``obj`` for ``managers`` (other readers 403), and school B's."""
    return [
        Case(
            "own school", kwargs=lambda w: {key: w.a.cw[obj].pk}, expect=readers(managers=managers)
        ),
        Case("other school", kwargs=lambda w: {key: w.b.cw[obj].pk}, expect=OTHER_SCHOOL),
    ]


def _posts(key, obj, allowed, data) -> list[Case]:
    return [
        Case("GET", kwargs=lambda w: {key: w.a.cw[obj].pk}, expect=everyone(405)),
        Case(
            "POST own school",
            kwargs=lambda w: {key: w.a.cw[obj].pk},
            method="post",
            data=data,
            expect=readers(yes=302, managers=allowed),
        ),
        Case(
            "POST other school",
            kwargs=lambda w: {key: w.b.cw[obj].pk},
            method="post",
            data=data,
            expect=everyone(404, **{SUPERUSER: 302}),
        ),
    ]


URLS: dict = {
    "casework:plan_create": _gets("case_id", "case", MANAGERS),
    "casework:plan_detail": _gets("plan_id", "plan"),
    "casework:plan_edit": _gets("plan_id", "plan", MANAGERS),
    "casework:plan_pdf": _gets("plan_id", "plan"),
    "casework:plan_measure_create": _gets("plan_id", "plan", MANAGERS),
    "casework:plan_measure_edit": _gets("measure_id", "plan_measure", MANAGERS),
    "casework:plan_complete": _posts("plan_id", "plan", MANAGERS, lambda w: {"summary": "Итоги"}),
    "casework:plan_control": _posts(
        "plan_id",
        "plan",
        CASE_READERS,
        lambda w: {"control-date": "2026-01-12", "control-text": "Ок"},
    ),
    # The psychologist reads the case but is not the measure's responsible person: 403.
    "casework:plan_measure_outcome": _posts(
        "measure_id",
        "plan_measure",
        MANAGERS,
        lambda w: {f"m{w.a.cw['plan_measure'].pk}-status": "done"},
    ),
}
