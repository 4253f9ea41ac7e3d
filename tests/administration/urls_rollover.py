"""URL × role matrix entries of the year-end rollover page: the school's administrator and
director; other staff 403, officials and other schools 404. The POST is rolled back after
each role."""

from accounts.roles import Role
from tests.test_url_permissions import SUPERUSER, Case, in_school, other_school

MANAGERS = (Role.SCHOOL_ADMIN, Role.DIRECTOR, SUPERUSER)

URLS: dict = {
    "administration:rollover": [
        Case(
            "own school",
            kwargs=lambda w: {"school_id": w.a.school.pk},
            expect=in_school(*MANAGERS),
        ),
        Case(
            "own school, a year chosen",
            kwargs=lambda w: {"school_id": w.a.school.pk},
            query=lambda w: f"?year={w.a.year.pk}",
            expect=in_school(*MANAGERS),
        ),
        Case(
            "POST a stale preview",
            kwargs=lambda w: {"school_id": w.a.school.pk},
            method="post",
            data=lambda w: {"year": w.a.year.pk, "fingerprint": "0" * 32},
            expect=in_school(*MANAGERS, yes=302),
        ),
        Case(
            "other school",
            kwargs=lambda w: {"school_id": w.b.school.pk},
            expect=other_school(),
        ),
    ],
}
