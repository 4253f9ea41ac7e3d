"""URL × role matrix entries of the timetable pages: a class's weekly template and its
subgroups, the bells, a term's lessons generated with a preview, replacements and
cancellations. The school's administrator and director (and for replacements and
cancellations its deputy); other staff 403, officials and other schools 404. POST cases
are rolled back after each role."""

from django.utils import timezone

from accounts.roles import Role
from tests.test_url_permissions import SUPERUSER, Case, everyone, in_school, other_school

MANAGERS = (Role.SCHOOL_ADMIN, Role.DIRECTOR, SUPERUSER)
ARRANGERS = (*MANAGERS, Role.DEPUTY)


def _get(key, own, other, allowed=MANAGERS) -> list[Case]:
    return [
        Case("own school", kwargs=lambda w: {key: own(w).pk}, expect=in_school(*allowed)),
        Case("other school", kwargs=lambda w: {key: other(w).pk}, expect=other_school()),
    ]


def _post(key, obj, data, yes=302, allowed=MANAGERS) -> list[Case]:
    """A POST-only URL on school A's object and on school B's twin."""
    return [
        Case("GET", kwargs=lambda w: {key: obj(w.a).pk}, expect=everyone(405), anonymous=405),
        Case(
            "POST own school",
            kwargs=lambda w: {key: obj(w.a).pk},
            method="post",
            data=lambda w: data(w.a),
            expect=in_school(*allowed, yes=yes),
        ),
        Case(
            "POST other school",
            kwargs=lambda w: {key: obj(w.b).pk},
            method="post",
            data=lambda w: data(w.b),
            expect=other_school(superuser=yes),
        ),
    ]


def _entry_data(side) -> dict:
    # Another weekday than the world's line, its period 1 (the one bell of the world).
    return {
        "weekday": str(side.timetable_entry.weekday % 6 + 1),
        "period": "1",
        "subject": side.subject.pk,
        "teacher": side.subject_teacher.pk,
        "room": "101",
    }


def _today() -> str:
    return timezone.localdate().isoformat()


URLS: dict = {
    "administration:timetable": _get("school_id", lambda w: w.a.school, lambda w: w.b.school),
    "administration:timetable_class": [
        *_get("class_id", lambda w: w.a.school_class, lambda w: w.b.school_class),
        Case(
            "POST own school",
            kwargs=lambda w: {"class_id": w.a.school_class.pk},
            method="post",
            data=lambda w: _entry_data(w.a),
            expect=in_school(*MANAGERS, yes=302),
        ),
    ],
    "administration:timetable_entry": [
        *_get("entry_id", lambda w: w.a.timetable_entry, lambda w: w.b.timetable_entry),
        Case(
            "POST own school",
            kwargs=lambda w: {"entry_id": w.a.timetable_entry.pk},
            method="post",
            data=lambda w: {
                **_entry_data(w.a),
                "weekday": w.a.timetable_entry.weekday,
                "from_date": _today(),
            },
            expect=in_school(*MANAGERS, yes=302),
        ),
    ],
    "administration:timetable_entry_remove": _post(
        "entry_id", lambda side: side.timetable_entry, lambda side: {"from_date": _today()}
    ),
    "administration:group_add": _post(
        "class_id", lambda side: side.school_class, lambda side: {"name": "Английский 2"}
    ),
    "administration:group_edit": [
        *_get("group_id", lambda w: w.a.group, lambda w: w.b.group),
        Case(
            "POST own school",
            kwargs=lambda w: {"group_id": w.a.group.pk},
            method="post",
            data=lambda w: {"students": [w.a.student.pk]},
            expect=in_school(*MANAGERS, yes=302),
        ),
    ],
    "administration:group_remove": _post("group_id", lambda side: side.group, lambda side: {}),
    "administration:bells": [
        *_get("school_id", lambda w: w.a.school, lambda w: w.b.school),
        Case(
            "POST own school",
            kwargs=lambda w: {"school_id": w.a.school.pk},
            method="post",
            data=lambda w: {"number": "2", "start_time": "10:00", "end_time": "10:40"},
            expect=in_school(*MANAGERS, yes=302),
        ),
    ],
    "administration:bell_edit": _get(
        "period_id", lambda w: w.a.bell_period, lambda w: w.b.bell_period
    ),
    "administration:bell_remove": _post(
        "period_id", lambda side: side.bell_period, lambda side: {}
    ),
    "administration:lesson_generation": [
        *_get("school_id", lambda w: w.a.school, lambda w: w.b.school),
        Case(
            "preview of a term",
            kwargs=lambda w: {"school_id": w.a.school.pk},
            query=lambda w: f"?term={w.a.term.pk}",
            expect=in_school(*MANAGERS),
        ),
        Case(
            "POST a stale preview",
            kwargs=lambda w: {"school_id": w.a.school.pk},
            method="post",
            data=lambda w: {"term": w.a.term.pk, "fingerprint": "0" * 32},
            expect=in_school(*MANAGERS, yes=302),
        ),
    ],
    "administration:lessons": _get(
        "school_id", lambda w: w.a.school, lambda w: w.b.school, allowed=ARRANGERS
    ),
    "administration:lesson_replace": _post(
        "lesson_id",
        lambda side: side.lesson,
        lambda side: {"teacher": side.class_teacher.pk},
        allowed=ARRANGERS,
    ),
    "administration:lesson_cancel": _post(
        "lesson_id",
        lambda side: side.lesson,
        lambda side: {"reason": "Экскурсия"},
        allowed=ARRANGERS,
    ),
    "administration:lesson_restore": _post(
        "lesson_id", lambda side: side.lesson, lambda side: {}, allowed=ARRANGERS
    ),
}
