"""Inputs of the school's and the municipality's administration pages (the hostile-input
registry, tests/security/test_hostile_forms.py)."""

from tests.security.kinds import ACTION, BOOL, CHOICE, NONE, STAFF, TEXT, Inputs, ref

CLASS = {"grade": CHOICE, "letter": TEXT, "class_teacher": STAFF}
SUBJECT = {"name": TEXT, "short_name": TEXT}
PERSON = {
    **dict.fromkeys(("last_name", "first_name", "patronymic", "username", "email"), TEXT),
    **dict.fromkeys(("phone", "position"), TEXT),
    "roles": CHOICE,
}

COVERED: dict[str, Inputs] = {
    "administration:index": NONE,
    "administration:classes": NONE,
    "administration:class_add": Inputs(post=CLASS),
    "administration:class_edit": Inputs(post=CLASS),
    "administration:class_close": NONE,
    "administration:staff": NONE,
    "administration:staff_add": Inputs(post=PERSON),
    "administration:staff_member": NONE,
    "administration:staff_grant": Inputs(post={"role": CHOICE}),
    "administration:staff_deactivate": NONE,
    "administration:role_revoke": Inputs(post={"back": ACTION}),
    "administration:subjects": Inputs(post=SUBJECT),
    "administration:subject_edit": Inputs(post=SUBJECT),
    "administration:subject_archive": Inputs(post={"archived": BOOL}),
    "administration:leadership": Inputs(
        post={
            "action": ACTION,
            "appoint-school": ref("school"),
            "appoint-role": CHOICE,
            "appoint-person": STAFF,
            "new-school": ref("school"),
            **{f"new-{key}": kind for key, kind in PERSON.items()},
        }
    ),
}
