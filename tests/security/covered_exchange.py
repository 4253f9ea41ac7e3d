"""Inputs of the e-journal exchange pages (the hostile-input registry,
tests/security/test_hostile_forms.py)."""

from tests.security.kinds import ACTION, BOOL, CHOICE, FILE, NONE, NUMBER, TEXT, Inputs

LETTER = {
    "form-TOTAL_FORMS": ACTION,
    "form-INITIAL_FORMS": ACTION,
    "form-MIN_NUM_FORMS": ACTION,
    "form-MAX_NUM_FORMS": ACTION,
    "form-N-letter": TEXT,
    "form-N-meaning": CHOICE,
    "form-N-reason_status": CHOICE,
    "form-N-valid_reason": CHOICE,
    "form-N-description": TEXT,
}

COVERED: dict[str, Inputs] = {
    "exchange:ejournal": Inputs(post={"file": FILE}),
    "exchange:letters": Inputs(post=LETTER),
    "exchange:conflicts": Inputs(query={"resolved": BOOL, "page": NUMBER}),
    "exchange:import": Inputs(query={"outcome": CHOICE, "page": NUMBER}),
    "exchange:import_apply": NONE,
    "exchange:conflict_resolve": Inputs(post={"decision": CHOICE}),
}
