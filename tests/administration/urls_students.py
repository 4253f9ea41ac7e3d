"""URL × role matrix entries of the students pages of a school's administration: its
administrator and director (``schools.manage_school``); the school's other staff get 403,
officials and another school's people 404.

School A is the users' school; school B is in another municipality. Its students answer
404 to everyone but the superuser. POST cases are rolled back after each role. The world
has no guardian: one is recorded for the guardian pages' cases (rolled back with them)."""

from django.utils import timezone

from accounts.roles import Role
from schools.models import Guardian
from tests.test_url_permissions import SUPERUSER, Case, everyone, in_school, other_school

MANAGERS = (Role.SCHOOL_ADMIN, Role.DIRECTOR, SUPERUSER)


def _today() -> str:
    return timezone.localdate().isoformat()


def _school(side):
    return lambda w: {"school_id": side(w).school.pk}


def _student(side):
    return lambda w: {"school_id": side(w).school.pk, "student_id": side(w).student.pk}


def _guardian_of(side) -> Guardian:
    guardian, _created = Guardian.objects.get_or_create(
        student=side.student,
        full_name="Matritseva Irina Olegovna",
        defaults={"relation": Guardian.Relation.MOTHER, "phone": "+7 900 111-22-33"},
    )
    return guardian


def _guardian(side):
    return lambda w: {"school_id": side(w).school.pk, "guardian_id": _guardian_of(side(w)).pk}


def _a(w):
    return w.a


def _b(w):
    return w.b


def _student_data(w) -> dict:
    student = w.a.student
    return {
        "last_name": student.last_name,
        "first_name": student.first_name,
        "patronymic": student.patronymic,
        "birth_date": student.birth_date.isoformat(),
        "actual_address": "ул. Матричная, 1",
        "large_family": "on",
    }


GUARDIAN = {"full_name": "Матрицев Олег Ильич", "relation": "father", "phone": "+7 900 5556677"}
OWN = in_school(*MANAGERS)
OWN_WRITE = in_school(*MANAGERS, yes=302)

URLS: dict = {
    "administration:students": [
        Case("own school", kwargs=_school(_a), expect=OWN),
        Case(
            "own school, searched",
            kwargs=_school(_a),
            query=lambda w: f"?q=a&status=all&school_class={w.a.school_class.pk}&page=2",
            expect=OWN,
        ),
        Case("other school", kwargs=_school(_b), expect=other_school()),
        Case("no such school", kwargs=lambda w: {"school_id": 987654321}, expect=everyone(404)),
    ],
    "administration:student_add": [
        Case("own school", kwargs=_school(_a), expect=OWN),
        Case(
            "POST own school",
            kwargs=_school(_a),
            method="post",
            data=lambda w: {
                "last_name": "Матрицев",
                "first_name": "Пётр",
                "birth_date": "2015-03-01",
                "school_class": w.a.school_class.pk,
                "start_date": _today(),
            },
            expect=OWN_WRITE,
        ),
        Case("other school", kwargs=_school(_b), expect=other_school()),
    ],
    "administration:student": [
        Case("own school", kwargs=_student(_a), expect=OWN),
        Case(
            "student of another school named under this one",
            kwargs=lambda w: {"school_id": w.a.school.pk, "student_id": w.b.student.pk},
            # The school's other staff learn only that the page is not theirs (403).
            expect=in_school() | dict.fromkeys(MANAGERS, 404),
        ),
        Case("other school", kwargs=_student(_b), expect=other_school()),
    ],
    "administration:student_edit": [
        Case("own school", kwargs=_student(_a), expect=OWN),
        Case(
            "POST own school",
            kwargs=_student(_a),
            method="post",
            data=_student_data,
            expect=OWN_WRITE,
        ),
        Case("other school", kwargs=_student(_b), expect=other_school()),
    ],
    "administration:student_enrol": [
        Case("own school", kwargs=_student(_a), expect=OWN),
        Case(
            # Already enrolled: the service's refusal on the form (200).
            "POST own school",
            kwargs=_student(_a),
            method="post",
            data=lambda w: {"school_class": w.a.other_class.pk, "start_date": _today()},
            expect=OWN,
        ),
        Case("other school", kwargs=_student(_b), expect=other_school()),
    ],
    "administration:student_transfer": [
        Case("own school", kwargs=_student(_a), expect=OWN),
        Case(
            "POST own school",
            kwargs=_student(_a),
            method="post",
            data=lambda w: {"to_class": w.a.other_class.pk, "on_date": _today()},
            expect=OWN_WRITE,
        ),
        Case("other school", kwargs=_student(_b), expect=other_school()),
    ],
    "administration:student_withdraw": [
        Case("own school", kwargs=_student(_a), expect=OWN),
        Case("own school, a transfer", kwargs=_student(_a), query="?kind=transfer", expect=OWN),
        Case(
            "POST own school",
            kwargs=_student(_a),
            method="post",
            data=lambda w: {"last_day": _today(), "category": "moved", "confirm": "on"},
            expect=OWN_WRITE,
        ),
        Case("other school", kwargs=_student(_b), expect=other_school()),
    ],
    "administration:guardian_add": [
        Case("own school", kwargs=_student(_a), expect=OWN),
        Case(
            "POST own school",
            kwargs=_student(_a),
            method="post",
            data=lambda w: GUARDIAN,
            expect=OWN_WRITE,
        ),
        Case("other school", kwargs=_student(_b), expect=other_school()),
    ],
    "administration:guardian_edit": [
        Case("own school", kwargs=_guardian(_a), expect=OWN),
        Case(
            "POST own school",
            kwargs=_guardian(_a),
            method="post",
            data=lambda w: GUARDIAN,
            expect=OWN_WRITE,
        ),
        Case("other school", kwargs=_guardian(_b), expect=other_school()),
    ],
    "administration:guardian_remove": [
        Case("own school (the confirmation)", kwargs=_guardian(_a), expect=OWN),
        Case("POST own school", kwargs=_guardian(_a), method="post", expect=OWN_WRITE),
        Case(
            "POST other school",
            kwargs=_guardian(_b),
            method="post",
            expect=other_school(superuser=302),
        ),
    ],
}
