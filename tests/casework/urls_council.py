"""URL × role matrix entries of casework/views/council.py (merged by tests/casework/url_matrix.py).

The council is read by the whole school (casework.view_council; a psychologist sees only the
children referred to them, never the council's list of names) and run
by the social pedagogue, the deputy and the director (manage_council); the director approves
conclusions; the registry is read by the whole school and kept by the deputy and the
director; the observation diary is read and kept by whoever works the child's case.
Another school's objects answer 404."""

from accounts.roles import Role
from tests.test_url_permissions import (
    SUPERUSER,
    TERRITORY,
    WHOLE_SCHOOL,
    Case,
    allow,
    everyone,
)

COUNCIL_READERS = (*WHOLE_SCHOOL, SUPERUSER)
COUNCIL_MANAGERS = (*WHOLE_SCHOOL, SUPERUSER)
DIRECTOR = (Role.DIRECTOR, SUPERUSER)
REGISTRY_READERS = (*WHOLE_SCHOOL, SUPERUSER)
REGISTRY_KEEPERS = (Role.DEPUTY, Role.DIRECTOR, SUPERUSER)
# The case of school A's student: its class teacher, the whole school, the psychologist it
# is referred to (tests/casework/world.py).
CASE_READERS = (Role.CLASS_TEACHER, *WHOLE_SCHOOL, Role.PSYCHOLOGIST, SUPERUSER)


def in_school(*roles, yes=200) -> dict:
    """``roles`` get ``yes`` on an object of school A, its other staff 403, officials 404."""
    return allow(*roles, yes=yes) | dict.fromkeys(TERRITORY, 404)


def other_school(superuser=200) -> dict:
    return everyone(404, **{SUPERUSER: superuser})


def of_case(readers, allowed, yes=200) -> dict:
    """Pages reached through the child's case: who may not read it gets 404."""
    return everyone(404) | dict.fromkeys(readers, 403) | dict.fromkeys(allowed, yes)


def school_page(readers) -> list[Case]:
    return [
        Case("first school of the user", expect=allow(*readers)),
        Case("own school", query=lambda w: f"?school={w.a.school.pk}", expect=in_school(*readers)),
        Case("other school", query=lambda w: f"?school={w.b.school.pk}", expect=other_school()),
        Case("malformed school", query="?school=" + "9" * 20, expect=everyone(404)),
    ]


def object_pages(key: str, name: str, readers) -> list[Case]:
    return [
        Case("own school", kwargs=lambda w: {key: w.a.cw[name].pk}, expect=in_school(*readers)),
        Case("other school", kwargs=lambda w: {key: w.b.cw[name].pk}, expect=other_school()),
    ]


def session_data(w) -> dict:
    return {
        "date": "2026-01-20",
        "number": "5",
        "chair": w.users[Role.DIRECTOR].pk,
        "members": [w.users[Role.DEPUTY].pk],
        "agenda": "1. О посещаемости.",
    }


def hearing_data(w) -> dict:
    return {
        "parents_present": "yes",
        "decision": "positive",
        "assignments-TOTAL_FORMS": "0",
        "assignments-INITIAL_FORMS": "0",
    }


