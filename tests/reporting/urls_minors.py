"""URL × role matrix entries of reporting/views/minors.py.

The deputy, the director and the social pedagogue keep the children the journal does not
know (``w.a.rp["minor"]``); the school's other staff are refused (403), officials above the
school and another school's staff do not know the row exists (404). A school that is not
the user's own in ``?school=`` is 404 too."""

from accounts.roles import Role
from tests.test_url_permissions import SUPERUSER, Case, allow, everyone, in_school, other_school

KEEPERS = (Role.DEPUTY, Role.DIRECTOR, Role.SOCIAL_PEDAGOGUE, SUPERUSER)


def _minor_data(w) -> dict:
    return {
        "category": "college",
        "full_name": "Колледжев Антон",
        "birth_date": w.a.student.birth_date.isoformat(),
        "course": "1",
    }


def _own(w) -> dict:
    return {"pk": w.a.rp["minor"].pk}


def _other(w) -> dict:
    return {"pk": w.b.rp["minor"].pk}


URLS: dict = {
    "reporting:minors": [
        Case("own school", expect=allow(*KEEPERS)),
        Case(
            "another school named",
            query=lambda w: f"?school={w.b.school.pk}",
            expect=allow(*KEEPERS) | dict.fromkeys(KEEPERS[:-1], 404),
        ),
    ],
    "reporting:minor_add": [
        Case("GET", query=lambda w: f"?school={w.a.school.pk}", expect=allow(*KEEPERS)),
        Case(
            "POST",
            query=lambda w: f"?school={w.a.school.pk}",
            method="post",
            data=_minor_data,
            expect=allow(*KEEPERS, yes=302),
        ),
        Case(
            "POST to another school",
            query=lambda w: f"?school={w.b.school.pk}",
            method="post",
            data=_minor_data,
            expect=allow(*KEEPERS, yes=404) | {SUPERUSER: 302},
        ),
    ],
    "reporting:minor_edit": [
        Case("own", kwargs=_own, expect=in_school(*KEEPERS)),
        Case(
            "POST own",
            kwargs=_own,
            method="post",
            data=lambda w: {
                "category": "placed_away",
                "full_name": "Найдёнов Павел Ильич",
                "birth_date": w.a.rp["minor"].birth_date.isoformat(),
            },
            expect=in_school(*KEEPERS, yes=302),
        ),
        Case("other school", kwargs=_other, expect=other_school()),
    ],
    "reporting:minor_remove": [
        Case("own", kwargs=_own, expect=in_school(*KEEPERS)),
        Case(
            "POST own",
            kwargs=_own,
            method="post",
            data=lambda w: {"removed_on": w.a.lesson.date.isoformat(), "removal_note": "вернулся"},
            expect=in_school(*KEEPERS, yes=302),
        ),
        Case(
            "POST other school",
            kwargs=_other,
            method="post",
            data=lambda w: {"removed_on": w.b.lesson.date.isoformat()},
            expect=everyone(404, **{SUPERUSER: 302}),
        ),
    ],
}
