"""Hostile input over every form and query parameter of the product (issue #14, point 2).

Whatever a browser (or an attacker with curl) sends — wrong types, huge and negative
numbers, 20-digit ids, NaN, empty and blank values, 10,000 characters, NUL and control
characters, lone surrogates, RTL and zero-width characters, emoji, formula-like, SQL and
HTML text, impossible and extreme dates, another school's ids (``tests/security/hostile.py``)
— the answer is never a 500: a form error, 400 (or the API's 422), 403, 404, or a redirect
with a message; and a refused request changes nothing in the database (every table's
content is compared, ``hostile.fingerprint``). A value that is legitimately valid (free text
with emoji is a valid note) may be saved: then the answer is a success and school B's rows
are untouched. Another school's id in a form field never changes anything at all.

The audit log, by design: a read of a child's data is logged (``*.viewed``, ``*.downloaded``,
``*.exported``), so a GET may add such entries; a refused POST logs nothing (the refusal is
answered, not recorded: the log is of what was seen and changed).

How to register a new form or page
----------------------------------
Every URL name of the product is a key of ``COVERED`` with the fields its forms POST
(``post``) and the query parameters it reads (``query``), each with its kind (``TEXT``,
``DATE``… or ``ref("student")``: an id of that object of the shared world, whose school B
twin is posted by the other-school test). ``test_every_url_is_covered`` fails for a URL
without an entry; ``test_every_form_field_and_parameter_is_covered`` renders every page of
the URL matrix (tests/test_url_permissions.py) as the roles that may open it, parses its
forms, and reads the view's code for ``request.GET``/``POST`` keys and bound forms: it fails
for a field or a parameter missing here. The request itself (kwargs, role, valid base data)
comes from the URL matrix's cases and from the form the page renders.

Admin URLs (``admin:``) are not covered here: they are Django's own views and forms; the
product's admin rules are tested in tests/accounts/test_admin.py and tests/security.
"""

import importlib
import json
import pkgutil
import re
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.db import DatabaseError, transaction
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tests.security
from tests.accounts.world import ANONYMOUS
from tests.security import hostile
from tests.security.discovery import code_inputs, field_key, html_forms, url_name_of
from tests.security.kinds import (
    ACTION,
    BOOL,
    CHOICE,
    DATE,
    DATETIME,
    FILE,
    NONE,
    NUMBER,
    PAGE,
    STAFF,
    TEXT,
    Inputs,
    ref,
)
from tests.test_url_permissions import (  # noqa: F401  (shared_world is a fixture)
    LOGGED_IN,
    SUPERUSER,
    URL_MATRIX,
    _url,
    shared_world,
)

SCHOOL = {"school": ref("school")}
CONTACT = {
    "student": ref("student"),
    "contact_type": CHOICE,
    "contacted_at": DATETIME,
    "guardian": ref("student"),
    "guardian_name": TEXT,
    "result": CHOICE,
    "stated_reason": CHOICE,
    "absences_told": BOOL,
    "next_step": TEXT,
    "summary": TEXT,
}
SESSION = {
    "date": DATE,
    "number": NUMBER,
    "chair": STAFF,
    "secretary": STAFF,
    "members": STAFF,
    "invited": TEXT,
    "agenda": TEXT,
}
MEMO = {"addressee": TEXT, "date": DATE, "text": TEXT}
CHARACTERISTIC = {
    "addressee": TEXT,
    "date": DATE,
    **dict.fromkeys(("family", "study", "behaviour", "interests", "traits", "conclusion"), TEXT),
}
PLAN = {"start_date": DATE, "end_date": DATE, "goal": TEXT}
MEASURE = {"description": TEXT, "due_date": DATE, "kind": CHOICE, "responsible": STAFF}
MINOR = {
    "student": ref("other_student"),
    "full_name": TEXT,
    "birth_date": DATE,
    "category": CHOICE,
    "reason": TEXT,
    "since": DATE,
    "until": DATE,
    "whereabouts": TEXT,
    "previous_school": TEXT,
    "education": TEXT,
    "course": TEXT,
    "family": TEXT,
    "measures": TEXT,
}
VISIT_ACT = (
    dict.fromkeys(
        [
            *("additional_info", "address", "child_conditions_note", "class_name"),
            *("daily_routine", "family_problems_note", "father_education", "father_name"),
            *("father_phone", "father_schedule", "father_work", "measures_proposed", "members"),
            *("mother_education", "mother_name", "mother_phone", "mother_schedule"),
            *("mother_work", "other_members", "other_relatives", "relations_note"),
            *("sanitary_note", "school_contact_note", "student_name"),
        ],
        TEXT,
    )
    | dict.fromkeys(
        [
            *("child_conditions", "danger_found", "disability", "family_income"),
            *("family_problems", "housing", "housing_type", "parental_control"),
            *("parents_present", "relations", "responsibility_explained", "sanitary_state"),
            "school_contact",
        ],
        CHOICE,
    )
    | {"birth_year": NUMBER, "father_age": NUMBER, "mother_age": NUMBER, "visited_on": DATE}
)
HEARING = {
    "attendees": TEXT,
    "parents_present": CHOICE,
    "discussion": TEXT,
    "analysis": TEXT,
    "decision": CHOICE,
    "decision_text": TEXT,
    "recommendations_child": TEXT,
    "recommendations_parents": TEXT,
    "review_date": DATE,
    "work_until": DATE,
    "assignments-TOTAL_FORMS": ACTION,
    "assignments-INITIAL_FORMS": ACTION,
    "assignments-MIN_NUM_FORMS": ACTION,
    "assignments-MAX_NUM_FORMS": ACTION,
    "assignments-N-text": TEXT,
    "assignments-N-assignee": STAFF,
    "assignments-N-due_date": DATE,
}
AUDIT_FILTERS = {
    "child": ref("student"),
    "user": STAFF,
    "kind": CHOICE,
    "start": DATE,
    "end": DATE,
}
REPORT_FILTERS = {"kind": CHOICE, "status": CHOICE}
API_SCHOOL = Inputs(query={"page": NUMBER, "status": CHOICE, "rule": CHOICE, "date": DATE})

