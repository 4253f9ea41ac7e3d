"""Inputs of the year-end rollover page (the hostile-input registry,
tests/security/test_hostile_forms.py)."""

from tests.security.kinds import ACTION, Inputs, ref

COVERED: dict[str, Inputs] = {
    "administration:rollover": Inputs(
        post={"year": ref("year"), "fingerprint": ACTION, "repeaters": ref("student")},
        query={"year": ref("year")},
    ),
}
