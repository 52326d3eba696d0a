"""Birth deed (Kutipan Akta Kelahiran) rendering as a one-page A4 PDF."""

from __future__ import annotations

import io
from datetime import date
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

import reportlab
import segno
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)
from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

REGULAR_FONT = "DeedSans"
BOLD_FONT = "DeedSans-Bold"
# DejaVu Sans (Debian package fonts-dejavu-core) covers Latin Extended-A and
# B. Bitstream Vera, bundled with reportlab, covers little beyond Latin-1.
DEJAVU_DIRECTORY = Path("/usr/share/fonts/truetype/dejavu")
VERA_DIRECTORY = Path(reportlab.__file__).parent / "fonts"

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 25 * mm
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
QR_SIZE = 35 * mm
VERIFICATION_BLOCK_TOP = MARGIN + QR_SIZE + 5 * mm
# 10 pixels per QR module keep the embedded PNG sharp when a viewer smooths
# the upscaled image instead of drawing square modules.
QR_PIXELS_PER_MODULE = 10
# The QR code standard asks for a blank margin of 4 modules around the symbol.
QR_QUIET_ZONE_MODULES = 4


class ChildSex(StrEnum):
    """Sex as coded in Indonesian civil registration: L (laki-laki), P (perempuan)."""

    MALE = "L"
    FEMALE = "P"


# Words printed on the deed, in Bahasa Indonesia.
MONTH_NAMES = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
SEX_LABELS = {ChildSex.MALE: "laki-laki", ChildSex.FEMALE: "perempuan"}

# The length limits keep the longest deed on one page above the QR code.
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)
]
# Printed centred on one line, so it must fit the text width.
HeadingText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)
]
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)
]
LongText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)
]


