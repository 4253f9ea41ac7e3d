"""URL × role matrix entries of exchange/: the school's imports from the regional
e-journal, an import's report and its application, the letters, the conflicts
(exchange/rules.py). The deputy imports and resolves; the director and the school
administrator read and keep the letters. School B's objects answer 404."""

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import Role
from tests.test_url_permissions import SUPERUSER, Case, everyone, in_school, other_school

READERS = (Role.DEPUTY, Role.DIRECTOR, Role.SCHOOL_ADMIN, SUPERUSER)
IMPORTERS = (Role.DEPUTY, SUPERUSER)


def _school(w):
    return {"school_id": w.a.school.pk}


def _other_school(w):
    return {"school_id": w.b.school.pk}


def _export(w):
    lesson = w.a.lesson
    text = (
        "Дата;Урок;Класс;Предмет;Обучающийся;Отметка\n"
        f"{lesson.date:%d.%m.%Y};1;5А;Математика;{w.a.student.full_name};Н\n"
    )
    return {"file": SimpleUploadedFile("export.csv", text.encode(), "text/csv")}


def _letters(w):
    return {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "0",
        "form-0-letter": "Н",
        "form-0-meaning": "absent",
        "form-0-reason_status": "unknown",
        "form-0-valid_reason": "",
        "form-0-description": "не был",
    }


def _post_only(kwargs, other_kwargs, data, expect) -> list[Case]:
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
    "exchange:ejournal": [
        Case("own school", kwargs=_school, expect=in_school(*READERS)),
        Case("other school", kwargs=_other_school, expect=other_school()),
        Case(
            "POST own school",
            kwargs=_school,
            method="post",
            data=_export,
            expect=in_school(*IMPORTERS, yes=302),
        ),
    ],
    "exchange:letters": [
        Case("own school", kwargs=_school, expect=in_school(*READERS)),
        Case("other school", kwargs=_other_school, expect=other_school()),
        Case(
            "POST own school",
            kwargs=_school,
            method="post",
            data=_letters,
            expect=in_school(*READERS, yes=302),
        ),
    ],
    "exchange:conflicts": [
        Case("own school", kwargs=_school, expect=in_school(*READERS)),
        Case("resolved", kwargs=_school, query="?resolved=1", expect=in_school(*READERS)),
        Case("other school", kwargs=_other_school, expect=other_school()),
    ],
    "exchange:import": [
        Case(
            "own school",
            kwargs=lambda w: {"import_id": w.a.ex["import"].pk},
            expect=in_school(*READERS),
        ),
        Case(
            "other school",
            kwargs=lambda w: {"import_id": w.b.ex["import"].pk},
            expect=other_school(),
        ),
    ],
    "exchange:import_apply": _post_only(
        lambda w: {"import_id": w.a.ex["import"].pk},
        lambda w: {"import_id": w.b.ex["import"].pk},
        None,
        in_school(*IMPORTERS, yes=302),
    ),
    "exchange:conflict_resolve": _post_only(
        lambda w: {"record_id": w.a.ex["conflict"].pk},
        lambda w: {"record_id": w.b.ex["conflict"].pk},
        lambda w: {"decision": "keep_app"},
        in_school(*IMPORTERS, yes=302),
    ),
}
