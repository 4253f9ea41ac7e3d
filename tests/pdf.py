"""Reading the PDFs the product renders, in tests."""

import io
import os
import pathlib

from pypdf import PdfReader


def pdf_text(content: bytes, name: str = "document") -> str:
    """The PDF's text, runs of white space as one space (table cells wrap). SAVE_PDF=1 keeps
    the file in /tmp to look at."""
    if os.environ.get("SAVE_PDF"):
        pathlib.Path(f"/tmp/casework-{name}.pdf").write_bytes(content)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())
