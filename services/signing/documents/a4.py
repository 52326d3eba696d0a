"""Parts of every A4 document: header, issuer block, QR block and page frame.

A4 documents are printed on plain paper, also by residents at home, so the
QR code and its caption take the place of a wet signature and stamp.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from xml.sax.saxutils import escape

import segno
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Table

from services.signing.documents.common import (
    A4DocumentContent,
    format_indonesian_date,
)
from services.signing.documents.layout import (
    BOLD_FONT,
    REGULAR_FONT,
    bold,
    borderless_table,
    draw_flowable,
    fit_font_size,
    line_font_size,
    render_pdf,
)

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 25 * mm
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
QR_SIZE = 35 * mm
VERIFICATION_BLOCK_TOP = MARGIN + QR_SIZE + 5 * mm
# 10 pixels per QR module keep the embedded PNG sharp when a viewer smooths
# the upscaled image instead of drawing square modules.
QR_PIXELS_PER_MODULE = 10
# The QR code standard requires a blank margin of 4 modules around the symbol.
QR_QUIET_ZONE_MODULES = 4
QR_CAPTION_GAP = 5 * mm
NOTE_COLOR = "#555555"
# Gaps above the body and above the issuer block of a portrait page.
BODY_GAP = 10 * mm
ISSUER_GAP = 12 * mm
ISSUER_LEFT = PAGE_WIDTH / 2
ISSUER_WIDTH = PAGE_WIDTH - MARGIN - ISSUER_LEFT
# Beside the QR block the issuer block moves right and shrinks to 10 pt, so
# the QR caption keeps a readable width.
BAND_ISSUER_LEFT = PAGE_WIDTH * 0.58
BAND_ISSUER_FONT_SIZE = 10

IssuerBlock = list[tuple[float, Paragraph]]


def render_portrait(
    content: A4DocumentContent,
    *,
    division: str,
    document_name: str,
    body: Callable[[float], list[Flowable]],
    font_sizes: tuple[float, ...],
    issuer_beside_qr: bool = False,
) -> bytes:
    """Render a portrait A4 document whose body shrinks until it fits the page.

    body(size) returns the flowables below the header set at a base type
    size of `size` points. The largest of font_sizes that fits wins, and
    ValueError is raised when even the smallest does not fit. The issuer
    block follows the body, as on a deed, unless issuer_beside_qr puts it
    beside the QR block to leave the body more room.
    """

    def draw(canvas: Canvas) -> None:
        cursor = draw_portrait_header(
            canvas, content, division=division, title=document_name.upper()
        )
        top = cursor - BODY_GAP
        block = issuer_block(content, issuer_style())
        if issuer_beside_qr:
            bottom = BODY_GAP + draw_bottom_band(
                canvas,
                content,
                page_width=PAGE_WIDTH,
                margin=MARGIN,
                issuer_left=BAND_ISSUER_LEFT,
                style=issuer_style(BAND_ISSUER_FONT_SIZE),
            )
        else:
            issuer_height = measure_block(block, ISSUER_WIDTH)
            bottom = VERIFICATION_BLOCK_TOP + ISSUER_GAP + issuer_height
        fitted = fit_font_size(
            lambda size: stack(body(size)),
            font_sizes,
            TEXT_WIDTH,
            top - bottom,
            f"the text of {document_name} {content.register_number}",
        )
        cursor = draw_flowable(canvas, fitted, MARGIN, top, TEXT_WIDTH)
        if not issuer_beside_qr:
            draw_block(canvas, block, ISSUER_LEFT, cursor - ISSUER_GAP, ISSUER_WIDTH)
            draw_portrait_footer(canvas, content)

    title = f"{document_name} {content.register_number}"
    return render_pdf(content, page_size=A4, title=title, draw=draw)


def draw_portrait_header(
    canvas: Canvas, content: A4DocumentContent, *, division: str, title: str
) -> float:
    """Draw the header of a portrait page and return its number line's baseline."""
    return draw_header(
        canvas,
        division=division,
        regency_name=content.regency_name,
        title=title,
        number_line=f"Nomor: {content.register_number}",
        page_width=PAGE_WIDTH,
        top=PAGE_HEIGHT - MARGIN,
    )


def draw_portrait_footer(canvas: Canvas, content: A4DocumentContent) -> None:
    draw_verification_block(
        canvas, content, left=MARGIN, bottom=MARGIN, width=TEXT_WIDTH
    )


def stack(flowables: list[Flowable], width: float = TEXT_WIDTH) -> Table:
    """Put flowables in one borderless cell, so they wrap and draw as one."""
    return borderless_table([[flowables]], [width])


