"""URL × role matrix entries of reporting/views/reports.py.

A class's рапортичка (``w.a.rp["class_report"]``) is read by its class teacher, the deputy,
the director and the social pedagogue; the class teacher and the deputy prepare it, the
deputy and the director decide it. Officials above the school never see a class's reports:
404, as for anyone who may not know of it."""

from accounts.roles import Role
from tests.test_url_permissions import SUPERUSER, Case, allow, everyone

READERS = (Role.CLASS_TEACHER, Role.DEPUTY, Role.DIRECTOR, Role.SOCIAL_PEDAGOGUE, SUPERUSER)
PREPARERS = (Role.CLASS_TEACHER, Role.DEPUTY, SUPERUSER)
DECIDERS = (Role.DEPUTY, Role.DIRECTOR, SUPERUSER)


def readers(allowed=READERS, *, yes=200) -> dict:
    """``allowed`` get ``yes``, other readers 403, whoever may not know of the report 404."""
    return everyone(404) | dict.fromkeys(READERS, 403) | dict.fromkeys(allowed, yes)


def report_posts(name, allowed, data=lambda w: {"version": 1}) -> list[Case]:
    return [
        Case("GET", kwargs=lambda w: {"pk": w.a.rp["class_report"].pk}, expect=everyone(405)),
        Case(
            "POST own school",
            kwargs=lambda w: {"pk": w.a.rp["class_report"].pk},
            method="post",
            data=data,
            expect=readers(allowed, yes=302),
        ),
        Case(
            "POST other school",
            kwargs=lambda w: {"pk": w.b.rp["class_report"].pk},
            method="post",
            data=data,
            expect=everyone(404, **{SUPERUSER: 302}),
        ),
    ]


def _open_data(w) -> dict:
    return {
        "kind": "weekly_class_report",
        "day": w.a.rp["class_report"].period_start.isoformat(),
        "school_class": w.a.school_class.pk,
    }


URLS: dict = {
    "reporting:list": [
        Case(
            "list",
            expect=allow(
                Role.CLASS_TEACHER,
                Role.DEPUTY,
                Role.DIRECTOR,
                Role.SOCIAL_PEDAGOGUE,
                Role.MUNICIPAL,
                Role.REGIONAL,
                SUPERUSER,
            ),
        )
    ],
    "reporting:open": [
        Case("GET", expect=everyone(405)),
        Case(
            "POST",
            method="post",
            data=_open_data,
            expect=allow(
                Role.CLASS_TEACHER, Role.DEPUTY, Role.DIRECTOR, Role.MUNICIPAL, SUPERUSER, yes=302
            ),
        ),
    ],
    "reporting:detail": [
        Case("draft", kwargs=lambda w: {"pk": w.a.rp["class_report"].pk}, expect=readers()),
        Case(
            "approved",
            kwargs=lambda w: {"pk": w.a.rp["approved_class_report"].pk},
            expect=readers(),
        ),
        Case(
            "other school",
            kwargs=lambda w: {"pk": w.b.rp["class_report"].pk},
            expect=everyone(404, **{SUPERUSER: 200}),
        ),
    ],
    "reporting:amend": report_posts(
        "amend", PREPARERS, data=lambda w: {"version": 1, "row": "student:0"}
    ),
    "reporting:submit": report_posts("submit", PREPARERS),
    "reporting:decide": report_posts(
        "decide", DECIDERS, data=lambda w: {"version": 1, "decision": "approve"}
    ),
    "reporting:correct": report_posts("correct", PREPARERS),
    "reporting:file_request": [
        Case(
            "GET",
            kwargs=lambda w: {"pk": w.a.rp["class_report"].pk, "number": 1, "format": "pdf"},
            expect=everyone(405),
        ),
        Case(
            "POST own school",
            kwargs=lambda w: {"pk": w.a.rp["class_report"].pk, "number": 1, "format": "pdf"},
            method="post",
            expect=readers(yes=302),
        ),
        Case(
            "POST other school",
            kwargs=lambda w: {"pk": w.b.rp["class_report"].pk, "number": 1, "format": "xlsx"},
            method="post",
            expect=everyone(404, **{SUPERUSER: 302}),
        ),
    ],
    "reporting:file": [
        Case("own", kwargs=lambda w: {"pk": w.a.rp["class_report_pdf"].pk}, expect=readers()),
        Case(
            "other school",
            kwargs=lambda w: {"pk": w.b.rp["class_report_pdf"].pk},
            expect=everyone(404, **{SUPERUSER: 200}),
        ),
    ],
    "reporting:file_download": [
        Case("own", kwargs=lambda w: {"pk": w.a.rp["class_report_pdf"].pk}, expect=readers()),
        Case(
            "other school",
            kwargs=lambda w: {"pk": w.b.rp["class_report_pdf"].pk},
            expect=everyone(404, **{SUPERUSER: 200}),
        ),
    ],
}