URLS: dict = {
    "casework:council_sessions": school_page(COUNCIL_READERS),
    "casework:council_session_create": [
        *school_page(COUNCIL_MANAGERS),
        Case(
            "POST own school",
            query=lambda w: f"?school={w.a.school.pk}",
            method="post",
            data=session_data,
            expect=in_school(*COUNCIL_MANAGERS, yes=302),
        ),
    ],
    "casework:council_session": object_pages("session_id", "council_session", COUNCIL_READERS),
    "casework:council_session_edit": [
        *object_pages("session_id", "council_planned_session", COUNCIL_MANAGERS),
        Case(
            "POST own school",
            kwargs=lambda w: {"session_id": w.a.cw["council_planned_session"].pk},
            method="post",
            data=session_data,
            expect=in_school(*COUNCIL_MANAGERS, yes=302),
        ),
    ],
    "casework:council_session_add_case": [
        Case(
            "GET",
            kwargs=lambda w: {"session_id": w.a.cw["council_planned_session"].pk},
            expect=everyone(405),
        ),
        Case(
            "POST own school",
            kwargs=lambda w: {"session_id": w.a.cw["council_planned_session"].pk},
            method="post",
            data=lambda w: {"case": w.a.cw["case"].pk},
            expect=in_school(*COUNCIL_MANAGERS, yes=302),
        ),
        Case(
            "POST another school's case",
            kwargs=lambda w: {"session_id": w.a.cw["council_planned_session"].pk},
            method="post",
            data=lambda w: {"case": w.b.cw["case"].pk},
            expect=in_school(*COUNCIL_MANAGERS, yes=302),
        ),
        Case(
            "POST other school",
            kwargs=lambda w: {"session_id": w.b.cw["council_planned_session"].pk},
            method="post",
            data=lambda w: {"case": w.b.cw["case"].pk},
            expect=other_school(superuser=302),
        ),
    ],
    "casework:council_protocol": object_pages("session_id", "council_session", COUNCIL_READERS),
    "casework:council_hearing": [
        *object_pages("hearing_id", "council_hearing", COUNCIL_READERS),
        Case(
            "form of a hearing to record",
            kwargs=lambda w: {"hearing_id": w.a.cw["council_pending_hearing"].pk},
            expect=in_school(*COUNCIL_READERS),
        ),
        Case(
            "POST own school",
            kwargs=lambda w: {"hearing_id": w.a.cw["council_pending_hearing"].pk},
            method="post",
            data=hearing_data,
            expect=in_school(*COUNCIL_MANAGERS, yes=302),
        ),
        Case(
            "POST other school",
            kwargs=lambda w: {"hearing_id": w.b.cw["council_pending_hearing"].pk},
            method="post",
            data=hearing_data,
            expect=other_school(superuser=302),
        ),
    ],
    "casework:council_conclusion": [
        *object_pages("conclusion_id", "conclusion", COUNCIL_READERS),
        Case(
            "POST approve own school",
            kwargs=lambda w: {"conclusion_id": w.a.cw["conclusion"].pk},
            method="post",
            data=lambda w: {"decision": "approved"},
            expect=in_school(*DIRECTOR, yes=302),
        ),
        Case(
            "POST approve other school",
            kwargs=lambda w: {"conclusion_id": w.b.cw["conclusion"].pk},
            method="post",
            data=lambda w: {"decision": "approved"},
            expect=other_school(superuser=302),
        ),
    ],
    "casework:council_conclusion_pdf": object_pages("conclusion_id", "conclusion", COUNCIL_READERS),
    "casework:case_put_on_session": [
        Case("GET", kwargs=lambda w: {"case_id": w.a.cw["case"].pk}, expect=everyone(405)),
        Case(
            "POST own school",
            kwargs=lambda w: {"case_id": w.a.cw["case"].pk},
            method="post",
            data=lambda w: {"session": w.a.cw["council_planned_session"].pk},
            expect=of_case(CASE_READERS, COUNCIL_MANAGERS, yes=302),
        ),
        Case(
            "POST another school's session",
            kwargs=lambda w: {"case_id": w.a.cw["case"].pk},
            method="post",
            data=lambda w: {"session": w.b.cw["council_planned_session"].pk},
            expect=of_case(CASE_READERS, COUNCIL_MANAGERS, yes=302),
        ),
        Case(
            "POST other school",
            kwargs=lambda w: {"case_id": w.b.cw["case"].pk},
            method="post",
            data=lambda w: {"session": w.b.cw["council_planned_session"].pk},
            expect=other_school(superuser=302),
        ),
    ],
    "casework:registry": [
        *school_page(REGISTRY_READERS),
        Case(
            "with the removed",
            query=lambda w: f"?school={w.a.school.pk}&removed=on",
            expect=in_school(*REGISTRY_READERS),
        ),
    ],
    "casework:registry_remove": [
        *object_pages("placement_id", "registry_placement", REGISTRY_KEEPERS),
        Case(
            "POST own school",
            kwargs=lambda w: {"placement_id": w.a.cw["registry_placement"].pk},
            method="post",
            data=lambda w: {"removed_on": "2000-01-01", "reason": "Исправился"},
            expect=in_school(*REGISTRY_KEEPERS),  # before the placement: the form again
        ),
    ],
    "casework:registry_diary": [
        Case(
            "own school",
            kwargs=lambda w: {"placement_id": w.a.cw["registry_placement"].pk},
            expect=of_case(CASE_READERS, CASE_READERS),
        ),
        Case(
            "other school",
            kwargs=lambda w: {"placement_id": w.b.cw["registry_placement"].pk},
            expect=other_school(),
        ),
        Case(
            "POST own school",
            kwargs=lambda w: {"placement_id": w.a.cw["registry_placement"].pk},
            method="post",
            data=lambda w: {"date": "2000-01-01", "text": "Без пропусков"},
            expect=of_case(CASE_READERS, CASE_READERS),  # before the placement: the form again
        ),
    ],
}