class BirthDeedContent(BaseModel):
    """Facts printed on one birth deed, as registered."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    child_name: Name
    child_sex: ChildSex
    birth_date: date
    birth_place: LongText
    birth_order: int = Field(
        ge=1, le=30, description="birth order, printed as anak ke-<n>"
    )
    # None when no father is recorded, and then the deed names only the mother.
    father_name: Name | None = None
    mother_name: Name
    register_number: HeadingText
    document_id: ShortText
    issued_on: date
    issued_at: ShortText
    regency_name: HeadingText
    office_name: LongText
    head_name: Name
    # 200 characters give at most a version 10 QR code of 57 modules, about
    # 0.6 mm each at the printed 35 mm. Longer URLs shrink the modules further.
    verify_url: str = Field(max_length=200)

    @field_validator("verify_url")
    @classmethod
    def _check_verify_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(
                f"verify_url {value!r} is not an absolute http(s) URL; "
                "give the public verification address, e.g. https://host/v/<id>"
            )
        return value

    @model_validator(mode="after")
    def _check_dates(self) -> BirthDeedContent:
        if self.issued_on < self.birth_date:
            raise ValueError(
                f"issued_on {self.issued_on} is before birth_date "
                f"{self.birth_date}; check both dates"
            )
        return self


def format_indonesian_date(value: date) -> str:
    """Format a date as Indonesian deeds print it, e.g. "4 Desember 2026"."""
    return f"{value.day} {MONTH_NAMES[value.month - 1]} {value.year}"


def render_birth_deed(content: BirthDeedContent) -> bytes:
    """Render the deed as a one-page A4 PDF, byte-identical for equal content.

    Raises ValueError when a text field contains a character that the deed
    font has no glyph for, because the PDF would show an empty box instead,
    and when content that bypassed validation is too long for the page.
    """
    _register_fonts()
    _check_glyphs(content)

    buffer = io.BytesIO()
    # invariant=1 fixes the creation date and document ID that reportlab
    # would otherwise take from the clock.
    canvas = Canvas(
        buffer,
        pagesize=A4,
        invariant=1,
        pageCompression=1,
        lang="id",
        # Without this reportlab declares Helvetica, which the PDF does not
        # embed, as the page's initial font.
        initialFontName=REGULAR_FONT,
    )
    canvas.setCreator("DOMPAK")
    canvas.setTitle(f"Kutipan Akta Kelahiran {content.register_number}")
    canvas.setAuthor(content.office_name)
    canvas.setSubject(f"Dokumen {content.document_id}")

    cursor = _draw_header(canvas, content, PAGE_HEIGHT - MARGIN)
    cursor = _draw_statement(canvas, content, cursor - 10 * mm)
    cursor = _draw_issuer_block(canvas, content, cursor - 12 * mm)
    # The field length limits keep this from happening for validated content.
    if cursor < VERIFICATION_BLOCK_TOP:
        raise ValueError(
            f"the text of deed {content.register_number} runs into the QR code "
            "block; shorten the names, the birth place or the office name"
        )
    _draw_verification_block(canvas, content)

    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_header(canvas: Canvas, content: BirthDeedContent, top: float) -> float:
    center = PAGE_WIDTH / 2
    canvas.setFont(BOLD_FONT, 12)
    canvas.drawCentredString(center, top, "REPUBLIK INDONESIA")
    canvas.drawCentredString(center, top - 16, "PENCATATAN SIPIL")
    canvas.setFont(REGULAR_FONT, 11)
    canvas.drawCentredString(center, top - 32, content.regency_name.upper())

    rule = top - 42
    canvas.setLineWidth(0.8)
    canvas.line(MARGIN, rule, PAGE_WIDTH - MARGIN, rule)

    title = rule - 36
    canvas.setFont(BOLD_FONT, 18)
    canvas.drawCentredString(center, title, "KUTIPAN AKTA KELAHIRAN")
    canvas.setFont(REGULAR_FONT, 12)
    canvas.drawCentredString(center, title - 20, f"Nomor: {content.register_number}")
    return title - 20


def _draw_statement(canvas: Canvas, content: BirthDeedContent, top: float) -> float:
    child = _bold(content.child_name)
    parents = f"dari ibu {_bold(content.mother_name)}"
    if content.father_name is not None:
        parents = (
            f"dari ayah {_bold(content.father_name)} "
            f"dan ibu {_bold(content.mother_name)}"
        )
    text = (
        f"Berdasarkan Akta Kelahiran Nomor {escape(content.register_number)}, "
        f"bahwa di {escape(content.birth_place)} pada tanggal "
        f"{format_indonesian_date(content.birth_date)} telah lahir {child}, "
        f"anak ke-{content.birth_order}, {SEX_LABELS[content.child_sex]}, "
        f"{parents}."
    )
    style = ParagraphStyle(
        "statement",
        fontName=REGULAR_FONT,
        fontSize=12,
        leading=19,
        alignment=TA_JUSTIFY,
    )
    return _draw_paragraph(canvas, text, style, MARGIN, top, TEXT_WIDTH)


def _draw_issuer_block(canvas: Canvas, content: BirthDeedContent, top: float) -> float:
    left = PAGE_WIDTH / 2
    width = PAGE_WIDTH - MARGIN - left
    style = ParagraphStyle(
        "issuer", fontName=REGULAR_FONT, fontSize=11, leading=15, alignment=TA_LEFT
    )
    issued = (
        f"Dikeluarkan di {escape(content.issued_at)}, pada tanggal "
        f"{format_indonesian_date(content.issued_on)}"
    )
    cursor = _draw_paragraph(canvas, issued, style, left, top, width)
    office = f"Kepala {escape(content.office_name)},"
    cursor = _draw_paragraph(canvas, office, style, left, cursor - 6, width)

    # The signature is the embedded PAdES signature, so the space usually
    # left for a wet signature carries a note instead.
    note_style = ParagraphStyle(
        "note", parent=style, fontSize=9, leading=12, textColor="#555555"
    )
    note = "Ditandatangani secara elektronik"
    cursor = _draw_paragraph(canvas, note, note_style, left, cursor - 10, width)
    head = _bold(content.head_name)
    return _draw_paragraph(canvas, head, style, left, cursor - 18, width)


def _draw_verification_block(canvas: Canvas, content: BirthDeedContent) -> None:
    bottom = MARGIN
    png = io.BytesIO()
    segno.make(content.verify_url, error="m", micro=False).save(
        png, kind="png", scale=QR_PIXELS_PER_MODULE, border=QR_QUIET_ZONE_MODULES
    )
    canvas.drawImage(
        ImageReader(io.BytesIO(png.getvalue())),
        MARGIN,
        bottom,
        width=QR_SIZE,
        height=QR_SIZE,
    )

    caption = (
        "Dokumen ini ditandatangani secara elektronik. Keaslian dan keutuhannya "
        "dapat diperiksa dengan memindai kode QR ini atau membuka "
        f"{escape(content.verify_url)}<br/>"
        f"ID dokumen: {escape(content.document_id)}"
    )
    style = ParagraphStyle(
        "caption", fontName=REGULAR_FONT, fontSize=8, leading=11, alignment=TA_LEFT
    )
    left = MARGIN + QR_SIZE + 5 * mm
    width = PAGE_WIDTH - MARGIN - left
    paragraph = Paragraph(caption, style)
    _, height = paragraph.wrap(width, QR_SIZE)
    paragraph.drawOn(canvas, left, bottom + (QR_SIZE - height) / 2)


def _draw_paragraph(
    canvas: Canvas,
    markup: str,
    style: ParagraphStyle,
    left: float,
    top: float,
    width: float,
) -> float:
    """Draw wrapped text below top and return the y coordinate of its lower edge."""
    paragraph = Paragraph(markup, style)
    _, height = paragraph.wrap(width, PAGE_HEIGHT)
    paragraph.drawOn(canvas, left, top - height)
    return float(top - height)


def _bold(text: str) -> str:
    return f'<font name="{BOLD_FONT}">{escape(text)}</font>'


@cache
def _register_fonts() -> None:
    """Register the deed fonts once per process, preferring DejaVu Sans."""
    candidates = (
        (DEJAVU_DIRECTORY / "DejaVuSans.ttf", DEJAVU_DIRECTORY / "DejaVuSans-Bold.ttf"),
        (VERA_DIRECTORY / "Vera.ttf", VERA_DIRECTORY / "VeraBd.ttf"),
    )
    for regular, bold in candidates:
        if regular.is_file() and bold.is_file():
            pdfmetrics.registerFont(TTFont(REGULAR_FONT, str(regular)))
            pdfmetrics.registerFont(TTFont(BOLD_FONT, str(bold)))
            return
    searched = [str(path) for pair in candidates for path in pair]
    raise FileNotFoundError(
        f"no deed font found; looked for {searched}; install the Debian package "
        "fonts-dejavu-core or reinstall reportlab"
    )


def _check_glyphs(content: BirthDeedContent) -> None:
    fonts = [pdfmetrics.getFont(name) for name in (REGULAR_FONT, BOLD_FONT)]
    for field, value in content.model_dump(mode="json").items():
        if not isinstance(value, str):
            continue
        for character in value:
            if any(ord(character) not in font.face.charToGlyph for font in fonts):
                raise ValueError(
                    f"{field} contains {character!r} (U+{ord(character):04X}), "
                    "which the deed font cannot print; correct the spelling, or "
                    "install the Debian package fonts-dejavu-core if the deed "
                    "uses reportlab's fallback font Vera"
                )
