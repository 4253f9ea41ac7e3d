"""URL × role matrix entries of reporting/views/territory.py: the officials' overviews.

The world's municipal user oversees school A's municipality, the regional one its region
(school B is in another municipality and region). School A's staff know their own
school, municipality and region (403 there), never another territory (404); the municipal
official knows their region (403: the region's page is the regional official's)."""

from accounts.roles import Role
from tests.test_url_permissions import SCHOOL_ROLES, SUPERUSER, Case, everyone

SCHOOL_STAFF_403 = dict.fromkeys(SCHOOL_ROLES, 403)


def own(**allowed) -> dict:
    """School A's staff 403, the officials as given, the superuser 200."""
    return everyone(404) | SCHOOL_STAFF_403 | {SUPERUSER: 200} | allowed


def other() -> dict:
    return everyone(404, **{SUPERUSER: 200})


URLS: dict = {
    "reporting:territory": [
        Case(
            "",
            expect=everyone(403) | {Role.MUNICIPAL: 302, Role.REGIONAL: 302, SUPERUSER: 200},
        )
    ],
    "reporting:municipality": [
        Case(
            "own",
            kwargs=lambda w: {"pk": w.a.school.municipality_id},
            expect=own(**{Role.MUNICIPAL: 200, Role.REGIONAL: 200}),
        ),
        Case("other", kwargs=lambda w: {"pk": w.b.school.municipality_id}, expect=other()),
    ],
    "reporting:region": [
        Case(
            "own",
            kwargs=lambda w: {"pk": w.a.region.pk},
            expect=own(**{Role.MUNICIPAL: 403, Role.REGIONAL: 200}),
        ),
        Case("other", kwargs=lambda w: {"pk": w.b.region.pk}, expect=other()),
    ],
    "reporting:school_reports": [
        Case(
            "own",
            kwargs=lambda w: {"pk": w.a.school.pk},
            expect=own(**{Role.MUNICIPAL: 200, Role.REGIONAL: 200}),
        ),
        Case("other", kwargs=lambda w: {"pk": w.b.school.pk}, expect=other()),
    ],
}
