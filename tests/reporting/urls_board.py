"""URL × role matrix entries of reporting/views/board.py: the deadlines board of a school.

The deputy, the director and the social pedagogue see the whole school's board, the class
teacher their class's rows; other staff of the school get 403; officials above the school
and staff of another school do not know of its board (404)."""

from accounts.roles import Role
from tests.test_url_permissions import SUPERUSER, TERRITORY, Case, allow, everyone

BOARD_READERS = (Role.CLASS_TEACHER, Role.DEPUTY, Role.DIRECTOR, Role.SOCIAL_PEDAGOGUE, SUPERUSER)

URLS: dict = {
    "reporting:board": [
        Case("own school", expect=allow(*BOARD_READERS)),
        Case(
            "own school named",
            query=lambda w: f"?school={w.a.school.pk}&weeks=8",
            expect=allow(*BOARD_READERS) | dict.fromkeys(TERRITORY, 404),
        ),
        Case(
            "other school",
            query=lambda w: f"?school={w.b.school.pk}",
            expect=everyone(404, **{SUPERUSER: 200}),
        ),
        Case("bad school", query="?school=x&weeks=-1", expect=everyone(404)),
    ],
}
