"""Inputs of the bulk import pages (the hostile-input registry,
tests/security/test_hostile_forms.py): the upload form; the other pages read nothing but
their URL (the job page tells an htmx poll by its header)."""

from tests.security.kinds import CHOICE, DATE, FILE, NONE, Inputs, ref

COVERED: dict[str, Inputs] = {
    "administration:import": Inputs(
        post={
            "kind": CHOICE,
            "file": FILE,
            "school_class": ref("school_class"),
            "start_date": DATE,
        }
    ),
    "administration:import_template": NONE,
    "administration:import_job": NONE,
    "administration:import_apply": NONE,
    "administration:import_report": NONE,
}
