"""Moving letter (Surat Keterangan Pindah WNI, SKPWNI) as a one-page A4 PDF."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from xml.sax.saxutils import escape

from pydantic import Field, model_validator
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from services.signing.documents.a4 import TEXT_WIDTH, render_portrait
from services.signing.documents.common import (
    A4DocumentContent,
    Address,
    KkNumber,
    Person,
    check_distinct_niks,
    format_indonesian_date,
)
from services.signing.documents.layout import (
    BOLD_FONT,
    REGULAR_FONT,
    bold,
    grid_table,
    label_table,
    label_width,
    text_style,
)

DIVISION = "PENDAFTARAN PENDUDUK"
# Three people fit at 10 pt, and ten with names of usual length at 8.5 pt.
# Content with every field at its length limit needs 6 pt.
FONT_SIZES = (10, 9.5, 9, 8.5, 8, 7.5, 7, 6.5, 6)
MAX_PEOPLE = 10
LABEL_WIDTH = 45 * mm
NUMBER_WIDTH = 9 * mm
NIK_WIDTH = 40 * mm


class MovingReason(StrEnum):
    WORK = "pekerjaan"
    EDUCATION = "pendidikan"
    SECURITY = "keamanan"
    HEALTH = "kesehatan"
    HOUSING = "perumahan"
    FAMILY = "keluarga"
    OTHER = "lainnya"


MOVING_REASON_LABELS = {
    MovingReason.WORK: "Pekerjaan",
    MovingReason.EDUCATION: "Pendidikan",
    MovingReason.SECURITY: "Keamanan",
    MovingReason.HEALTH: "Kesehatan",
    MovingReason.HOUSING: "Perumahan",
    MovingReason.FAMILY: "Keluarga",
    MovingReason.OTHER: "Lainnya",
}


class MovingLetterContent(A4DocumentContent):
    """Facts printed on one moving letter: who moves, from where, to where."""

    # None when the family's KK number is not on the application.
    kk_number: KkNumber | None = None
    head_of_family: Person
    # Family members moving with the head of family, without the head.
    members: list[Person] = Field(default_factory=list, max_length=MAX_PEOPLE - 1)
    origin: Address
    destination: Address
    reason: MovingReason
    moving_date: date

    @property
    def subject_name(self) -> str:
        return self.head_of_family.name

    @model_validator(mode="after")
    def _check_move(self) -> MovingLetterContent:
        check_distinct_niks([self.head_of_family, *self.members])
        if self.destination == self.origin:
            raise ValueError(
                "destination is the same address as origin; give the address the "
                "family moves to"
            )
        return self


def render_moving_letter(content: MovingLetterContent) -> bytes:
    """Render the moving letter as a one-page A4 PDF.

    Raises ValueError when the text does not fit even at the smallest type
    size, which the field length limits prevent for validated content.
    """

    def body(size: float) -> list[Flowable]:
        heading = text_style("section", size, font_name=BOLD_FONT)
        sections = [
            ("DATA KEPINDAHAN", _move_table(content, size)),
            ("ALAMAT", _address_table(content, size)),
            ("KELUARGA YANG PINDAH", _people_table(content, size)),
        ]
        flowables: list[Flowable] = []
        for title, table in sections:
            gap = Spacer(0, size) if flowables else Spacer(0, 0)
            flowables += [gap, Paragraph(title, heading), Spacer(0, size * 0.3), table]
        return flowables

    return render_portrait(
        content,
        division=DIVISION,
        document_name="Surat Keterangan Pindah WNI",
        body=body,
        font_sizes=FONT_SIZES,
        issuer_beside_qr=True,
    )


def _move_table(content: MovingLetterContent, size: float) -> Flowable:
    head = content.head_of_family
    rows = []
    if content.kk_number is not None:
        rows.append(("Nomor KK asal", content.kk_number))
    rows += [
        ("Nama kepala keluarga", bold(head.name)),
        ("NIK kepala keluarga", head.nik),
        ("Alasan pindah", MOVING_REASON_LABELS[content.reason]),
        ("Tanggal pindah", format_indonesian_date(content.moving_date)),
        ("Jumlah yang pindah", f"{len(content.members) + 1} orang"),
    ]
    return label_table(
        rows, widths=(LABEL_WIDTH, TEXT_WIDTH - LABEL_WIDTH), style=_row_style(size)
    )


def _address_table(content: MovingLetterContent, size: float) -> Flowable:
    origin, destination = content.origin, content.destination
    rows = [
        ("Alamat", escape(origin.street), escape(destination.street)),
        ("RT/RW", f"{origin.rt}/{origin.rw}", f"{destination.rt}/{destination.rw}"),
        ("Desa/kelurahan", escape(origin.village), escape(destination.village)),
        ("Kecamatan", escape(origin.district), escape(destination.district)),
        ("Kabupaten/kota", escape(origin.regency), escape(destination.regency)),
        ("Provinsi", escape(origin.province), escape(destination.province)),
        ("Kode pos", origin.postal_code or "-", destination.postal_code or "-"),
    ]
    # The cell padding is 0.3 of the size on each side.
    labels = label_width([label for label, _, _ in rows], REGULAR_FONT, size)
    labels += size * 0.6
    column = (TEXT_WIDTH - labels) / 2
    return grid_table(
        ["", "Asal", "Tujuan"],
        rows,
        widths=[labels, column, column],
        style=_row_style(size),
        header_style=_header_style(size),
    )


def _people_table(content: MovingLetterContent, size: float) -> Flowable:
    """List everyone moving, the head of family first."""
    people = [content.head_of_family, *content.members]
    rows = [
        [str(number), person.nik, escape(person.name)]
        for number, person in enumerate(people, 1)
    ]
    name_width = TEXT_WIDTH - NUMBER_WIDTH - NIK_WIDTH
    return grid_table(
        ["No", "NIK", "Nama"],
        rows,
        widths=[NUMBER_WIDTH, NIK_WIDTH, name_width],
        style=_row_style(size),
        header_style=_header_style(size),
    )


def _row_style(size: float) -> ParagraphStyle:
    return text_style("row", size, leading=size * 1.25)


def _header_style(size: float) -> ParagraphStyle:
    return text_style("row-header", size, font_name=BOLD_FONT, leading=size * 1.25)
