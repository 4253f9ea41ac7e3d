"""``{% reasons_form form %}``: the class day's form that settles one student's absences of
one day (journal.forms.DayReasonsForm, unbound), built in Python.

The class day shows one per student absent today and one per past day still unsettled;
written as a template they took half of the page's time under load (issue 14). The inputs
are the form's fields, named as it reads them; the fixed parts (the reasons' options, the
labels) are translated and escaped once per language. Every other value is escaped here.
"""

from functools import lru_cache

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ..forms import DayReasonsForm
from .marking import csrf_input

register = template.Library()


def _options(choices) -> str:
    return "".join(
        f'<option value="{escape(value)}">{escape(label)}</option>' for value, label in choices
    )


@lru_cache(maxsize=8)
def _fixed(language: str) -> dict[str, str]:
    """The form's parts that are the same for every student, in ``language``."""
    fields = DayReasonsForm.base_fields
    return {
        "scope": [(escape(value), escape(label)) for value, label in fields["scope"].choices],
        "status_label": escape(fields["status"].label),
        "status_options": _options(fields["status"].choices),
        "valid_reason_label": escape(fields["valid_reason"].label),
        "valid_reason_options": _options(fields["valid_reason"].choices),
        "note_label": escape(fields["note"].label),
        "submit": escape(_("Установить")),
    }


@register.simple_tag(takes_context=True)
def reasons_form(context, form: DayReasonsForm) -> SafeString:
    fixed = _fixed(get_language())
    ids = {name: escape(form.auto_id % name) for name in form.fields}
    action = reverse("journal:class_day_reasons", args=[context["school_class"].pk])
    scope_initial = form.fields["scope"].initial
    scope = "".join(
        f'<div class="form-check form-check-inline"><input type="radio" name="scope"'
        f' value="{value}" id="{ids["scope"]}_{n}" required'
        f'{" checked" if value == scope_initial else ""}> <label class="form-check-label"'
        f' for="{ids["scope"]}_{n}">{label}</label></div>'
        for n, (value, label) in enumerate(fixed["scope"])
    )
    chosen = form.fields["marks"].initial or ()
    marks = "".join(
        f'<div class="form-check form-check-inline"><input type="checkbox" name="marks"'
        f' value="{escape(value)}" id="{ids["marks"]}_{n}"{" checked" if value in chosen else ""}>'
        f' <label class="form-check-label" for="{ids["marks"]}_{n}">{escape(label)}</label></div>'
        for n, (value, label) in enumerate(form.fields["marks"].choices)
    )
    day = context.get("day")
    return mark_safe(  # every value above is escaped
        f'<form method="post" action="{escape(action)}" class="border rounded p-2 mb-2"'
        f' data-testid="reasons-form">{csrf_input(context)}'
        f'<input type="hidden" name="student" value="{escape(form.initial["student"])}"'
        f' id="{ids["student"]}"><input type="hidden" name="date"'
        f' value="{form.initial["date"]:%Y-%m-%d}" id="{ids["date"]}">'
        f'<input type="hidden" name="back" value="{f"{day:%Y-%m-%d}" if day else ""}">'
        f'<div class="mb-1">{scope}</div><div class="mb-1 small">{marks}</div>'
        '<div class="row g-2 align-items-end">'
        f'<div class="col-sm-3"><label class="form-label small" for="{ids["status"]}">'
        f'{fixed["status_label"]}</label><select name="status" id="{ids["status"]}"'
        f' class="form-select form-select-sm">{fixed["status_options"]}</select></div>'
        f'<div class="col-sm-4"><label class="form-label small" for="{ids["valid_reason"]}">'
        f'{fixed["valid_reason_label"]}</label><select name="valid_reason"'
        f' id="{ids["valid_reason"]}" class="form-select form-select-sm">'
        f"{fixed['valid_reason_options']}</select></div>"
        f'<div class="col-sm-3"><label class="form-label small" for="{ids["note"]}">'
        f'{fixed["note_label"]}</label><input type="text" name="note" maxlength="500"'
        f' id="{ids["note"]}" class="form-control form-control-sm"></div>'
        '<div class="col-sm-2"><button type="submit" class="btn btn-sm btn-primary w-100'
        f' tap-target">{fixed["submit"]}</button></div></div></form>'
    )
