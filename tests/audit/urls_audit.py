"""URL × role matrix entries of the school's audit log (schools/views.py), imported by
tests/test_url_permissions.py.

The director and the deputy read their school's log (schools.view_school_audit); other
staff of the school get 403; officials and staff of another school do not know of it (404).
"""

from accounts.roles import Role
from tests.test_url_permissions import SUPERUSER, Case, allow, everyone, in_school, other_school

AUDIT_READERS = (Role.DIRECTOR, Role.DEPUTY)

URLS: dict = {
    # One school: straight to its log; a superuser chooses among all schools.
    "schools:audit_index": [
        Case("", expect=allow(*AUDIT_READERS, yes=302) | {SUPERUSER: 200}),
    ],
    "schools:audit": [
        Case(
            "own school",
            kwargs=lambda w: {"pk": w.a.school.pk},
            expect=in_school(*AUDIT_READERS, SUPERUSER),
        ),
        Case(
            "own school, searched",
            kwargs=lambda w: {"pk": w.a.school.pk},
            # The name as stored (the English pages' test stores it in Latin letters).
            query=lambda w: f"?child={_stored_last_name(w.a.student)}&kind=reads&start=2020-01-01",
            expect=in_school(*AUDIT_READERS, SUPERUSER),
        ),
        Case("other school", kwargs=lambda w: {"pk": w.b.school.pk}, expect=other_school()),
    ],
    "schools:audit_export": [
        *(
            Case(
                f"own school {format}",
                kwargs=lambda w, format=format: {"pk": w.a.school.pk, "format": format},
                expect=in_school(*AUDIT_READERS, SUPERUSER),
            )
            for format in ("xlsx", "csv")
        ),
        Case(
            "other school",
            kwargs=lambda w: {"pk": w.b.school.pk, "format": "xlsx"},
            expect=other_school(),
        ),
        Case(
            "unknown format",
            kwargs=lambda w: {"pk": w.a.school.pk, "format": "pdf"},
            expect=everyone(404),
        ),
    ],
}


def _stored_last_name(student) -> str:
    return type(student).objects.values_list("last_name", flat=True).get(pk=student.pk)
