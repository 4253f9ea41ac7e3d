"""``{% grid_cells row.cells %}``: a student's day cells of the class's month grid, built in
Python: a month has ~25 students × ~31 days of cells, and written as a template they took
two thirds of the grid page's time under load (issue 14). The markup is the template's:
``att-<status>`` classes, the absences' number, «оп», and the unmarked lessons (``?``)."""

from functools import lru_cache

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


@lru_cache(maxsize=8)
def _fixed(language: str) -> dict[str, str]:
    return {"late": escape(_("оп")), "unmarked": escape(_("не отмечено"))}


@register.simple_tag
def grid_cells(cells) -> SafeString:
    """``cells``: (record, css class, unmarked lessons) per day (journal.views.student_card)."""
    fixed = _fixed(get_language())
    html = []
    for record, css, gaps in cells:
        attributes = ""
        content = ""
        absent = getattr(record, "absent", None)
        if absent:
            content = escape(absent)
        elif getattr(record, "late", None):
            content = f'<span class="small">{fixed["late"]}</span>'
        if gaps:
            title = escape(_("Не отмечена посещаемость уроков: %(n)s") % {"n": gaps})
            attributes = f' data-unmarked="{escape(gaps)}" title="{title}"'
            content += f'<span class="att-gap" aria-label="{fixed["unmarked"]}">?</span>'
        html.append(f'<td class="att-{escape(css or "present")}"{attributes}>{content}</td>')
    return mark_safe("".join(html))  # every value above is escaped
