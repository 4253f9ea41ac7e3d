"""What inputs a view reads: the forms its pages render and the keys its code takes from
``request.GET`` / ``request.POST`` (for tests/security/test_hostile_forms.py, whose list of
covered inputs must name every one of them)."""

import ast
import inspect
import re
import textwrap
import types
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django import forms
from django.forms.formsets import BaseFormSet
from django.urls import Resolver404, resolve

PRODUCT_PACKAGES = (
    "accounts",
    "audit",
    "schools",
    "policy",
    "journal",
    "alerts",
    "notify",
    "casework",
    "reporting",
    "home",
    "printing",
    "api",
    "administration",
    "exchange",
)


@dataclass
class HtmlForm:
    method: str
    action: str  # path and query, as the page wrote it (empty: the page itself)
    fields: dict[str, list[str]] = field(default_factory=dict)  # name → values sent
    files: set[str] = field(default_factory=set)


class _FormParser(HTMLParser):
    """The forms of a page with the values a browser would send (first option of a select,
    checked boxes, the first named submit button)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self._form: HtmlForm | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen: list[str] = []
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = HtmlForm((a.get("method") or "get").lower(), a.get("action") or "")
            self.forms.append(self._form)
            return
        if self._form is None or not a.get("name"):
            if tag == "option" and self._select is not None:
                self._option(a)
            return
        name = a["name"]
        fields = self._form.fields
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind == "file":
                self._form.files.add(name)
                fields.setdefault(name, [])
            elif kind in ("checkbox", "radio"):
                values = fields.setdefault(name, [])
                if "checked" in a and (kind == "checkbox" or not values):
                    values.append(a.get("value", "on"))
            elif kind in ("submit", "image", "button", "reset"):
                fields.setdefault(name, [a.get("value", "")])
            else:
                fields.setdefault(name, []).append(a.get("value", ""))
        elif tag == "button":
            fields.setdefault(name, [a.get("value", "")])
        elif tag == "select":
            self._select, self._select_first, self._select_chosen = name, None, []
            self._multiple = "multiple" in a
        elif tag == "textarea":
            self._textarea, self._text = name, []

    def _option(self, a):
        value = a.get("value", "")
        if self._select_first is None:
            self._select_first = value
        if "selected" in a:
            self._select_chosen.append(value)

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            chosen = self._select_chosen or (
                [] if self._multiple or self._select_first is None else [self._select_first]
            )
            self._form.fields.setdefault(self._select, []).extend(chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields.setdefault(self._textarea, []).append("".join(self._text))
            self._textarea = None


def html_forms(html: str) -> list[HtmlForm]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def url_name_of(path: str) -> tuple[str, dict] | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name, match.kwargs


# A form's field names: a formset's and a prefixed form's numbers become N
# ("assignments-0-text" → "assignments-N-text", "m12-outcome" → "mN-outcome").
_NUMBERS = re.compile(r"(?<=[a-z_])\d+(?=-)|(?<=-)\d+(?=-)")


def field_key(name: str) -> str:
    return _NUMBERS.sub("N", name)


# --- The view's code ----------------------------------------------------------------------

_KEY = r"""\s*\(?\s*["']([\w-]+)["']"""
_READS = {
    "get": [
        re.compile(r"request\.GET(?:\.get|\.getlist|\.__getitem__)?\s*[\(\[]" + _KEY),
        re.compile(r"request\.query_params(?:\.get|\.getlist)?\s*[\(\[]" + _KEY),
        # Helpers that take the request and a parameter's name (day_from_query, _choice).
        re.compile(r"\(\s*request\s*,\s*[\"']([\w-]+)[\"']"),
        re.compile(r"\b(?:params|query)(?:\.get|\.getlist)?\s*[\(\[]" + _KEY),
    ],
    "post": [
        re.compile(r"request\.POST(?:\.get|\.getlist)?\s*[\(\[]" + _KEY),
        re.compile(r"[\"']([\w-]+)[\"']\s+(?:not\s+)?in\s+request\.POST"),
    ],
}


@dataclass
class CodeInputs:
    get: set[str] = field(default_factory=set)
    post: set[str] = field(default_factory=set)
    forms: dict[str, set[str]] = field(default_factory=dict)  # "get"/"post" → form fields


def _unwrap(view):
    view = getattr(view, "view_class", view)
    while hasattr(view, "__wrapped__"):
        view = view.__wrapped__
    return view


def _callees(function, tree) -> list:
    """Functions and classes of the product that ``function`` calls (by name or module.name)."""
    found = []
    scope = getattr(function, "__globals__", {})
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        target = None
        if isinstance(node.func, ast.Name):
            target = scope.get(node.func.id)
        elif isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
            owner = scope.get(node.func.value.id)
            if isinstance(owner, types.ModuleType):
                target = getattr(owner, node.func.attr, None)
        if target is not None and (getattr(target, "__module__", "") or "").startswith(
            PRODUCT_PACKAGES
        ):
            found.append((target, node))
    return found


def code_inputs(view, depth: int = 3) -> CodeInputs:
    """The query and POST keys the view (and the product's functions it calls, ``depth``
    levels down) reads, and the fields of the forms it binds to ``request.GET``/``POST``."""
    inputs, seen = CodeInputs(), set()

    def visit(function, level):
        function = _unwrap(function)
        if function in seen or level > depth:
            return
        seen.add(function)
        try:
            source = textwrap.dedent(inspect.getsource(function))
        except (OSError, TypeError):
            return
        for method, patterns in _READS.items():
            for pattern in patterns:
                getattr(inputs, method).update(pattern.findall(source))
        if isinstance(function, type):
            return
        tree = ast.parse(source)
        for target, call in _callees(function, tree):
            if isinstance(target, type) and issubclass(target, (forms.BaseForm, BaseFormSet)):
                text = ast.unparse(call)
                method = "get" if "request.GET" in text else "post"
                names = _form_fields(target)
                inputs.forms.setdefault(method, set()).update(names)
            elif isinstance(target, types.FunctionType):
                visit(target, level + 1)

    visit(view, 0)
    return inputs


def _form_fields(form_class) -> set[str]:
    if issubclass(form_class, BaseFormSet):
        prefix = form_class.get_default_prefix()
        return {f"{prefix}-N-{name}" for name in form_class.form.base_fields}
    return set(form_class.base_fields)
