"""A static stylesheet's rules inlined into a print document."""

from pathlib import Path

from django import template
from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def inline_stylesheet(path: str) -> str:
    """The text of the static file ``path``, for a ``<style>`` block that WeasyPrint reads.

    A report's page links the same file: under the Content-Security-Policy a page may not
    carry the rules inline, and the PDF should not need a second copy of them.
    """
    found = finders.find(path)
    if found is None:  # collected, not found by the finders (production)
        found = Path(settings.STATIC_ROOT) / path
    return mark_safe(Path(found).read_text(encoding="utf-8"))
