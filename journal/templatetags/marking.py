"""``{% mark_row row %}``: one student's row of the lesson page, built in Python.

The lesson page draws a row per student and every tap answers one: written as a template,
the rows took a third of the lesson page's time under load (about 0.25 ms of CPU a row,
issue 14); built here they take a fraction of that. The markup is the one
``static/js/marking.js`` and the tests read: ids ``student-<pk>``, ``mark-<pk>-<kind>``,
``minutes-<pk>``, the ``mark-row--<state>`` classes and ``aria-pressed``. Every value from
the database or the request goes through ``escape``; the fixed texts are translated and
escaped once per language.
"""

from functools import lru_cache

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ..models import Mark

register = template.Library()

# kind, keyboard key, the button's class when pressed and when not
_BUTTONS = (
    ("present", "1", "btn-success", "btn-outline-success"),
    ("absent", "2", "btn-danger", "btn-outline-danger"),
    ("late", "3", "btn-warning", "btn-outline-warning"),
)


@lru_cache(maxsize=8)
def _texts(language: str) -> dict[str, str]:
    """The row's fixed texts in ``language`` (the active one), HTML-escaped."""
    texts = {
        "present": _("Присутствует"),
        "absent": _("Н"),
        "late": _("ОП"),
        "absent_title": _("Отсутствует (пропустил больше половины урока)"),
        "late_title": _("Опоздал (пришёл до середины урока)"),
        "valid": _("уважительная"),
        "present_readonly": _("присутствует"),
        "late_label": _("Опоздание"),
        "minutes": _("мин"),
        "save_minutes": _("Сохранить минуты опоздания"),
        "pending": _("Не отправлено: отметка сохранена на телефоне и уйдёт, когда появится связь."),
    }
    return {key: escape(text) for key, text in texts.items()}


def csrf_input(context) -> str:
    """What ``{% csrf_token %}`` writes, for the tags that build forms in Python."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'


def _buttons(student, state: str, text: dict, hint: str, mark_url: str, csrf: str) -> str:
    label = escape(_("Отметка: %(name)s") % {"name": student.short_name})
    if hint:
        label += f" ({hint})"
    buttons = []
    for kind, key, pressed, unpressed in _BUTTONS:
        title = text.get(f"{kind}_title")
        title_attribute = f' title="{title}"' if title else ""
        buttons.append(
            f'<button type="submit" name="kind" value="{kind}" id="mark-{student.pk}-{kind}"'
            f' data-key="{key}" aria-keyshortcuts="{key}"'
            f' class="btn mark-button mark-button--{kind} {pressed if state == kind else unpressed}"'
            f' aria-pressed="{"true" if state == kind else "false"}"'
            f"{title_attribute}>{text[kind]}</button>"
        )
    return (
        f'<form method="post" action="{mark_url}" class="mark-row__form" data-offline-mark>'
        f'{csrf}<input type="hidden" name="student" value="{student.pk}">'
        f'<div class="mark-buttons" role="group" aria-label="{label}">'
        f"{''.join(buttons)}</div></form>"
    )


def _readonly(row, state: str, text: dict) -> str:
    if state == Mark.Kind.ABSENT:
        badge = f'<span class="badge text-bg-danger fs-6">{text["absent"]}</span>'
    elif state == Mark.Kind.LATE:
        minutes = row.mark.minutes_late
        after = f" · {escape(_('%(minutes)s мин') % {'minutes': minutes})}" if minutes else ""
        badge = f'<span class="badge text-bg-warning fs-6">{text["late"]}{after}</span>'
    else:
        badge = f'<span class="text-body-secondary small">{text["present_readonly"]}</span>'
    return f'<div class="mark-row__readonly">{badge}</div>'


def _minutes_form(row, student, text: dict, duration, mark_url: str, csrf: str) -> str:
    minutes = row.mark.minutes_late if row.mark is not None else None
    pk = student.pk
    return (
        f'<form method="post" action="{mark_url}" class="mark-row__minutes" data-offline-mark>'
        f'{csrf}<input type="hidden" name="student" value="{pk}">'
        '<input type="hidden" name="kind" value="late">'
        f'<label for="minutes-{pk}" class="small">{text["late_label"]}</label>'
        '<div class="input-group input-group-sm mark-row__minutes-group">'
        f'<input type="number" name="minutes_late" id="minutes-{pk}" class="form-control" min="1"'
        f' max="{escape(duration)}" inputmode="numeric" value="{"" if minutes is None else minutes}">'
        f'<span class="input-group-text">{text["minutes"]}</span>'
        f'<button type="submit" class="btn btn-outline-secondary" id="minutes-{pk}-save"'
        f' aria-label="{text["save_minutes"]}"><i class="bi bi-check2" aria-hidden="true"></i>'
        "</button></div></form>"
    )


@register.simple_tag(takes_context=True)
def mark_row(context, row) -> SafeString:
    """The ``<li>`` of ``row`` (journal.views.marking.MarkRow): its name, the three buttons
    (or the stored mark when the user cannot mark), the minutes of a late arrival, the
    offline notice and the error the tap met."""
    text = _texts(get_language())
    student, state = row.student, row.state
    can_mark = context.get("can_mark")
    mark_url = escape(context.get("mark_url", ""))
    parts = []
    attributes = ""
    if student is not None:
        attributes = f' id="student-{student.pk}" data-state="{escape(state)}"'
        hint = escape(getattr(student, "namesake_hint", "") or "")
        valid = state == Mark.Kind.ABSENT and row.mark.reason_status == "valid"
        name = (
            f'<div class="mark-row__name"><span class="fw-semibold">{escape(student.last_name)}'
            f"</span> {escape(student.first_name)}"
            + (
                f' <span class="small text-body-secondary" data-testid="namesake-hint">({hint})'
                "</span>"
                if hint
                else ""
            )
            + (
                f'<span class="badge text-bg-light border ms-1">{text["valid"]}</span>'
                if valid
                else ""
            )
            + "</div>"
        )
        csrf = csrf_input(context) if can_mark else ""
        action = (
            _buttons(student, state, text, hint, mark_url, csrf)
            if can_mark
            else _readonly(row, state, text)
        )
        parts.append(f'<div class="mark-row__main">{name}{action}</div>')
        if can_mark and state == Mark.Kind.LATE:
            duration = context["lesson"].duration_minutes
            parts.append(_minutes_form(row, student, text, duration, mark_url, csrf))
    parts.append(
        '<div class="mark-row__pending small" hidden><i class="bi bi-cloud-slash"'
        f' aria-hidden="true"></i> {text["pending"]}</div>'
        f'<div class="mark-row__error text-danger small" role="alert">{escape(row.error)}</div>'
    )
    error_class = " mark-row--error" if row.error else ""
    # Every value above is escaped.
    return mark_safe(
        f'<li class="list-group-item mark-row mark-row--{escape(state)}{error_class}"{attributes}>'
        f"{''.join(parts)}</li>"
    )
