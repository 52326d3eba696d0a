"""ID card (KTP-el) and child ID card (KIA) print jobs, one CR80 page each.

The PDF is laid out for the card printer, which prints it on a card blank,
and the resident collects the card at the office. A card carries no QR code.
The photo box stays empty because the office takes the photo together with
the biometric capture.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from xml.sax.saxutils import escape

from pydantic import model_validator
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Spacer

from services.signing.documents.common import (
    MARITAL_STATUS_LABELS,
    RELIGION_LABELS,
    SEX_LABELS,
    Address,
    DocumentContent,
    KkNumber,
    MaritalStatus,
    Name,
    Nik,
    Occupation,
    PlaceName,
    Religion,
    Sex,
    age_on,
    check_date_order,
    format_numeric_date,
)
from services.signing.documents.layout import (
    CONDENSED_BOLD_FONT,
    CONDENSED_FONT,
    GRID_COLOR,
    bold,
    borderless_table,
    draw_flowable,
    fit_font_size,
    label_table,
    label_width,
    line_font_size,
    render_pdf,
    text_style,
)

# ISO/IEC 7810 ID-1, the size of bank cards, is called CR80 by card printers.
CARD_WIDTH = 85.6 * mm
CARD_HEIGHT = 54 * mm
CARD_SIZE = (CARD_WIDTH, CARD_HEIGHT)
# Card printers can shift the image slightly against the card edge, so text
# keeps 3 mm away from it.
CARD_MARGIN = 3 * mm
COLUMN_GAP = 2 * mm
SIDE_COLUMN_WIDTH = 21 * mm
PHOTO_WIDTH = 20 * mm
PHOTO_HEIGHT = 25 * mm
MAIN_WIDTH = CARD_WIDTH - 2 * CARD_MARGIN - COLUMN_GAP - SIDE_COLUMN_WIDTH
SIDE_LEFT = CARD_WIDTH - CARD_MARGIN - SIDE_COLUMN_WIDTH
HEADER_FONT_SIZE = 6.5
HEADER_GAP = 4
# Usual content gets 6 pt. Content with every field at its length
# limit needs 4.5 pt on the KTP-el and 4 pt on the KIA, which is still about
# 17 dots per em at 300 dpi, a usual card printer resolution.
ROW_FONT_SIZES = (6.5, 6, 5.5, 5, 4.5, 4)
NIK_FONT_SIZE = 8
# Part of the text width under the KIA rows that the issuer lines take.
KIA_ISSUER_SHARE = 0.8
ADULT_AGE = 17
# A KIA has a photo from the child's fifth birthday on.
KIA_PHOTO_AGE = 5
# A citizen's KTP-el stays valid for life. A foreign resident's expires with
# the residence permit, which this template does not print, so it covers
# citizens only.
CITIZENSHIP = "WNI"
VALIDITY = "SEUMUR HIDUP"


class BloodType(StrEnum):
    TYPE_A = "A"
    TYPE_B = "B"
    TYPE_AB = "AB"
    TYPE_O = "O"


class CardHolder(DocumentContent):
    """Facts about the holder that both cards print."""

    nik: Nik
    name: Name
    birth_place: PlaceName
    birth_date: date
    sex: Sex
    address: Address

    @property
    def subject_name(self) -> str:
        return self.name


class KtpElCardContent(CardHolder):
    """Facts printed on one KTP-el, the electronic ID card from age 17."""

    religion: Religion
    marital_status: MaritalStatus
    occupation: Occupation
    # None when the blood type was not tested, and the card prints "-" then.
    blood_type: BloodType | None = None

    @model_validator(mode="after")
    def _check_holder(self) -> KtpElCardContent:
        check_date_order(("birth_date", self.birth_date), ("issued_on", self.issued_on))
        age = age_on(self.birth_date, self.issued_on)
        if age < ADULT_AGE and self.marital_status is MaritalStatus.SINGLE:
            raise ValueError(
                f"the holder is {age} on issued_on {self.issued_on} and has never "
                f"married; a KTP-el needs {ADULT_AGE} years or a marriage, so "
                "issue a KIA instead"
            )
        return self


class KiaCardContent(CardHolder):
    """Facts printed on one KIA, the ID card of a child under 17."""

    # NOTE: the card prints no validity date, because the validity rule for
    # each age group is not confirmed here.

    kk_number: KkNumber
    head_of_family_name: Name
    # The head of the office, printed under the issue place and date.
    head_name: Name

    @property
    def has_photo(self) -> bool:
        return age_on(self.birth_date, self.issued_on) >= KIA_PHOTO_AGE

    @model_validator(mode="after")
    def _check_child(self) -> KiaCardContent:
        check_date_order(("birth_date", self.birth_date), ("issued_on", self.issued_on))
        age = age_on(self.birth_date, self.issued_on)
        if age >= ADULT_AGE:
            raise ValueError(
                f"the child is {age} on issued_on {self.issued_on}; a KIA is for "
                f"children under {ADULT_AGE}, so issue a KTP-el instead"
            )
        return self


def render_ktp_el_card(content: KtpElCardContent) -> bytes:
    """Render the KTP-el print job as one CR80 page.

    Raises ValueError when the rows do not fit even at the smallest type
    size, which the field length limits prevent for validated content.
    """

    def draw(canvas: Canvas) -> None:
        top = _draw_card_header(canvas, content, [])
        body = fit_font_size(
            lambda size: _ktp_body(content, size),
            ROW_FONT_SIZES,
            MAIN_WIDTH,
            top - CARD_MARGIN,
            f"the rows of KTP-el {content.nik}",
        )
        draw_flowable(canvas, body, CARD_MARGIN, top, MAIN_WIDTH)
        photo_bottom = _draw_photo_box(canvas, top)
        lines = [escape(content.issued_at), format_numeric_date(content.issued_on)]
        _draw_side_text(canvas, lines, photo_bottom - 2)

    title = f"KTP-el {content.register_number}"
    return render_pdf(content, page_size=CARD_SIZE, title=title, draw=draw)


def render_kia_card(content: KiaCardContent) -> bytes:
    """Render the KIA print job as one CR80 page, with a photo box from age 5.

    Without the photo box the rows take the full width of the card.
    Raises ValueError when the rows do not fit even at the smallest type
    size, which the field length limits prevent for validated content.
    """

    def draw(canvas: Canvas) -> None:
        top = _draw_card_header(canvas, content, ["KARTU IDENTITAS ANAK"])
        width = MAIN_WIDTH if content.has_photo else CARD_WIDTH - 2 * CARD_MARGIN
        body = fit_font_size(
            lambda size: _kia_body(content, width, size),
            ROW_FONT_SIZES,
            width,
            top - CARD_MARGIN,
            f"the text of KIA {content.nik}",
        )
        draw_flowable(canvas, body, CARD_MARGIN, top, width)
        if content.has_photo:
            _draw_photo_box(canvas, top)

    title = f"KIA {content.register_number}"
    return render_pdf(content, page_size=CARD_SIZE, title=title, draw=draw)


def _ktp_body(content: KtpElCardContent, size: float) -> Flowable:
    """Stack the NIK in large type above the rows, colons aligned."""
    rows = _ktp_rows(content)
    labels = label_width([label for label, _ in rows], CONDENSED_FONT, size)
    nik_style = text_style("nik", NIK_FONT_SIZE, font_name=CONDENSED_BOLD_FONT)
    nik = label_table(
        [("NIK", content.nik)],
        widths=(labels, MAIN_WIDTH - labels),
        style=nik_style,
    )
    table = _card_rows(rows, labels, MAIN_WIDTH, size)
    return borderless_table([[[nik, Spacer(0, 1), table]]], [MAIN_WIDTH])


def _kia_body(content: KiaCardContent, width: float, size: float) -> Flowable:
    """Stack the rows and, below them on the right, the issue place and head."""
    rows = _kia_rows(content)
    rows_table = _card_rows(
        rows,
        label_width([label for label, _ in rows], CONDENSED_FONT, size),
        width,
        size,
    )
    style = text_style(
        "kia-issuer",
        size,
        font_name=CONDENSED_FONT,
        leading=size * 1.15,
        alignment=TA_CENTER,
    )
    issued = f"{escape(content.issued_at)}, {format_numeric_date(content.issued_on)}"
    issuer: list[Flowable] = [
        Paragraph(issued, style),
        Paragraph(f"Kepala {escape(content.office_name)}", style),
        Spacer(0, size),
        Paragraph(bold(content.head_name, CONDENSED_BOLD_FONT), style),
    ]
    issuer_width = width * KIA_ISSUER_SHARE
    issuer_table = borderless_table(
        [[Spacer(0, 0), issuer]], [width - issuer_width, issuer_width]
    )
    return borderless_table([[[rows_table, Spacer(0, size), issuer_table]]], [width])


def _ktp_rows(content: KtpElCardContent) -> list[tuple[str, str]]:
    address = content.address
    blood_type = content.blood_type.value if content.blood_type else "-"
    return [
        ("Nama", bold(content.name, CONDENSED_BOLD_FONT)),
        ("Tempat/Tgl Lahir", _birth(content)),
        ("Jenis Kelamin", SEX_LABELS[content.sex].capitalize()),
        ("Gol. Darah", blood_type),
        ("Alamat", escape(address.street)),
        ("RT/RW", f"{address.rt}/{address.rw}"),
        ("Kel/Desa", escape(address.village)),
        ("Kecamatan", escape(address.district)),
        ("Agama", RELIGION_LABELS[content.religion]),
        ("Status Perkawinan", MARITAL_STATUS_LABELS[content.marital_status]),
        ("Pekerjaan", escape(content.occupation)),
        ("Kewarganegaraan", CITIZENSHIP),
        ("Berlaku Hingga", VALIDITY),
    ]


def _kia_rows(content: KiaCardContent) -> list[tuple[str, str]]:
    address = content.address
    street = (
        f"{address.street}, RT/RW {address.rt}/{address.rw}, "
        f"{address.village}, {address.district}"
    )
    return [
        ("NIK", bold(content.nik, CONDENSED_BOLD_FONT)),
        ("Nama", bold(content.name, CONDENSED_BOLD_FONT)),
        ("Tempat/Tgl Lahir", _birth(content)),
        ("Jenis Kelamin", SEX_LABELS[content.sex].capitalize()),
        ("No. KK", content.kk_number),
        ("Nama Kepala Keluarga", escape(content.head_of_family_name)),
        ("Alamat", escape(street)),
    ]


def _birth(content: CardHolder) -> str:
    return escape(f"{content.birth_place}, {format_numeric_date(content.birth_date)}")


def _card_rows(
    rows: list[tuple[str, str]], labels: float, width: float, size: float
) -> Flowable:
    style = text_style("card-row", size, font_name=CONDENSED_FONT, leading=size * 1.15)
    return label_table(rows, widths=(labels, width - labels), style=style)


def _draw_card_header(canvas: Canvas, content: CardHolder, titles: list[str]) -> float:
    """Draw the titles, province and regency centred and return the lower edge.

    Each line stays on one line, in smaller type when it is long.
    """
    lines = [
        *titles,
        f"PROVINSI {content.address.province.upper()}",
        content.regency_name.upper(),
    ]
    width = CARD_WIDTH - 2 * CARD_MARGIN
    leading = HEADER_FONT_SIZE * 1.15
    baseline = CARD_HEIGHT - CARD_MARGIN - HEADER_FONT_SIZE
    for line in lines:
        size = line_font_size(line, CONDENSED_BOLD_FONT, HEADER_FONT_SIZE, width)
        canvas.setFont(CONDENSED_BOLD_FONT, size)
        canvas.drawCentredString(CARD_WIDTH / 2, baseline, line)
        baseline -= leading
    return float(baseline + leading - HEADER_GAP)


def _draw_photo_box(canvas: Canvas, top: float) -> float:
    """Draw the empty photo box in the side column and return its lower edge."""
    left = SIDE_LEFT + (SIDE_COLUMN_WIDTH - PHOTO_WIDTH) / 2
    bottom = top - PHOTO_HEIGHT
    canvas.saveState()
    canvas.setStrokeColor(GRID_COLOR)
    canvas.setFillColor(GRID_COLOR)
    canvas.setLineWidth(0.4)
    canvas.setDash(2, 1.5)
    canvas.rect(left, bottom, PHOTO_WIDTH, PHOTO_HEIGHT)
    canvas.setFont(CONDENSED_FONT, 6)
    canvas.drawCentredString(left + PHOTO_WIDTH / 2, bottom + PHOTO_HEIGHT / 2, "FOTO")
    canvas.restoreState()
    return float(bottom)


def _draw_side_text(canvas: Canvas, lines: list[str], top: float) -> None:
    style = text_style(
        "card-side", 5.5, font_name=CONDENSED_FONT, leading=6.3, alignment=TA_CENTER
    )
    paragraphs: list[Flowable] = [Paragraph(line, style) for line in lines]
    block = borderless_table([[paragraphs]], [SIDE_COLUMN_WIDTH])
    draw_flowable(canvas, block, SIDE_LEFT, top, SIDE_COLUMN_WIDTH)