COVERED: dict[str, Inputs] = {
    # Accounts and home.
    "accounts:login": Inputs(
        post={"username": TEXT, "password": TEXT, "next": ACTION}, query={"next": ACTION}
    ),
    "accounts:logout": NONE,
    "accounts:password_change": Inputs(
        post={"old_password": TEXT, "new_password1": TEXT, "new_password2": TEXT}
    ),
    "accounts:password_change_done": NONE,
    "home:home": NONE,
    "home:start": Inputs(
        query={
            "school": ref("school"),
            "school_class": ref("school_class"),
            "status": CHOICE,
            "attention": CHOICE,
            "page": NUMBER,
        }
    ),
    "set_language": Inputs(post={"language": CHOICE, "next": ACTION}, query={"next": ACTION}),
    "favicon": NONE,
    # Journal.
    "journal:my_lessons": Inputs(query={"date": DATE}),
    "journal:lesson": NONE,
    "journal:lesson_mark": Inputs(
        post={
            "student": ref("student"),
            "kind": CHOICE,
            "minutes_late": NUMBER,
            "client_key": TEXT,
        }
    ),
    "journal:lesson_confirm": NONE,
    "journal:unmarked": Inputs(query={"date_from": DATE, "date_to": DATE}),
    "journal:class_day": Inputs(query={"date": DATE, "past_page": NUMBER}),
    "journal:class_day_reasons": Inputs(
        post={
            "student": ref("student"),
            "date": DATE,
            "back": DATE,
            "scope": CHOICE,
            "marks": ref("mark"),
            "status": CHOICE,
            "valid_reason": CHOICE,
            "note": TEXT,
        }
    ),
    "journal:class_grid": Inputs(query={"month": DATE}),
    "journal:student_card": Inputs(query={"month": DATE}),
    "journal:excuse_list": NONE,
    "journal:excuse_add": Inputs(
        post={
            "kind": CHOICE,
            "start_date": DATE,
            "end_date": DATE,
            "issued_by": TEXT,
            "issued_on": DATE,
            "number": TEXT,
            "valid_reason": CHOICE,
            "lessons": ref("lesson"),
            "note": TEXT,
            "scan": FILE,
            "show_lessons": ACTION,
        }
    ),
    "journal:excuse_withdraw": Inputs(post={"reason": TEXT}),
    "journal:excuse_scan": NONE,
    "journal:registry": Inputs(
        query={
            "start": DATE,
            "end": DATE,
            "name": TEXT,
            "school_class": ref("school_class"),
            "page": NUMBER,
        }
    ),
    "journal:registry_export": Inputs(
        query={"start": DATE, "end": DATE, "name": TEXT, "school_class": ref("school_class")}
    ),
    # Alerts.
    "alerts:inbox": PAGE,
    "alerts:inbox_read_all": Inputs(post={"next": ACTION}),
    "alerts:notification_read": Inputs(post={"next": ACTION}),
    "alerts:tasks": Inputs(
        query={
            "tab": CHOICE,
            "kind": CHOICE,
            "status": CHOICE,
            "assignee": STAFF,
            "page": NUMBER,
        }
    ),
    "alerts:task_done": Inputs(post={"note": TEXT, "next": ACTION}),
    "alerts:school_alerts": Inputs(
        query={
            "school": ref("school"),
            "rule": CHOICE,
            "school_class": ref("school_class"),
            "page": NUMBER,
        }
    ),
    "alerts:recalculate": Inputs(post=SCHOOL),
    "alerts:run": NONE,
    "alerts:alert": NONE,
    # Casework.
    "casework:case_list": Inputs(
        query={"q": TEXT, "school_class": ref("school_class"), "status": CHOICE, "page": NUMBER}
    ),
    "casework:case_detail": NONE,
    "casework:case_status": Inputs(post={"status": CHOICE, "reason": TEXT}),
    "casework:case_responsible": Inputs(post={"responsible": STAFF}),
    "casework:case_family_centre": Inputs(post={"status": CHOICE}),
    "casework:case_contact": Inputs(post=CONTACT),
    "casework:case_dossier": NONE,
    "casework:student_case": NONE,
    "casework:class_day_contact": Inputs(post=CONTACT | {"back": DATE}),
    "casework:class_day_contact_form": Inputs(query={"student": ref("student"), "date": DATE}),
    "casework:visit_plan": Inputs(
        post={"planned_for": DATETIME, "purpose": TEXT, "members": STAFF, "other_members": TEXT}
    ),
    "casework:visit_detail": NONE,
    "casework:visit_act": Inputs(post=VISIT_ACT),
    "casework:visit_act_pdf": NONE,
    "casework:visit_agree": NONE,
    "casework:visit_informed": Inputs(post={"on": DATE}),
    "casework:visit_cancel": Inputs(post={"reason": TEXT}),
    "casework:council_sessions": Inputs(query={"school": ref("school"), "page": NUMBER}),
    "casework:council_session_create": Inputs(post=SESSION, query=SCHOOL),
    "casework:council_session": NONE,
    "casework:council_session_edit": Inputs(post=SESSION),
    "casework:council_session_add_case": Inputs(post={"case": ref("cw.case")}),
    "casework:council_protocol": NONE,
    "casework:council_hearing": Inputs(post=HEARING),
    "casework:council_conclusion": Inputs(post={"decision": CHOICE, "comment": TEXT}),
    "casework:council_conclusion_pdf": NONE,
    "casework:case_put_on_session": Inputs(post={"session": ref("cw.council_planned_session")}),
    "casework:registry": Inputs(query={"school": ref("school"), "removed": BOOL, "page": NUMBER}),
    "casework:registry_remove": Inputs(post={"removed_on": DATE, "reason": TEXT}),
    "casework:registry_diary": Inputs(
        post={
            "date": DATE,
            "text": TEXT,
            "attendance": TEXT,
            "behaviour": TEXT,
            "progress": TEXT,
        },
        query={"page": NUMBER},
    ),
    "casework:plan_create": Inputs(post=PLAN),
    "casework:plan_detail": NONE,
    "casework:plan_edit": Inputs(post=PLAN),
    "casework:plan_complete": Inputs(post={"summary": TEXT}),
    "casework:plan_measure_create": Inputs(post=MEASURE | {"another": ACTION}),
    "casework:plan_control": Inputs(
        post={"control-date": DATE, "control-text": TEXT, "back": ACTION}
    ),
    "casework:plan_pdf": NONE,
    "casework:plan_measure_edit": Inputs(post=MEASURE),
    "casework:plan_measure_outcome": Inputs(
        post={"mN-status": CHOICE, "mN-done_on": DATE, "mN-result": TEXT}
    ),
    "casework:referral_new": Inputs(
        post={
            "body": CHOICE,
            "psychologist": STAFF,
            "addressee": TEXT,
            "purpose": TEXT,
            "text": TEXT,
            "due_date": DATE,
        },
        query={"body": CHOICE},
    ),
    "casework:case_sop": Inputs(post={"found_on": DATE, "circumstances": TEXT}),
    "casework:referral_detail": NONE,
    "casework:referral_edit": Inputs(post={"addressee": TEXT, "text": TEXT, "due_date": DATE}),
    "casework:referral_sent": Inputs(post={"outgoing_number": TEXT, "sent_on": DATE}),
    "casework:referral_answer": Inputs(
        post={"answer": TEXT, "answer_on": DATE, "family_centre_status": CHOICE}
    ),
    "casework:referral_letter": NONE,
    "casework:memo_create": Inputs(post=MEMO),
    "casework:memo_edit": Inputs(post=MEMO),
    "casework:memo_pdf": NONE,
    "casework:characteristic_create": Inputs(post=CHARACTERISTIC),
    "casework:characteristic_edit": Inputs(post=CHARACTERISTIC),
    "casework:characteristic_pdf": NONE,
    # Reporting.
    "reporting:board": Inputs(query={"school": ref("school"), "weeks": NUMBER}),
    "reporting:minors": Inputs(query=SCHOOL),
    "reporting:minor_add": Inputs(post=MINOR, query={"school": ref("school"), "category": CHOICE}),
    "reporting:minor_edit": Inputs(post=MINOR),
    "reporting:minor_remove": Inputs(
        post={"removed_on": DATE, "removal_note": TEXT, "action": ACTION}
    ),
    "reporting:list": Inputs(query=REPORT_FILTERS),
    "reporting:open": Inputs(
        post={
            "kind": CHOICE,
            "day": DATE,
            "school": ref("school"),
            "school_class": ref("school_class"),
            "municipality": CHOICE,
            "student": ref("student"),
        }
    ),
    "reporting:detail": Inputs(query={"v": NUMBER}),
    "reporting:amend": Inputs(post={"version": NUMBER, "row": TEXT}),
    "reporting:submit": Inputs(post={"version": NUMBER}),
    "reporting:decide": Inputs(post={"version": NUMBER, "decision": CHOICE, "comment": TEXT}),
    "reporting:correct": Inputs(post={"version": NUMBER}),
    "reporting:file_request": NONE,
    "reporting:file": NONE,
    "reporting:file_download": NONE,
    "reporting:territory": NONE,
    "reporting:region": NONE,
    "reporting:municipality": NONE,
    "reporting:school_reports": PAGE,
    # Settings.
    "policy:index": NONE,
    "policy:history": NONE,
    "policy:school_settings": NONE,
    "policy:school_history": PAGE,
    "policy:school_edit": Inputs(post={"value": TEXT}),
    "policy:school_reset": NONE,
    "policy:region_settings": NONE,
    "policy:region_history": PAGE,
    "policy:region_edit": Inputs(post={"value": TEXT}),
    "policy:region_reset": NONE,
    # The API and its token pages.
    "api:tokens": Inputs(post={"name": TEXT, "expires_on": DATE}),
    "api:token_revoke": NONE,
    "api:school_tokens": Inputs(post={"name": TEXT, "expires_on": DATE, "scopes": CHOICE}),
    "api:v1_my_lessons": Inputs(query={"date": DATE}),
    "api:v1_lesson": NONE,
    "api:v1_lesson_mark": Inputs(
        post={"kind": CHOICE, "minutes_late": NUMBER, "client_key": TEXT}, json=True
    ),
    "api:v1_school_students": API_SCHOOL,
    "api:v1_school_alerts": API_SCHOOL,
    "api:v1_school_tasks": API_SCHOOL,
    "api:schema": Inputs(query={"lang": CHOICE, "version": CHOICE}),
    "api:docs": NONE,
    # The school's audit log: the director's and the deputy's search, and its export.
    "schools:audit_index": NONE,
    "schools:audit": Inputs(query=AUDIT_FILTERS | {"page": NUMBER}),
    "schools:audit_export": Inputs(query=AUDIT_FILTERS),
}

