"""The old and new values of an admin edit, for its audit entry (issue #14, spec R-SEC).

``form_changes`` reads a submitted admin form and its inline formsets: for each field the
user changed, the value before (the form's initial value, taken from the object) and after
(the cleaned value), as text a reader of the audit understands (an object's name rather
than its id, a date as a date). Secrets are never written: a field whose name says password,
token or secret, or that is typed in a password box, is recorded as changed with no value.
"""

import datetime

from django import forms
from django.db.models import Model, QuerySet
from django.forms.formsets import DELETION_FIELD_NAME

SECRET_WORDS = ("password", "token", "secret")
MAX_TEXT = 500


def is_secret(name: str, field: forms.Field | None) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in SECRET_WORDS) or isinstance(
        getattr(field, "widget", None), forms.PasswordInput
    )


def shown(field: forms.Field | None, value):
    """``value`` as JSON the audit page prints: text, a number, a flag, a list, or None."""
    if isinstance(field, forms.ModelChoiceField) and _is_id(value):
        # The initial value of a foreign key is its id: the audit names the object.
        found = field.queryset.model._default_manager.filter(pk=value).first()
        return str(found)[:MAX_TEXT] if found is not None else value
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, Model):
        return str(value)[:MAX_TEXT]
    if isinstance(value, QuerySet | list | tuple | set | frozenset):
        return [shown(field, item) for item in value]
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    name = getattr(value, "name", None)  # an uploaded or a stored file
    if isinstance(name, str) and not isinstance(value, str):
        return name
    return str(value)[:MAX_TEXT]


def _is_id(value) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or (
        isinstance(value, str) and value.isdigit()
    )


def changed_fields(form: forms.BaseForm) -> dict[str, dict]:
    """``{field: {"old": …, "new": …}}`` for the fields the user changed in ``form``."""
    changes = {}
    for name in form.changed_data:
        if name == DELETION_FIELD_NAME:
            continue
        field = form.fields.get(name)
        if is_secret(name, field):
            changes[name] = {"secret": True}
            continue
        old = form.get_initial_for_field(field, name) if field is not None else None
        new = getattr(form, "cleaned_data", {}).get(name)
        changes[name] = {"old": shown(field, old), "new": shown(field, new)}
    return changes


def form_changes(form: forms.BaseForm, formsets=()) -> dict:
    """The changes of an admin form and its inlines: ``{"fields": {...}, "inlines": [...]}``
    (keys left out when empty)."""
    result = {}
    fields = changed_fields(form)
    if fields:
        result["fields"] = fields
    inlines = []
    for formset in formsets or ():
        existing = formset.initial_form_count()
        for index, inline in enumerate(formset.forms):
            if formset.can_delete and inline.cleaned_data.get(DELETION_FIELD_NAME):
                if index >= existing:  # a new row removed before saving
                    continue
                verb = "deleted"
            elif not inline.has_changed():
                continue
            else:
                verb = "added" if index >= existing else "changed"
            inlines.append(
                {
                    "model": str(inline.instance._meta.verbose_name),
                    "object": str(inline.instance)[:MAX_TEXT],
                    "verb": verb,
                    "fields": changed_fields(inline) if verb != "deleted" else {},
                }
            )
    if inlines:
        result["inlines"] = inlines
    return result
