"""Drawing shared by all templates: fonts, PDF canvas, glyph check and tables."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from services.signing.documents.common import DocumentContent

REGULAR_FONT = "DeedSans"
BOLD_FONT = "DeedSans-Bold"
# Condensed letters fit the family card's 13 columns and the ID cards' rows.
CONDENSED_FONT = "DeedSansCondensed"
CONDENSED_BOLD_FONT = "DeedSansCondensed-Bold"
FONT_NAMES = (REGULAR_FONT, BOLD_FONT, CONDENSED_FONT, CONDENSED_BOLD_FONT)
# DejaVu Sans (Debian package fonts-dejavu-core) covers Latin Extended-A and
# B. Bitstream Vera, bundled with reportlab, covers little beyond Latin-1
# and has no condensed cut, so the fallback uses its normal width there.
DEJAVU_DIRECTORY = Path("/usr/share/fonts/truetype/dejavu")
VERA_DIRECTORY = Path(reportlab.__file__).parent / "fonts"

GRID_COLOR = "#777777"
# A table sets its cell font on the canvas before drawing each cell, even a
# cell of flowables. The default is Helvetica, which the PDF does not embed.
_EMBEDDED_CELL_FONT = [("FONTNAME", (0, 0), (-1, -1), REGULAR_FONT)]


def render_pdf(
    content: DocumentContent,
    *,
    page_size: tuple[float, float],
    title: str,
    draw: Callable[[Canvas], None],
) -> bytes:
    """Render one page with draw(canvas) as a PDF, byte-identical for equal content.

    Raises ValueError when a text field contains a character that the fonts
    have no glyph for, because the PDF would show an empty box instead.
    """
    register_fonts()
    check_glyphs(content)

    buffer = io.BytesIO()
    # invariant=1 fixes the creation date and document ID that reportlab
    # would otherwise take from the clock.
    canvas = Canvas(
        buffer,
        pagesize=page_size,
        invariant=1,
        pageCompression=1,
        lang="id",
        # Without this reportlab declares Helvetica, which the PDF does not
        # embed, as the page's initial font.
        initialFontName=REGULAR_FONT,
    )
    canvas.setCreator("DOMPAK")
    canvas.setTitle(title)
    canvas.setAuthor(content.office_name)
    canvas.setSubject(f"Dokumen {content.document_id}")
    draw(canvas)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def draw_paragraph(
    canvas: Canvas,
    markup: str,
    style: ParagraphStyle,
    left: float,
    top: float,
    width: float,
) -> float:
    """Draw wrapped text below top and return the y coordinate of its lower edge."""
    return draw_flowable(canvas, Paragraph(markup, style), left, top, width)


def draw_flowable(
    canvas: Canvas, flowable: Flowable, left: float, top: float, width: float
) -> float:
    """Draw a flowable below top and return the y coordinate of its lower edge."""
    _, height = flowable.wrap(width, top)
    flowable.drawOn(canvas, left, top - height)
    return float(top - height)


def fit_font_size(
    build: Callable[[float], Flowable],
    font_sizes: Sequence[float],
    width: float,
    height: float,
    description: str,
) -> Flowable:
    """Return build(size) for the largest size whose flowable fits width x height.

    Raises ValueError naming the text by its description when the smallest
    size does not fit either, which the field length limits keep from
    happening for validated content.
    """
    for size in sorted(font_sizes, reverse=True):
        flowable = build(size)
        needed_width, needed_height = flowable.wrap(width, height)
        if needed_height <= height and needed_width <= width + 0.01:
            return flowable
    raise ValueError(
        f"{description} does not fit its {height / mm:.0f} mm of page height even at "
        f"{min(font_sizes)} pt; shorten the longest names, places or addresses"
    )


def label_table(
    rows: Sequence[tuple[str, str]],
    *,
    widths: Sequence[float],
    style: ParagraphStyle,
    label_style: ParagraphStyle | None = None,
) -> Table:
    """Lay out rows of label, colon and value. Values are markup, labels plain text."""
    label_style = label_style or style
    cells = [
        [
            Paragraph(escape(label), label_style),
            Paragraph(":", style),
            Paragraph(value, style),
        ]
        for label, value in rows
    ]
    colon_width = style.fontSize * 0.8
    widths = [widths[0], colon_width, widths[1] - colon_width]
    return borderless_table(cells, widths, top_padding=style.fontSize * 0.15)


def grid_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    widths: Sequence[float],
    style: ParagraphStyle,
    header_style: ParagraphStyle,
) -> Table:
    """Lay out a ruled table of markup cells below a shaded header row."""
    cells: list[list[Any]] = [
        [Paragraph(escape(text), header_style) for text in header]
    ]
    cells += [[Paragraph(text, style) for text in row] for row in rows]
    padding = style.fontSize * 0.3
    table = Table(cells, colWidths=list(widths), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                *_EMBEDDED_CELL_FONT,
                ("GRID", (0, 0), (-1, -1), 0.4, GRID_COLOR),
                ("BACKGROUND", (0, 0), (-1, 0), "#EEEEEE"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), padding),
                ("RIGHTPADDING", (0, 0), (-1, -1), padding),
                ("TOPPADDING", (0, 0), (-1, -1), padding * 0.6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), padding),
            ]
        )
    )
    return table


def borderless_table(
    cells: Sequence[Sequence[Any]],
    widths: Sequence[float],
    *,
    top_padding: float = 0,
) -> Table:
    """Lay out cells in a table without rules or side padding, aligned at the top.

    Give an empty cell as Spacer(0, 0), so no string is drawn in the cell font.
    """
    table = Table([list(row) for row in cells], colWidths=list(widths))
    table.setStyle(
        TableStyle(
            [
                *_EMBEDDED_CELL_FONT,
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), top_padding),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def text_style(
    name: str,
    font_size: float,
    *,
    font_name: str = REGULAR_FONT,
    leading: float | None = None,
    alignment: int = TA_LEFT,
) -> ParagraphStyle:
    """Return a paragraph style whose leading defaults to 1.25 times the size."""
    return ParagraphStyle(
        name,
        fontName=font_name,
        fontSize=font_size,
        leading=leading or font_size * 1.25,
        alignment=alignment,
    )


def label_width(labels: Sequence[str], font: str, size: float) -> float:
    """Return the width of the widest label at this size, plus a small gap."""
    widths = [pdfmetrics.stringWidth(label, font, size) for label in labels]
    return float(max(widths)) + size * 0.4


def line_font_size(text: str, font: str, size: float, width: float) -> float:
    """Return size, or the smaller size at which text fits width on one line."""
    needed = pdfmetrics.stringWidth(text, font, size)
    return size if needed <= width else size * width / needed


def bold(text: str, font: str = BOLD_FONT) -> str:
    """Return text escaped for a Paragraph and set in the bold font."""
    return f'<font name="{font}">{escape(text)}</font>'


@cache
def register_fonts() -> None:
    """Register the fonts once per process, preferring DejaVu Sans.

    The condensed cut comes from fonts-dejavu-extra. Without it the condensed
    names get the normal width of the chosen family, so the family card and
    the ID cards step down to smaller type sooner.
    """
    dejavu, vera = DEJAVU_DIRECTORY, VERA_DIRECTORY
    # Each family lists regular, bold, condensed and condensed bold. Vera has
    # no condensed cut, so it repeats its normal width.
    families = (
        (
            dejavu / "DejaVuSans.ttf",
            dejavu / "DejaVuSans-Bold.ttf",
            dejavu / "DejaVuSansCondensed.ttf",
            dejavu / "DejaVuSansCondensed-Bold.ttf",
        ),
        (
            vera / "Vera.ttf",
            vera / "VeraBd.ttf",
            vera / "Vera.ttf",
            vera / "VeraBd.ttf",
        ),
    )
    for regular, bold, condensed, condensed_bold in families:
        if not (regular.is_file() and bold.is_file()):
            continue
        if not (condensed.is_file() and condensed_bold.is_file()):
            condensed, condensed_bold = regular, bold
        files = (regular, bold, condensed, condensed_bold)
        for name, path in zip(FONT_NAMES, files, strict=True):
            pdfmetrics.registerFont(TTFont(name, str(path)))
        return
    searched = [str(path) for family in families for path in family[:2]]
    raise FileNotFoundError(
        f"no document font found; looked for {searched}; install the Debian "
        "package fonts-dejavu-core or reinstall reportlab"
    )


def check_glyphs(content: DocumentContent) -> None:
    """Raise ValueError naming the first field with a character no font can print."""
    fonts = [pdfmetrics.getFont(name) for name in FONT_NAMES]
    for field, value in _text_fields(content.model_dump(mode="json"), ""):
        for character in value:
            if any(ord(character) not in font.face.charToGlyph for font in fonts):
                raise ValueError(
                    f"{field} contains {character!r} (U+{ord(character):04X}), "
                    "which the document font cannot print; correct the spelling, "
                    "or install the Debian package fonts-dejavu-core if the "
                    "document uses reportlab's fallback font Vera"
                )


def _text_fields(value: object, path: str) -> Iterator[tuple[str, str]]:
    """Yield (field path, text) for every string in dumped content.

    A path looks like members[2].name.
    """
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _text_fields(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _text_fields(item, f"{path}[{index}]")