# Groups of pages register their inputs in their own modules (tests/security/kinds.py).
for _module in pkgutil.iter_modules(tests.security.__path__):
    if _module.name.startswith("covered_"):
        _topic = importlib.import_module(f"tests.security.{_module.name}").COVERED
        assert not COVERED.keys() & _topic.keys(), f"{_module.name} registers a URL twice"
        COVERED |= _topic


# --- The product's URLs and what they read ------------------------------------------------


def _walk(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern.callback


def product_views() -> dict:
    """URL name → view, without Django's admin (see the module's docstring)."""
    return {
        name: view
        for name, view in _walk(get_resolver().url_patterns)
        if not name.startswith("admin:")
    }


@dataclass
class SeenForm:
    role: str
    page: str
    form: object  # discovery.HtmlForm


@dataclass
class Discovered:
    forms: dict[str, list[SeenForm]]  # URL name the form posts to → where it was seen
    get_forms: dict[str, set[str]]  # URL name → fields of its GET (filter) forms
    errors: list[str]


def _readers(case) -> list[str]:
    """Who may open a GET case: one school role (the first) and the superuser; the
    anonymous visitor for the sign-in page."""
    roles = [role for role in LOGGED_IN if case.expected(role) == 200]
    if not roles and case.expected(ANONYMOUS) == 200:
        return [ANONYMOUS]
    return [role for role in roles if role != SUPERUSER][:1] + [
        role for role in roles if role == SUPERUSER
    ]


def _is_own(case) -> bool:
    return not re.search(r"other|another|unknown|malformed|bad", case.label)


def discover(world, clients) -> Discovered:
    found = Discovered({}, {}, [])
    for key, cases in URL_MATRIX.items():
        if key.startswith(("admin:", "admin/")):
            continue
        for case in cases:
            if case.method != "get" or not _is_own(case):
                continue
            page = _url(key, case.kwargs(world)) + case.query_string(world)
            for role in _readers(case):
                try:
                    response = clients[role].get(page)
                except Exception as error:  # noqa: BLE001 (the client re-raises a 500)
                    found.errors.append(f"GET {page} as {role}: {type(error).__name__}: {error}")
                    continue
                if response.streaming or "html" not in response.get("Content-Type", ""):
                    continue
                for form in html_forms(response.content.decode()):
                    target = url_name_of(form.action or page)
                    name = target[0] if target else form.action
                    if form.method == "post":
                        action = form.action or page
                        seen = SeenForm(role, action, form)
                        found.forms.setdefault(name, []).append(seen)
                    else:
                        found.get_forms.setdefault(name, set()).update(
                            field_key(f) for f in form.fields
                        )
    return found


@pytest.fixture(scope="module")
def discovered(request, django_db_blocker):
    world, clients = request.getfixturevalue("shared_world")
    with django_db_blocker.unblock(), transaction.atomic():
        result = discover(world, clients)
        transaction.set_rollback(True)
    return result


@pytest.fixture
def env(request):
    """(world, clients) of the URL matrix: one world for the module, rolled back at its end."""
    return request.getfixturevalue("shared_world")


pytestmark = pytest.mark.usefixtures("shared_world")


# --- The meta-tests: nothing ships uncovered ----------------------------------------------

HOW_TO = (
    "add it to COVERED in tests/security/test_hostile_forms.py with the fields its forms "
    "POST and the query parameters it reads (see the module's docstring)"
)


def test_every_url_is_covered():
    names = set(product_views())
    missing, stale = sorted(names - set(COVERED)), sorted(set(COVERED) - names)
    assert not missing, f"URLs without hostile-input coverage — {HOW_TO}: {missing}"
    assert not stale, f"COVERED names URLs that no longer exist: {stale}"


def _fields(name: str) -> set[str]:
    inputs = COVERED.get(name, NONE)
    return set(inputs.post) | set(inputs.query)


def _bare(names: set[str]) -> set[str]:
    """Field names without a form's prefix (a form bound in code knows them bare)."""
    return {name.rsplit("-", 1)[-1] for name in names}


@pytest.mark.django_db
def test_every_form_field_and_parameter_is_covered(discovered):
    missing = []
    for name, seen in discovered.forms.items():
        posted = {field_key(f) for s in seen for f in s.form.fields} - {"csrfmiddlewaretoken"}
        if name not in COVERED or posted - set(COVERED[name].post):
            missing.append(f"{name}: the form posts {sorted(posted - _fields(name))}")
    for name, fields in discovered.get_forms.items():
        if fields - set(COVERED.get(name, NONE).query):
            missing.append(f"{name}: the filter form sends {sorted(fields - _fields(name))}")
    # Forms bound in a view's code may post to another URL (the excuse list renders the
    # withdrawal's form): their fields are covered by that URL's entry.
    everywhere = _bare(set().union(*(set(inputs.post) for inputs in COVERED.values())))
    for name, view in product_views().items():
        code = code_inputs(view)
        if code.get - set(COVERED.get(name, NONE).query):
            missing.append(f"{name}: the view reads ?{sorted(code.get - _fields(name))}")
        if code.post - set(COVERED.get(name, NONE).post):
            missing.append(f"{name}: the view reads POST {sorted(code.post - _fields(name))}")
        bound = set().union(*code.forms.values()) if code.forms else set()
        unknown = bound - _bare(_fields(name)) - everywhere
        if unknown:
            missing.append(f"{name}: the view binds a form with {sorted(unknown)}")
    assert not missing, f"Inputs without hostile-input coverage — {HOW_TO}:\n" + "\n".join(missing)


@pytest.mark.django_db
def test_every_page_of_the_matrix_renders_for_its_readers(discovered):
    """Discovery opens every page as one school role and the superuser: none fails."""
    assert not discovered.errors, discovered.errors


# --- Posting hostile values ----------------------------------------------------------------


@dataclass
class Target:
    url: str
    role: str
    base: dict  # the valid submission the hostile values are put into
    names: dict  # COVERED field → the name the form really uses ("mN-status" → "m7-status")
    json: bool = False


def _matrix_write_case(name: str):
    for case in URL_MATRIX.get(name, []):
        if case.method in ("post", "put") and _is_own(case):
            return case
    return None


def _poster(case) -> str:
    ok = [role for role in LOGGED_IN if case.expected(role) in (200, 302)]
    return next((role for role in ok if role != SUPERUSER), ok[0] if ok else SUPERUSER)


def target_of(name: str, world, discovered) -> Target | None:
    inputs = COVERED[name]
    seen = discovered.forms.get(name, [])
    case = _matrix_write_case(name)
    if case is not None:
        url = _url(name, case.kwargs(world)) + case.query_string(world)
        role = _poster(case)
        data = dict(case.data(world)) if case.data else {}
    elif seen:
        url, role, data = seen[0].page, seen[0].role, {}
    else:
        return None
    form = next((s.form for s in seen if s.role == role), seen[0].form if seen else None)
    base = {}
    if form is not None:
        base = {
            key: values if len(values) != 1 else values[0]
            for key, values in form.fields.items()
            if key != "csrfmiddlewaretoken" and key not in form.files
        }
    base |= data
    names = {}
    for key in inputs.post:
        real = [actual for actual in base if field_key(actual) == key]
        names[key] = real[0] if real else key.replace("-N-", "-0-").replace("mN-", "m0-")
    return Target(url, role, base, names, inputs.json)


POST_NAMES = sorted(name for name, inputs in COVERED.items() if inputs.post)
QUERY_NAMES = sorted(name for name, inputs in COVERED.items() if inputs.query)
ACCEPTED = {200, 201, 204, 302}
REFUSED = {400, 403, 404, 405, 409, 422, 429}  # 429: too many posts from one link
DEBUG_PAGE = re.compile(r"Traceback|Exception Value|django/core/handlers", re.ASCII)


def _send(client, target: Target, data: dict, files: dict | None = None):
    if target.json:
        body = {
            key: value.decode("utf-8", "surrogatepass") if isinstance(value, bytes) else value
            for key, value in data.items()
        }
        return client.put(target.url, json.dumps(body), content_type="application/json")
    if files:
        return client.post(target.url, {**_as_multipart(data), **files})
    return client.post(
        target.url, hostile.urlencoded(data), content_type="application/x-www-form-urlencoded"
    )


def _as_multipart(data: dict) -> dict:
    return {
        key: value.decode("utf-8", "replace") if isinstance(value, bytes) else value
        for key, value in data.items()
    }


def _messages(response) -> list[str]:
    storage = getattr(response.wsgi_request, "_messages", None)
    return [str(message) for message in getattr(storage, "_queued_messages", [])]


@dataclass
class Outcome:
    """What one hostile request did: its answer and what it changed."""

    answer: object  # the response, or the exception a 500 would have been
    changed: list[str]
    changed_in_b: list[str]
    audit: list[str]
    inside: object = None  # what ``Probe.run(inside=…)`` saw before the rollback

    def problems(self, *, read: bool = False) -> list[str]:
        answer = self.answer
        if isinstance(answer, BaseException):
            return [f"500: {type(answer).__name__}: {str(answer)[:300]}"]
        status = answer.status_code
        content = b"" if answer.streaming else answer.content
        problems = []
        if status >= 500 or DEBUG_PAGE.search(content.decode("utf-8", "replace")):
            problems.append(f"server error {status}")
        elif status not in ACCEPTED | REFUSED | {301}:
            problems.append(f"unexpected status {status}")
        if self.changed_in_b:
            problems.append(f"changed school B's rows in {self.changed_in_b}")
        logged = [a for a in self.audit if not (read and hostile.READ_ACTIONS.search(a))]
        if status not in ACCEPTED and (self.changed or logged):
            problems.append(f"refused ({status}) but changed {self.changed} logged {logged}")
        if read and self.changed:
            problems.append(f"a GET changed {self.changed}")
        if status in (400, 422) and not hostile.CYRILLIC.search(content.decode("utf-8", "replace")):
            problems.append(f"{status} without a Russian message: {content[:300]!r}")
        return problems


class Probe:
    """Sends requests inside a savepoint rolled back at once, and compares the database."""

    def __init__(self, world):
        self.tables = [t for t in hostile.product_tables() if t != hostile.AUDIT_TABLE]
        self.school_b = world.b.school.pk

    def run(self, send, inside=None) -> Outcome:
        before = hostile.fingerprint(self.tables)
        before_b = hostile.fingerprint(self.tables, self.school_b)
        last_audit = hostile.last_audit_id()
        with transaction.atomic():
            try:
                answer = send()
            except Exception as error:  # noqa: BLE001 (the client re-raises a view's error)
                answer = error
            try:
                after = hostile.fingerprint(self.tables)
                after_b = hostile.fingerprint(self.tables, self.school_b)
                audit = hostile.audit_actions_since(last_audit)
                seen = inside() if inside else None
            except DatabaseError as error:
                answer, after, after_b, audit, seen = error, before, before_b, [], None
            transaction.set_rollback(True)
        return Outcome(
            answer,
            changed=sorted(t for t in before if before[t] != after[t]),
            changed_in_b=sorted(t for t in before_b if before_b[t] != after_b[t]),
            audit=audit,
            inside=seen,
        )


def _other_school_ids(world) -> list[str]:
    """Ids of school B's objects, of every kind the forms name."""
    side = world.b
    objects = [
        side.school,
        side.school_class,
        side.other_class,
        side.student,
        side.other_student,
        side.class_teacher,
        side.subject_teacher,
        side.lesson,
        side.mark,
        side.excuse,
        side.alert,
        side.task,
        *side.cw.values(),
        *side.rp.values(),
        *side.nt.values(),
    ]
    return sorted({str(obj.pk) for obj in objects if hasattr(obj, "pk")})


HOSTILE_SETTINGS = settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.django_db
@pytest.mark.parametrize("name", POST_NAMES)
@HOSTILE_SETTINGS
@given(data=st.data())
def test_hostile_post_is_answered_and_changes_nothing_it_refuses(env, discovered, name, data):
    world, clients = env
    target = target_of(name, world, discovered)
    assert target is not None, (
        f"{name}: no page renders its form and no matrix POST case; forms seen: "
        f"{sorted(discovered.forms)}"
    )
    fields = sorted(COVERED[name].post)
    chosen = data.draw(st.lists(st.sampled_from(fields), min_size=1, max_size=3, unique=True))
    values = hostile.hostile_values(_other_school_ids(world))
    if target.json:
        # A lone surrogate in JSON: see test_api_refuses_a_lone_surrogate_in_russian.
        values = values.filter(lambda value: not isinstance(value, bytes))
    submission = dict(target.base)
    files = {}
    for key in chosen:
        if COVERED[name].post[key] == FILE:
            files[target.names[key]] = data.draw(hostile_files())
        else:
            value = data.draw(st.one_of(values, st.lists(values, min_size=2, max_size=3)))
            submission[target.names[key]] = value
    outcome = Probe(world).run(lambda: _send(clients[target.role], target, submission, files))
    problems = outcome.problems()
    shown = {key: submission.get(target.names[key], "<file>") for key in chosen}
    assert not problems, f"POST {target.url} as {target.role} with {_short(shown)}: {problems}"


def _short(values: dict) -> str:
    return repr(
        {key: (value[:60] if hasattr(value, "__len__") else value) for key, value in values.items()}
    )


def hostile_files() -> st.SearchStrategy:
    from django.core.files.uploadedfile import SimpleUploadedFile

    names = st.sampled_from(
        ["", "a" * 300 + ".pdf", "poly.html", "скан\x00.pdf", "../../etc/passwd", "=1+1.pdf"]
    )
    contents = st.sampled_from([b"", b"<html><script>alert(1)</script>", b"\x00" * 1000, b"%PDF"])
    return st.builds(
        lambda name, content: SimpleUploadedFile(name or "x", content, "application/pdf"),
        names,
        contents,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("name", POST_NAMES)
def test_other_schools_ids_in_a_form_change_nothing(env, discovered, name):
    """Every id field of the form set to school B's object of the same kind: refused."""
    world, clients = env
    target = target_of(name, world, discovered)
    assert target is not None, f"{name}: no page renders its form and no matrix POST case"
    problems = {}
    for key, kind in COVERED[name].post.items():
        if not kind.startswith("ref:"):
            continue
        other = _resolve(world.b, kind.removeprefix("ref:"))
        submission = target.base | {target.names[key]: str(other.pk)}
        before = references_to(other)
        outcome = Probe(world).run(
            lambda s=submission: _send(clients[target.role], target, s),
            inside=lambda o=other: references_to(o),
        )
        found = outcome.problems()
        if outcome.inside != before:
            found.append(f"a row now names school B's {kind}: {_diff(before, outcome.inside)}")
        if found:
            problems[f"{key}={other.pk}"] = found
    assert not problems, f"POST {target.url} as {target.role}: {problems}"


def references_to(obj) -> dict[str, int]:
    """How many rows of each table point at ``obj`` (foreign keys and many-to-many)."""
    target = obj._meta.concrete_model
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        for fk in model._meta.concrete_fields:
            related = fk.related_model if fk.is_relation else None
            if related is not None and related._meta.concrete_model is target:
                key = f"{model._meta.db_table}.{fk.column}"
                counts[key] = model._base_manager.filter(**{fk.attname: obj.pk}).count()
    return counts


def _diff(before: dict, after: dict) -> dict:
    return {
        key: (before.get(key), after.get(key)) for key in after if after[key] != before.get(key)
    }


def _resolve(side, path: str):
    head, _, rest = path.partition(".")
    obj = getattr(side, head)
    return obj[rest] if rest else obj


# --- Query parameters ----------------------------------------------------------------------


def _page_of(name: str, world):
    """A GET case's URL and who opens it (a page that only redirects, as set_language, by
    whoever it redirects)."""
    for case in URL_MATRIX.get(name, []):
        if case.method == "get" and _is_own(case):
            readers = _readers(case) or [r for r in LOGGED_IN if case.expected(r) == 302]
            if readers:
                return _url(name, case.kwargs(world)) + case.query_string(world), readers[0]
    return None


@pytest.mark.django_db
@pytest.mark.parametrize("name", QUERY_NAMES)
@HOSTILE_SETTINGS
@given(data=st.data())
def test_hostile_query_is_answered_and_changes_nothing(env, name, data):
    world, clients = env
    page = _page_of(name, world)
    assert page is not None, f"{name}: no GET case of the URL matrix opens it"
    url, role = page
    params = sorted(COVERED[name].query)
    chosen = data.draw(st.lists(st.sampled_from(params), min_size=1, max_size=3, unique=True))
    values = hostile.hostile_values(_other_school_ids(world))
    query = {key: data.draw(values) for key in chosen}
    separator = "&" if "?" in url else "?"
    full = url + separator + hostile.urlencoded(query).decode()
    outcome = Probe(world).run(lambda: _get(clients[role], full))
    problems = outcome.problems(read=True)
    assert not problems, f"GET {full[:300]} as {role}: {problems}"


def _get(client, url):
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)
    return response


# --- What this suite found (each a regular test, failing on the code before its fix) -------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["alerts:task_done", "alerts:notification_read"])
@pytest.mark.parametrize("next_value", ["9" * 20, "abc", "alerts:inbox"])
def test_next_that_is_not_a_path_falls_back(env, name, next_value):
    """``next`` that is not a path went to ``redirect()``, which takes a bare word for a URL
    name: NoReverseMatch, a 500. Now the page's fallback."""
    world, clients = env
    kwargs = {"task_id": world.a.task.pk} if name == "alerts:task_done" else {}
    if name == "alerts:notification_read":
        kwargs = {"notification_id": world.a.notification.pk}
    url = _url(name, kwargs)
    outcome = Probe(world).run(
        lambda: clients["class_teacher"].post(url, {"next": next_value, "note": "Позвонили"})
    )
    assert not outcome.problems(), outcome.problems()
    assert outcome.answer.status_code == 302
    assert outcome.answer["Location"].startswith("/")


@pytest.mark.django_db
def test_api_refuses_a_lone_surrogate_in_russian(env):
    world, clients = env
    url = _url(
        "api:v1_lesson_mark", {"lesson_id": world.a.lesson.pk, "student_id": world.a.student.pk}
    )
    outcome = Probe(world).run(
        lambda: clients["subject_teacher"].put(
            url, '{"kind": "late", "client_key": "\\ud800"}', content_type="application/json"
        )
    )
    assert not outcome.problems(), outcome.problems()
