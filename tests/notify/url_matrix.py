"""URL × role matrix entries of the parent messages (notify/), imported by
tests/test_url_permissions.py.

The school's administrator, director and deputy keep the template and the log
(notify.manage_messages); other staff of the school get 403, officials and other schools
404. The guardian's page behind the signed link needs no account: everyone, anonymous
visitors included, opens it with a valid link, and an altered one answers 400 to all.
"""

from django.utils import timezone

from accounts.roles import Role
from notify.links import make_token
from tests.accounts.world import SUPERUSER
from tests.test_url_permissions import Case, everyone, in_school, other_school

KEEPERS = (Role.SCHOOL_ADMIN, Role.DIRECTOR, Role.DEPUTY, SUPERUSER)


def _token(w) -> str:
    return make_token(w.a.nt["guardian"].pk, timezone.localdate())


def _altered(w) -> str:
    token = _token(w)
    return token[:-2] + ("AA" if token[-2:] != "AA" else "BB")


def _school_page(name_kwargs=lambda side: {"school_id": side.school.pk}) -> list[Case]:
    return [
        Case("own school", kwargs=lambda w: name_kwargs(w.a), expect=in_school(*KEEPERS)),
        Case("other school", kwargs=lambda w: name_kwargs(w.b), expect=other_school()),
    ]


def _school_post(kwargs, data=lambda w: {}) -> list[Case]:
    return [
        Case("GET", kwargs=lambda w: kwargs(w.a), expect=everyone(405), anonymous=405),
        Case(
            "POST own school",
            kwargs=lambda w: kwargs(w.a),
            method="post",
            data=data,
            expect=in_school(*KEEPERS, yes=302),
        ),
        Case(
            "POST other school",
            kwargs=lambda w: kwargs(w.b),
            method="post",
            data=data,
            expect=other_school(superuser=302),
        ),
    ]


TEMPLATE = {
    "email_subject": "Пропуск: {ученик}",
    "email_body": "{ученик} не был(а) в школе {дата}. {ссылка}",
    "sms_body": "{ученик} {дата}: {ссылка}",
}

URLS: dict = {
    "notify:template": [
        *_school_page(),
        Case(
            "POST own school",
            kwargs=lambda w: {"school_id": w.a.school.pk},
            method="post",
            data=lambda w: TEMPLATE,
            expect=in_school(*KEEPERS, yes=302),
        ),
    ],
    "notify:template_reset": _school_post(lambda side: {"school_id": side.school.pk}),
    "notify:log": _school_page(),
    "notify:guardian_opt_out": _school_post(
        lambda side: {"school_id": side.school.pk, "guardian_id": side.nt["guardian"].pk},
        data=lambda w: {"opted_out": "1"},
    ),
    "notify:delivery_retry": _school_post(
        lambda side: {"school_id": side.school.pk, "delivery_id": side.nt["delivery"].pk}
    ),
    "notify:guardian": [
        Case(
            "valid link",
            kwargs=lambda w: {"token": _token(w)},
            expect=everyone(200),
            anonymous=200,
        ),
        Case(
            "valid link, POST",
            kwargs=lambda w: {"token": _token(w)},
            method="post",
            data=lambda w: {
                "start_date": f"{timezone.localdate():%Y-%m-%d}",
                "reason": "family",
                "comment": "Семейные обстоятельства",
            },
            expect=everyone(302),
            anonymous=302,
        ),
        Case(
            "malformed link",
            kwargs=lambda w: {"token": _altered(w)},
            expect=everyone(400),
            anonymous=400,
        ),
    ],
    "notify:guardian_opt_out_public": [
        Case("GET", kwargs=lambda w: {"token": _token(w)}, expect=everyone(405), anonymous=405),
        Case(
            "valid link, POST",
            kwargs=lambda w: {"token": _token(w)},
            method="post",
            data=lambda w: {"opted_out": "1"},
            expect=everyone(302),
            anonymous=302,
        ),
        Case(
            "malformed link, POST",
            kwargs=lambda w: {"token": _altered(w)},
            method="post",
            data=lambda w: {"opted_out": "1"},
            expect=everyone(400),
            anonymous=400,
        ),
    ],
}
