"""Inputs of the parent messages (issue #15 point 7): the class teacher's decision on a
parent's note, the school's template and log, and the guardian's page behind the signed
link (the hostile-input registry, tests/security/test_hostile_forms.py)."""

from tests.security.kinds import BOOL, CHOICE, DATE, NONE, NUMBER, TEXT, Inputs, ref

COVERED: dict[str, Inputs] = {
    "journal:guardian_note_confirm": Inputs(post={"back": DATE}),
    "journal:guardian_note_reject": Inputs(post={"back": DATE, "comment": TEXT}),
    "notify:template": Inputs(post={"email_subject": TEXT, "email_body": TEXT, "sms_body": TEXT}),
    "notify:template_reset": NONE,
    "notify:log": Inputs(query={"date": DATE, "page": NUMBER}),
    "notify:guardian_opt_out": Inputs(post={"opted_out": BOOL}),
    "notify:delivery_retry": NONE,
    "notify:guardian": Inputs(
        post={
            "start_date": DATE,
            "end_date": DATE,
            "lessons": ref("lesson"),
            "reason": CHOICE,
            "comment": TEXT,
        },
        query={"day": DATE, "sent": BOOL},
    ),
    "notify:guardian_opt_out_public": Inputs(post={"opted_out": BOOL}),
}
