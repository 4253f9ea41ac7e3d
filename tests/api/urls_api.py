"""The API's URLs and the token pages in the URL × role matrix (tests/test_url_permissions.py).

The API answers 401 (not a redirect to the sign-in page) to a request without credentials;
what each role gets is what the same page gives them (journal:lesson, alerts:school_alerts).
"""

from accounts.roles import Role
from api.services import create_integration_token, create_personal_token
from tests.accounts.world import SUPERUSER
from tests.test_url_permissions import (
    LOGIN,
    MARKERS,
    SCHOOL_ROLES,
    TERRITORY,
    WHOLE_SCHOOL,
    Case,
    allow,
    everyone,
    in_school,
    other_school,
)

API = {"anonymous": 401}
READERS = (
    Role.SUBJECT_TEACHER,
    Role.CLASS_TEACHER,
    Role.SOCIAL_PEDAGOGUE,
    Role.DEPUTY,
    Role.DIRECTOR,
    SUPERUSER,
)
TOKEN_KEEPERS = (Role.DEPUTY, Role.DIRECTOR, SUPERUSER)


def _personal_token_id(world) -> dict:
    token, _secret = create_personal_token(acting_user=world.a.class_teacher, name="матрица")
    return {"token_id": token.pk}


def _integration_token_id(side, world) -> dict:
    director = world.users[Role.DIRECTOR] if side is world.a else world.users[SUPERUSER]
    token, _secret = create_integration_token(
        acting_user=director, school=side.school, name="матрица", scopes=["marks:read"]
    )
    return {"token_id": token.pk}


def _school_cases(readers) -> list[Case]:
    return [
        Case(
            "own school",
            kwargs=lambda w: {"school_id": w.a.school.pk},
            expect=in_school(*readers),
            **API,
        ),
        Case(
            "other school",
            kwargs=lambda w: {"school_id": w.b.school.pk},
            expect=other_school(),
            **API,
        ),
    ]


def _mark(world) -> dict:
    return {"kind": "late", "minutes_late": 5, "client_key": "matrix"}


URLS = {
    "api:v1_my_lessons": [Case("", expect=everyone(200), **API)],
    "api:v1_lesson": [
        Case(
            "own school",
            kwargs=lambda w: {"lesson_id": w.a.lesson.pk},
            expect=allow(*READERS) | dict.fromkeys(TERRITORY, 404),
            **API,
        ),
        Case(
            "other school",
            kwargs=lambda w: {"lesson_id": w.b.lesson.pk},
            expect=other_school(),
            **API,
        ),
    ],
    # Readers who may not mark: the service's refusal, 403.
    "api:v1_lesson_mark": [
        Case(
            "PUT own school",
            kwargs=lambda w: {"lesson_id": w.a.lesson.pk, "student_id": w.a.student.pk},
            method="put",
            data=_mark,
            expect=in_school(*MARKERS),
            **API,
        ),
        Case(
            "PUT other school",
            kwargs=lambda w: {"lesson_id": w.b.lesson.pk, "student_id": w.b.student.pk},
            method="put",
            data=_mark,
            expect=other_school(),
            **API,
        ),
        Case(
            "GET",
            kwargs=lambda w: {"lesson_id": w.a.lesson.pk, "student_id": w.a.student.pk},
            expect=everyone(405),
            **API,
        ),
    ],
    # Every school role sees some of the school's students (a subject teacher those of the
    # classes they teach, a psychologist those referred to them); officials none (404).
    "api:v1_school_students": _school_cases((*SCHOOL_ROLES, SUPERUSER)),
    # The overview of the school's alerts: its whole-school staff (alerts.view_school_alerts).
    "api:v1_school_alerts": _school_cases((*WHOLE_SCHOOL, SUPERUSER)),
    # Tasks: every school role sees its own (deputy and director all of the school's).
    "api:v1_school_tasks": _school_cases((*SCHOOL_ROLES, SUPERUSER)),
    "api:schema": [Case("", expect=everyone(200), **API)],
    "api:docs": [Case("", expect=everyone(200), **API)],
    # Pages: a user's own personal tokens; a school's integration tokens (director, deputy).
    "api:tokens": [
        Case("", expect=everyone(200)),
        Case("POST", method="post", data=lambda w: {"name": "Телефон"}, expect=everyone(200)),
    ],
    "api:school_tokens": [
        Case(
            "own school",
            kwargs=lambda w: {"school_id": w.a.school.pk},
            expect=in_school(*TOKEN_KEEPERS),
        ),
        Case(
            "POST own school",
            kwargs=lambda w: {"school_id": w.a.school.pk},
            method="post",
            data=lambda w: {"name": "ЭЖД", "scopes": ["marks:read"]},
            expect=in_school(*TOKEN_KEEPERS),
        ),
        Case(
            "other school",
            kwargs=lambda w: {"school_id": w.b.school.pk},
            expect=other_school(),
        ),
    ],
    # Another user's personal token does not exist for the user, superuser included.
    "api:token_revoke": [
        Case("GET", kwargs=_personal_token_id, expect=everyone(405), anonymous=LOGIN),
        Case(
            "POST own personal",
            kwargs=_personal_token_id,
            method="post",
            expect=everyone(404, **{Role.CLASS_TEACHER: 302}),
        ),
        Case(
            "POST integration of own school",
            kwargs=lambda w: _integration_token_id(w.a, w),
            method="post",
            expect=in_school(*TOKEN_KEEPERS, yes=302),
        ),
        Case(
            "POST integration of other school",
            kwargs=lambda w: _integration_token_id(w.b, w),
            method="post",
            expect=other_school(superuser=302),
        ),
    ],
}
