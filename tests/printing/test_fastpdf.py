"""printing.fastpdf: the long-table PDF keeps every row, in order, whole, under its header."""

import io

from pypdf import PdfReader
from reportlab.lib.units import mm

from printing.fastpdf import Column, Grid, Group, paragraph, render_flow_pdf, signatures

COLUMNS = [Column("Номер", 15 * mm), Column("Фамилия", 50 * mm), Column("Меры", None)]


def _pages(content: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages]


def test_every_row_in_order_with_the_header_on_every_page():
    rows = [Group("Первая группа")]
    rows += [
        (f"{n}.", f"Ученик{n:04d}", "звонок родителям; посещение семьи") for n in range(1, 301)
    ]
    rows += [Group("Вторая группа"), ("", "", "нет")]
    document = render_flow_pdf(
        [paragraph("Сводная информация", "title"), Grid(COLUMNS, rows)],
        filename="x.pdf",
        is_landscape=True,
    )
    pages = _pages(document.content)
    assert len(pages) > 3
    assert all("Номер Фамилия Меры" in page for page in pages)
    assert all(page.endswith(f"{n} / {len(pages)}") for n, page in enumerate(pages, 1))
    text = " ".join(pages)
    positions = [text.index(f"Ученик{n:04d}") for n in range(1, 301)]
    assert positions == sorted(positions)
    assert text.index("Первая группа") < positions[0] < positions[-1] < text.index("Вторая группа")


def test_a_row_taller_than_a_page_goes_on_over_the_next_pages_and_long_words_are_cut():
    measures = " ".join(f"мера{n}" for n in range(1, 1201))  # hundreds of lines in its cell
    word = "Ж" * 120  # wider than its column, no space to break at
    document = render_flow_pdf(
        [
            Grid(COLUMNS, [("1.", word, measures), ("2.", "Последний", "нет")]),
            signatures([("Исполнитель", "Иванова")]),
        ],
        filename="x.pdf",
    )
    pages = _pages(document.content)
    assert len(pages) >= 3
    text = " ".join(pages)
    assert all(f"мера{n} " in text + " " for n in (1, 600, 1200))
    assert text.replace(" ", "").count("Ж") == 120
    assert text.index("мера1200") < text.index("Последний") < text.index("Исполнитель")


def test_cells_are_text_not_markup():
    document = render_flow_pdf(
        [paragraph("<b>не разметка</b> & <font>"), Grid(COLUMNS, [("1.", "<i>x</i>", "a & b")])],
        filename="x.pdf",
    )
    text = " ".join(_pages(document.content))
    assert "<b>не разметка</b> & <font>" in text and "<i>x</i>" in text and "a & b" in text
