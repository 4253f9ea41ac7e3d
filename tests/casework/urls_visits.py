"""URL × role matrix entries of casework/views/visits.py (merged by tests/casework/url_matrix.py).

Visits are read and worked by whoever reads the child's case (casework.view_case /
work_case); the deputy and the director agree them; a saved act is corrected only by its
authors (the world's act: the class teacher's). Another school's visit is 404."""

from django.utils import timezone

from accounts.roles import Role
from tests.casework.urls_cases import CASE_READERS, readers
from tests.test_url_permissions import SUPERUSER, Case, everyone

OTHER_SCHOOL = everyone(404, **{SUPERUSER: 200})


def _visit(name):
    return lambda w: {"visit_id": w.a.cw[name].pk}


def _other(name):
    return lambda w: {"visit_id": w.b.cw[name].pk}


def visit_posts(allowed, data) -> list[Case]:
    """A POST about the planned visit: ``allowed`` are sent back to it (302), the other
    readers of the case get 403, whoever may not read it 404."""
    return [
        Case("GET", kwargs=_visit("planned_visit"), expect=everyone(405)),
        Case(
            "POST own school",
            kwargs=_visit("planned_visit"),
            method="post",
            data=data,
            expect=readers(yes=302, managers=allowed),
        ),
        Case(
            "POST other school",
            kwargs=_other("planned_visit"),
            method="post",
            data=data,
            expect=everyone(404, **{SUPERUSER: 302}),
        ),
    ]


URLS: dict = {
    "casework:visit_plan": [
        Case("own school", kwargs=lambda w: {"case_id": w.a.cw["case"].pk}, expect=readers()),
        Case("other school", kwargs=lambda w: {"case_id": w.b.cw["case"].pk}, expect=OTHER_SCHOOL),
    ],
    "casework:visit_detail": [
        Case("planned", kwargs=_visit("planned_visit"), expect=readers()),
        Case("done", kwargs=_visit("done_visit"), expect=readers()),
        Case("other school", kwargs=_other("done_visit"), expect=OTHER_SCHOOL),
    ],
    "casework:visit_act": [
        Case("planned: the act to fill", kwargs=_visit("planned_visit"), expect=readers()),
        Case(
            "done: corrected by its authors only",
            kwargs=_visit("done_visit"),
            expect=readers(managers=(Role.CLASS_TEACHER, SUPERUSER)),
        ),
        Case("other school", kwargs=_other("planned_visit"), expect=OTHER_SCHOOL),
    ],
    "casework:visit_act_pdf": [
        Case("done", kwargs=_visit("done_visit"), expect=readers()),
        Case("planned: no act yet", kwargs=_visit("planned_visit"), expect=everyone(404)),
        Case("other school", kwargs=_other("done_visit"), expect=OTHER_SCHOOL),
    ],
    "casework:visit_agree": visit_posts((Role.DEPUTY, Role.DIRECTOR, SUPERUSER), lambda w: {}),
    "casework:visit_informed": visit_posts(
        CASE_READERS, lambda w: {"on": f"{timezone.localdate()}"}
    ),
    "casework:visit_cancel": visit_posts(CASE_READERS, lambda w: {"reason": "Семья переехала"}),
}