def draw_header(
    canvas: Canvas,
    *,
    division: str,
    regency_name: str,
    title: str,
    number_line: str,
    page_width: float,
    top: float,
    margin: float = MARGIN,
    scale: float = 1,
) -> float:
    """Draw the state, division and regency lines and the title.

    scale shrinks type sizes and spacing alike, and a line too wide for the
    text width shrinks further until it fits. Returns the baseline of the
    number line, the lowest text drawn.
    """
    center = page_width / 2
    width = page_width - 2 * margin

    def centred(text: str, font: str, size: float, baseline: float) -> None:
        canvas.setFont(font, line_font_size(text, font, size * scale, width))
        canvas.drawCentredString(center, baseline, text)

    centred("REPUBLIK INDONESIA", BOLD_FONT, 12, top)
    centred(division, BOLD_FONT, 12, top - 16 * scale)
    centred(regency_name.upper(), REGULAR_FONT, 11, top - 32 * scale)

    rule = top - 42 * scale
    canvas.setLineWidth(0.8)
    canvas.line(margin, rule, page_width - margin, rule)

    title_baseline = rule - 36 * scale
    centred(title, BOLD_FONT, 18, title_baseline)
    number_baseline = title_baseline - 20 * scale
    centred(number_line, REGULAR_FONT, 12, number_baseline)
    return float(number_baseline)


def issuer_style(font_size: float = 11) -> ParagraphStyle:
    return ParagraphStyle(
        "issuer",
        fontName=REGULAR_FONT,
        fontSize=font_size,
        leading=font_size * 15 / 11,
        alignment=TA_LEFT,
    )


def issuer_block(content: A4DocumentContent, style: ParagraphStyle) -> IssuerBlock:
    """Return the issue place and date, office and head, each with its gap above."""
    issued = (
        f"Dikeluarkan di {escape(content.issued_at)}, pada tanggal "
        f"{format_indonesian_date(content.issued_on)}"
    )
    office = f"Kepala {escape(content.office_name)},"
    # The signature is the embedded PAdES signature, so the space usually
    # left for a wet signature carries a note instead.
    note_style = ParagraphStyle(
        "note",
        parent=style,
        fontSize=style.fontSize * 9 / 11,
        leading=style.fontSize * 12 / 11,
        textColor=NOTE_COLOR,
    )
    unit = style.fontSize / 11
    return [
        (0, Paragraph(issued, style)),
        (6 * unit, Paragraph(office, style)),
        (10 * unit, Paragraph("Ditandatangani secara elektronik", note_style)),
        (18 * unit, Paragraph(bold(content.head_name), style)),
    ]


def measure_block(block: IssuerBlock, width: float) -> float:
    """Return the height that draw_block needs for the block."""
    heights = [
        gap + float(paragraph.wrap(width, PAGE_HEIGHT)[1]) for gap, paragraph in block
    ]
    return sum(heights)


def draw_block(
    canvas: Canvas,
    block: IssuerBlock,
    left: float,
    top: float,
    width: float,
) -> float:
    """Draw paragraphs with their gaps below top and return the lower edge."""
    cursor = top
    for gap, paragraph in block:
        cursor = draw_flowable(canvas, paragraph, left, cursor - gap, width)
    return cursor


def draw_verification_block(
    canvas: Canvas,
    content: A4DocumentContent,
    *,
    left: float,
    bottom: float,
    width: float,
    extra_line: str | None = None,
) -> float:
    """Draw the QR code of verify_url with its caption to the right, within width.

    The caption is centred beside the QR code, and when it is taller than
    the code both start at the caption's top. Returns the block's top.
    """
    caption = _caption(content, extra_line)
    caption_left = left + QR_CAPTION_GAP + QR_SIZE
    _, caption_height = caption.wrap(left + width - caption_left, PAGE_HEIGHT)
    top = bottom + max(QR_SIZE, caption_height)
    canvas.drawImage(
        ImageReader(io.BytesIO(_qr_png(content.verify_url))),
        left,
        top - QR_SIZE,
        width=QR_SIZE,
        height=QR_SIZE,
    )
    caption_bottom = top - (QR_SIZE + caption_height) / 2
    caption.drawOn(canvas, caption_left, min(caption_bottom, top - caption_height))
    return float(top)


def draw_bottom_band(
    canvas: Canvas,
    content: A4DocumentContent,
    *,
    page_width: float,
    margin: float,
    issuer_left: float,
    style: ParagraphStyle,
    extra_line: str | None = None,
) -> float:
    """Draw the QR block on the left and the issuer block on the right side by side.

    The band sits on the bottom margin. Returns the band's top.
    """
    block = issuer_block(content, style)
    issuer_width = page_width - margin - issuer_left
    qr_top = draw_verification_block(
        canvas,
        content,
        left=margin,
        bottom=margin,
        width=issuer_left - margin - QR_CAPTION_GAP,
        extra_line=extra_line,
    )
    top = max(qr_top, margin + measure_block(block, issuer_width))
    draw_block(canvas, block, issuer_left, top, issuer_width)
    return top


def _qr_png(url: str) -> bytes:
    png = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        png, kind="png", scale=QR_PIXELS_PER_MODULE, border=QR_QUIET_ZONE_MODULES
    )
    return png.getvalue()


def _caption(content: A4DocumentContent, extra_line: str | None) -> Paragraph:
    caption = (
        "Dokumen ini ditandatangani secara elektronik. Keaslian dan keutuhannya "
        "dapat diperiksa dengan memindai kode QR ini atau membuka "
        f"{escape(content.verify_url)}<br/>"
    )
    if extra_line is not None:
        caption += f"{escape(extra_line)}<br/>"
    caption += f"ID dokumen: {escape(content.document_id)}"
    style = ParagraphStyle(
        "caption", fontName=REGULAR_FONT, fontSize=8, leading=11, alignment=TA_LEFT
    )
    return Paragraph(caption, style)
