"""URL × role matrix entries of casework/views/documents.py: the memo and the
characteristic are written and read by whoever works school A's case (the referred
psychologist too); another school's answer 404."""

from tests.casework.urls_cases import CASE_READERS, readers
from tests.test_url_permissions import SUPERUSER, Case, everyone

OTHER_SCHOOL = everyone(404, **{SUPERUSER: 200})


def _gets(key, obj) -> list[Case]:
    return [
        Case(
            "own school",
            kwargs=lambda w: {key: w.a.cw[obj].pk},
            expect=readers(managers=CASE_READERS),
        ),
        Case("other school", kwargs=lambda w: {key: w.b.cw[obj].pk}, expect=OTHER_SCHOOL),
    ]


URLS: dict = {
    "casework:memo_create": _gets("case_id", "case"),
    "casework:memo_edit": _gets("memo_id", "memo"),
    "casework:memo_pdf": _gets("memo_id", "memo"),
    "casework:characteristic_create": _gets("case_id", "case"),
    "casework:characteristic_edit": _gets("characteristic_id", "characteristic"),
    "casework:characteristic_pdf": _gets("characteristic_id", "characteristic"),
}
