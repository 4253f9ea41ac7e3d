"""PDF rendering: an HTML template → WeasyPrint → bytes, with the shipped Cyrillic font.

The print templates extend ``printing/base.html``, which declares Liberation Serif from
``static/fonts`` (a Times-metric font with Cyrillic, as Russian forms are typed) so that
the output does not depend on the fonts of the machine.
"""

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.encoding import iri_to_uri
from django.utils.text import slugify

PDF = "application/pdf"


@dataclass(frozen=True)
class Document:
    filename: str
    mime_type: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    def as_response(self, *, inline: bool = False) -> HttpResponse:
        """A download (or, ``inline``, a page the browser shows) with a Cyrillic-safe name."""
        response = HttpResponse(self.content, content_type=self.mime_type)
        ascii_name = slugify(Path(self.filename).stem) or "document"
        suffix = Path(self.filename).suffix
        disposition = "inline" if inline else "attachment"
        response["Content-Disposition"] = (
            f'{disposition}; filename="{ascii_name}{suffix}"; '
            f"filename*=UTF-8''{iri_to_uri(self.filename)}"
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


@cache
def font_dir() -> Path:
    found = finders.find("fonts/liberation/LiberationSerif-Regular.ttf")
    if found is None:  # collected, not found by the finders (production)
        found = Path(settings.STATIC_ROOT) / "fonts/liberation/LiberationSerif-Regular.ttf"
    return Path(found).parent


def render_pdf(template_name: str, context: dict, *, filename: str) -> Document:
    """Render ``template_name`` (extending ``printing/base.html``) to a PDF document."""
    from weasyprint import HTML  # heavy: imported when a PDF is made, not at start-up

    html = render_to_string(template_name, context | {"font_dir": font_dir().as_uri()})
    content = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    return Document(filename=filename, mime_type=PDF, content=content)
