"""Inputs of the students pages of a school's administration (the hostile-input registry,
tests/security/test_hostile_forms.py)."""

from tests.security.kinds import BOOL, CHOICE, DATE, NONE, NUMBER, TEXT, Inputs, ref

STUDENT = {
    **dict.fromkeys(("last_name", "first_name", "patronymic"), TEXT),
    "birth_date": DATE,
    "gender": CHOICE,
    **dict.fromkeys(
        ("registration_address", "actual_address", "not_studying_for_health_note", "notes"), TEXT
    ),
    **dict.fromkeys(
        (
            "large_family",
            "low_income",
            "single_parent",
            "difficult_life_situation",
            "socially_dangerous_position",
            "disability",
            "not_studying_for_health",
        ),
        BOOL,
    ),
}
ADMISSION = {"school_class": ref("other_class"), "start_date": DATE, "basis": TEXT}
GUARDIAN = {
    **dict.fromkeys(
        (
            "full_name",
            "phone",
            "email",
            "address",
            "workplace",
            "work_schedule",
            "education",
            "whereabouts",
        ),
        TEXT,
    ),
    "relation": CHOICE,
    "birth_date": DATE,
    "lives_with_student": BOOL,
}

COVERED: dict[str, Inputs] = {
    "administration:students": Inputs(
        query={
            "q": TEXT,
            "school_class": ref("school_class"),
            "status": CHOICE,
            "page": NUMBER,
        }
    ),
    "administration:student_add": Inputs(post={**STUDENT, **ADMISSION}),
    "administration:student": NONE,
    "administration:student_edit": Inputs(post=STUDENT),
    "administration:student_enrol": Inputs(post=ADMISSION),
    "administration:student_transfer": Inputs(
        post={"to_class": ref("other_class"), "on_date": DATE, "reason": TEXT}
    ),
    "administration:student_withdraw": Inputs(
        post={
            "last_day": DATE,
            "category": CHOICE,
            "destination": TEXT,
            "reason": TEXT,
            "confirm": BOOL,
        },
        query={"kind": CHOICE},
    ),
    "administration:guardian_add": Inputs(post=GUARDIAN),
    "administration:guardian_edit": Inputs(post=GUARDIAN),
    "administration:guardian_remove": NONE,
}
