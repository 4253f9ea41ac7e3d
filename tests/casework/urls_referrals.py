"""URL × role matrix entries of casework/views/referrals.py (merged by tests/casework/url_matrix.py).

The referrals of school A's case are read by whoever reads the case (its class teacher, the
whole school, the psychologist it is referred to) and managed by the social pedagogue, the
deputy and the director (casework.manage_referrals, casework.mark_sop); everyone else gets
404, as for any object they may not know of."""

from django.utils import timezone

from accounts.roles import Role
from tests.test_url_permissions import SUPERUSER, WHOLE_SCHOOL, Case, everyone

READERS = (Role.CLASS_TEACHER, *WHOLE_SCHOOL, Role.PSYCHOLOGIST, SUPERUSER)
MANAGERS = (*WHOLE_SCHOOL, SUPERUSER)


def _expect(yes=200, managers=MANAGERS) -> dict:
    return everyone(404) | dict.fromkeys(READERS, 403) | dict.fromkeys(managers, yes)


def _today(w=None) -> str:
    return f"{timezone.localdate()}"


def _case(w, side="a"):
    return {"case_id": getattr(w, side).cw["case"].pk}


def _referral(name):
    return lambda w, side="a": {"referral_id": getattr(w, side).cw[name].pk}


def case_page(data) -> list[Case]:
    """A form page of a case: GET shows it, POST acts (each request is rolled back)."""
    return [
        Case("own school", kwargs=_case, expect=_expect()),
        Case(
            "other school",
            kwargs=lambda w: _case(w, "b"),
            expect=everyone(404, **{SUPERUSER: 200}),
        ),
        Case("POST own school", kwargs=_case, method="post", data=data, expect=_expect(302)),
        Case(
            "POST other school",
            kwargs=lambda w: _case(w, "b"),
            method="post",
            data=data,
            expect=everyone(404, **{SUPERUSER: 302}),
        ),
    ]


def referral_page() -> list[Case]:
    kwargs = _referral("referral")
    return [
        Case("own school", kwargs=kwargs, expect=_expect(managers=READERS)),
        Case(
            "other school",
            kwargs=lambda w: kwargs(w, "b"),
            expect=everyone(404, **{SUPERUSER: 200}),
        ),
    ]


def referral_posts(name, data) -> list[Case]:
    kwargs = _referral(name)
    return [
        Case("GET", kwargs=kwargs, expect=everyone(405)),
        Case("POST own school", kwargs=kwargs, method="post", data=data, expect=_expect(302)),
        Case(
            "POST other school",
            kwargs=lambda w: kwargs(w, "b"),
            method="post",
            data=data,
            expect=everyone(404, **{SUPERUSER: 302}),
        ),
    ]


URLS: dict = {
    "casework:referral_new": case_page(lambda w: {"body": "kdn", "purpose": "information"}),
    "casework:case_sop": case_page(
        lambda w: {"found_on": _today(), "circumstances": "Ребёнок без присмотра"}
    ),
    "casework:referral_detail": referral_page(),
    "casework:referral_letter": referral_page(),
    "casework:referral_edit": referral_posts(
        "referral", lambda w: {"addressee": "", "text": "Текст письма"}
    ),
    "casework:referral_sent": referral_posts(
        "referral", lambda w: {"sent_on": _today(), "outgoing_number": "01-15/2"}
    ),
    "casework:referral_answer": referral_posts(
        "sent_referral", lambda w: {"answer_on": _today(), "answer": "Принято к сведению"}
    ),
}
