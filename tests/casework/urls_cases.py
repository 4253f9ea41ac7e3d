"""URL × role matrix entries of casework/views/cases.py and contacts.py.

The case of school A's ``student`` (``w.a.cw["case"]``) is read by the class teacher of the
student's class, the whole school (social pedagogue, deputy, director) and the psychologist
it is referred to; everyone else gets 404, as for any object they may not know of."""

from accounts.roles import Role
from tests.test_url_permissions import SUPERUSER, TERRITORY, WHOLE_SCHOOL, Case, allow, everyone

CASE_READERS = (Role.CLASS_TEACHER, *WHOLE_SCHOOL, Role.PSYCHOLOGIST, SUPERUSER)
MANAGERS = (Role.CLASS_TEACHER, *WHOLE_SCHOOL, SUPERUSER)  # casework.manage_case


def readers(readers=CASE_READERS, *, yes=200, managers=None) -> dict:
    """``managers`` get ``yes``, other readers 403, whoever may not read the case 404."""
    managers = readers if managers is None else managers
    return everyone(404) | dict.fromkeys(readers, 403) | dict.fromkeys(managers, yes)


def case_posts(allowed, data) -> list[Case]:
    return [
        Case("GET", kwargs=lambda w: {"case_id": w.a.cw["case"].pk}, expect=everyone(405)),
        Case(
            "POST own school",
            kwargs=lambda w: {"case_id": w.a.cw["case"].pk},
            method="post",
            data=data,
            expect=readers(yes=302, managers=allowed),
        ),
        Case(
            "POST other school",
            kwargs=lambda w: {"case_id": w.b.cw["case"].pk},
            method="post",
            data=data,
            expect=everyone(404, **{SUPERUSER: 302}),
        ),
    ]


URLS: dict = {
    "casework:case_list": [
        Case(
            "list",
            expect=allow(
                Role.CLASS_TEACHER,
                *WHOLE_SCHOOL,
                Role.PSYCHOLOGIST,
                SUPERUSER,
            ),
        )
    ],
    "casework:case_detail": [
        Case("own school", kwargs=lambda w: {"case_id": w.a.cw["case"].pk}, expect=readers()),
        Case(
            "other school",
            kwargs=lambda w: {"case_id": w.b.cw["case"].pk},
            expect=everyone(404, **{SUPERUSER: 200}),
        ),
    ],
    "casework:case_dossier": [
        Case("own school", kwargs=lambda w: {"case_id": w.a.cw["case"].pk}, expect=readers()),
        Case(
            "other school",
            kwargs=lambda w: {"case_id": w.b.cw["case"].pk},
            expect=everyone(404, **{SUPERUSER: 200}),
        ),
    ],
    "casework:case_status": case_posts(MANAGERS, lambda w: {"status": "monitoring"}),
    "casework:case_responsible": case_posts(
        MANAGERS, lambda w: {"responsible": [w.a.class_teacher.pk]}
    ),
    "casework:case_family_centre": case_posts(CASE_READERS, lambda w: {"status": "confirmed"}),
    "casework:case_contact": case_posts(
        CASE_READERS,
        lambda w: {
            "student": w.a.student.pk,
            "contact_type": "phone_call",
            "guardian_name": "Иванова Мария Петровна",
            "contacted_at": "2026-01-10T10:00",
            "result": "reached",
        },
    ),
    # The student's case: a redirect to it for its readers; a subject teacher and the
    # administrator see the student but not the case (404); officials never see pupils.
    "casework:student_case": [
        Case(
            "student with a case",
            kwargs=lambda w: {"student_id": w.a.student.pk},
            expect=everyone(404) | dict.fromkeys(CASE_READERS, 302) | dict.fromkeys(TERRITORY, 404),
        ),
        # The other student's case (tests/casework/world_council.py) is the whole school's:
        # the administrator sees the student, not the case; the others see neither.
        Case(
            "student of another class with a case",
            kwargs=lambda w: {"student_id": w.a.other_student.pk},
            expect=everyone(403)
            | dict.fromkeys((*WHOLE_SCHOOL, SUPERUSER), 302)
            | {Role.SCHOOL_ADMIN: 404}
            | dict.fromkeys(TERRITORY, 404),
        ),
        Case(
            "other school",
            kwargs=lambda w: {"student_id": w.b.student.pk},
            expect=everyone(404, **{SUPERUSER: 302}),
        ),
    ],
}
