"""URL × role matrix entries of administration/: classes, staff and roles, subjects of a
school (its administrator and director; the municipal specialist over it sees the staff
and appoints the leadership), and the municipality's leadership page.

School A is the users' school; school B is in another municipality. Its objects answer 404
to everyone but the superuser. POST cases are rolled back after each role."""

from accounts.roles import Role
from tests.test_url_permissions import (
    SUPERUSER,
    Case,
    allow,
    everyone,
    in_school,
    other_school,
)

MANAGERS = (Role.SCHOOL_ADMIN, Role.DIRECTOR, SUPERUSER)
# The staff pages: the managers and the municipal specialist of school A's municipality;
# the regional specialist does not know of them.
STAFF_READERS = (*MANAGERS, Role.MUNICIPAL)
# Who may take a person on: someone who may grant a role in the school.
STAFF_GRANTERS = (Role.SCHOOL_ADMIN, Role.MUNICIPAL, SUPERUSER)


def staff_expect(*roles, yes=200) -> dict:
    return allow(*roles, yes=yes) | {Role.REGIONAL: 404}


def _school(w):
    return {"school_id": w.a.school.pk}


def _other_school(w):
    return {"school_id": w.b.school.pk}


def _member(side):
    return lambda w: {"school_id": side(w).school.pk, "user_id": side(w).class_teacher.pk}


def _a(w):
    return w.a


def _b(w):
    return w.b


def _post_only(kwargs, data, expect, other_kwargs) -> list[Case]:
    return [
        Case("GET", kwargs=kwargs, expect=everyone(405), anonymous=405),
        Case("POST own school", kwargs=kwargs, method="post", data=data, expect=expect),
        Case(
            "POST other school",
            kwargs=other_kwargs,
            method="post",
            data=data,
            expect=other_school(superuser=302),
        ),
    ]


URLS: dict = {
    "administration:index": [
        Case("start", expect=allow(*MANAGERS, Role.MUNICIPAL)),
    ],
    "administration:classes": [
        Case("own school", kwargs=_school, expect=in_school(*MANAGERS)),
        Case("other school", kwargs=_other_school, expect=other_school()),
    ],
    "administration:class_add": [
        Case("own school", kwargs=_school, expect=in_school(*MANAGERS)),
        Case(
            "POST own school",
            kwargs=_school,
            method="post",
            data=lambda w: {"grade": "9", "letter": "Я"},
            expect=in_school(*MANAGERS, yes=302),
        ),
        Case("other school", kwargs=_other_school, expect=other_school()),
    ],
    "administration:class_edit": [
        Case(
            "own school",
            kwargs=lambda w: {"class_id": w.a.school_class.pk},
            expect=in_school(*MANAGERS),
        ),
        Case(
            "POST own school",
            kwargs=lambda w: {"class_id": w.a.school_class.pk},
            method="post",
            data=lambda w: {"grade": "5", "letter": "Ю", "class_teacher": w.a.class_teacher.pk},
            expect=in_school(*MANAGERS, yes=302),
        ),
        Case(
            "other school",
            kwargs=lambda w: {"class_id": w.b.school_class.pk},
            expect=other_school(),
        ),
    ],
    "administration:class_close": _post_only(
        lambda w: {"class_id": w.a.other_class.pk},
        lambda w: {},
        in_school(*MANAGERS, yes=302),
        lambda w: {"class_id": w.b.other_class.pk},
    ),
    "administration:staff": [
        Case("own school", kwargs=_school, expect=staff_expect(*STAFF_READERS)),
        Case("other school", kwargs=_other_school, expect=other_school()),
        Case("no such school", kwargs=lambda w: {"school_id": 987654321}, expect=everyone(404)),
    ],
    "administration:staff_add": [
        Case("own school", kwargs=_school, expect=staff_expect(*STAFF_GRANTERS)),
        Case(
            "POST own school",
            kwargs=_school,
            method="post",
            data=lambda w: {
                "last_name": "Новикова",
                "first_name": "Ольга",
                "username": "novikova.matrix",
                "roles": ["psychologist"],
            },
            # The page with the temporary password answers the POST itself (200).
            expect=staff_expect(*STAFF_GRANTERS),
        ),
        Case("other school", kwargs=_other_school, expect=other_school()),
    ],
    "administration:staff_member": [
        Case("own school", kwargs=_member(_a), expect=staff_expect(*STAFF_READERS)),
        Case(
            "person of another school named under this one",
            kwargs=lambda w: {"school_id": w.a.school.pk, "user_id": w.b.class_teacher.pk},
            expect=allow() | dict.fromkeys(STAFF_READERS, 404) | {Role.REGIONAL: 404},
        ),
        Case("other school", kwargs=_member(_b), expect=other_school()),
    ],
    "administration:staff_grant": _post_only(
        _member(_a),
        lambda w: {"role": "psychologist"},
        staff_expect(*STAFF_READERS, yes=302),
        _member(_b),
    ),
    "administration:staff_deactivate": _post_only(
        _member(_a),
        lambda w: {},
        staff_expect(*STAFF_READERS, yes=302),
        _member(_b),
    ),
    "administration:role_revoke": _post_only(
        lambda w: {"assignment_id": w.a.role_assignment.pk},
        lambda w: {},
        staff_expect(*STAFF_READERS, yes=302),
        lambda w: {"assignment_id": w.b.role_assignment.pk},
    ),
    "administration:subjects": [
        Case("own school", kwargs=_school, expect=in_school(*MANAGERS)),
        Case(
            "POST own school",
            kwargs=_school,
            method="post",
            data=lambda w: {"name": "Астрономия"},
            expect=in_school(*MANAGERS, yes=302),
        ),
        Case("other school", kwargs=_other_school, expect=other_school()),
    ],
    "administration:subject_edit": [
        Case(
            "own school",
            kwargs=lambda w: {"subject_id": w.a.subject.pk},
            expect=in_school(*MANAGERS),
        ),
        Case(
            "other school",
            kwargs=lambda w: {"subject_id": w.b.subject.pk},
            expect=other_school(),
        ),
    ],
    "administration:subject_archive": _post_only(
        lambda w: {"subject_id": w.a.subject.pk},
        lambda w: {"archived": "1"},
        in_school(*MANAGERS, yes=302),
        lambda w: {"subject_id": w.b.subject.pk},
    ),
    "administration:leadership": [
        Case(
            "own municipality",
            kwargs=lambda w: {"municipality_id": w.a.school.municipality_id},
            expect=everyone(404) | allow(Role.MUNICIPAL, SUPERUSER, no=404),
        ),
        Case(
            "POST appoint",
            kwargs=lambda w: {"municipality_id": w.a.school.municipality_id},
            method="post",
            data=lambda w: {
                "action": "appoint",
                "appoint-school": w.a.school.pk,
                "appoint-role": "deputy",
                "appoint-person": w.a.subject_teacher.pk,
            },
            expect=everyone(404) | allow(Role.MUNICIPAL, SUPERUSER, yes=302, no=404),
        ),
        Case(
            "other municipality",
            kwargs=lambda w: {"municipality_id": w.b.school.municipality_id},
            expect=other_school(),
        ),
    ],
}
