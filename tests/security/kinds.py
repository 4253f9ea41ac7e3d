"""The vocabulary of the hostile-input registry (tests/security/test_hostile_forms.py):
the kinds of input a field or a parameter takes, and ``Inputs``, what one URL reads.

Topic modules ``tests/security/covered_<topic>.py`` each define a ``COVERED`` dict in this
vocabulary; the registry merges them, so a new group of pages registers its inputs in its
own module."""

from dataclasses import dataclass, field

TEXT, DATE, DATETIME, NUMBER, CHOICE, BOOL, FILE, ACTION = (
    "text",
    "date",
    "datetime",
    "number",
    "choice",
    "bool",
    "file",
    "action",  # a submit button's name, a formset's management field, a "next" URL
)


def ref(path: str) -> str:
    """An id of the world's object at ``path`` of a school side (``student``,
    ``cw.case``): its school B twin is what the other-school test posts."""
    return f"ref:{path}"


@dataclass(frozen=True)
class Inputs:
    post: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    # PUT with a JSON body (the API) instead of a form.
    json: bool = False


NONE = Inputs()
PAGE = Inputs(query={"page": NUMBER})
STAFF = ref("class_teacher")  # a staff member of the school (chair, responsible, members)
