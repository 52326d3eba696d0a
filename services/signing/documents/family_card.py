"""Family card (Kartu Keluarga) as a one-page landscape A4 PDF.

Landscape, because each member has 13 columns (number, name, NIK, sex, birth
place and date, religion, education, occupation, marital status,
relationship, father and mother). On the 273 mm of a landscape line every
member stays on one table row: 10 members with names of usual length fit at
7.5 pt, and 10 members with every field at its length limit at 5 pt.
Portrait leaves 186 mm, too narrow for 13 columns, so the members would
need two tables, as the printed KK blank has, and about twice the height.
Staff also expect a KK in landscape.
"""

from __future__ import annotations

from datetime import date
from xml.sax.saxutils import escape

from pydantic import Field, model_validator
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Spacer

from services.signing.documents.a4 import (
    draw_bottom_band,
    draw_header,
    issuer_style,
)
from services.signing.documents.common import (
    EDUCATION_LABELS,
    MARITAL_STATUS_LABELS,
    RELATIONSHIP_LABELS,
    RELIGION_LABELS,
    A4DocumentContent,
    Address,
    Education,
    FamilyRelationship,
    KkNumber,
    MaritalStatus,
    Name,
    Occupation,
    Person,
    PlaceName,
    Religion,
    Sex,
    check_date_order,
    check_distinct_niks,
    format_numeric_date,
)
from services.signing.documents.layout import (
    CONDENSED_BOLD_FONT,
    CONDENSED_FONT,
    bold,
    borderless_table,
    draw_flowable,
    fit_font_size,
    grid_table,
    label_table,
    render_pdf,
    text_style,
)

PAGE_SIZE = landscape(A4)
PAGE_WIDTH, PAGE_HEIGHT = PAGE_SIZE
MARGIN = 12 * mm
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
SECTION_GAP = 4 * mm
MAX_MEMBERS = 10
# Condensed type from 7.5 pt, at which 10 members with names of usual length
# fit. Ten members with every field at its length limit need 5 pt.
TABLE_FONT_SIZES = (7.5, 7, 6.5, 6, 5.5, 5)
# The header at 80 % of the deeds' size leaves the member table more room.
HEADER_SCALE = 0.8
ADDRESS_FONT_SIZE = 8.5
ADDRESS_LABEL_WIDTH = 38 * mm
ISSUER_FONT_SIZE = 9
ISSUER_LEFT = PAGE_WIDTH * 0.6
# Relative column widths, scaled to the text width.
COLUMNS = (
    ("No", 18),
    ("Nama lengkap", 92),
    ("NIK", 74),
    ("JK", 14),
    ("Tempat lahir", 66),
    ("Tanggal lahir", 44),
    ("Agama", 48),
    ("Pendidikan", 64),
    ("Jenis pekerjaan", 74),
    ("Status perkawinan", 52),
    ("Hubungan dalam keluarga", 52),
    ("Nama ayah", 87),
    ("Nama ibu", 87),
)
COLUMN_TOTAL = sum(width for _, width in COLUMNS)


class FamilyMember(Person):
    sex: Sex
    birth_place: PlaceName
    birth_date: date
    religion: Religion
    education: Education
    occupation: Occupation
    relationship: FamilyRelationship
    marital_status: MaritalStatus
    # None when not recorded, and the card prints "-" then.
    father_name: Name | None = None
    mother_name: Name | None = None


class FamilyCardContent(A4DocumentContent):
    """Facts printed on one family card: its number, address and members."""

    kk_number: KkNumber
    address: Address
    members: list[FamilyMember] = Field(min_length=1, max_length=MAX_MEMBERS)

    @property
    def head_of_family(self) -> FamilyMember:
        return next(
            member
            for member in self.members
            if member.relationship is FamilyRelationship.HEAD
        )

    @property
    def subject_name(self) -> str:
        return self.head_of_family.name

    @model_validator(mode="after")
    def _check_members(self) -> FamilyCardContent:
        heads = [
            member.name
            for member in self.members
            if member.relationship is FamilyRelationship.HEAD
        ]
        if len(heads) != 1:
            raise ValueError(
                f"members has {len(heads)} heads of family {heads}; mark exactly "
                "one member with relationship kepala_keluarga"
            )
        check_distinct_niks(self.members)
        for index, member in enumerate(self.members):
            check_date_order(
                (f"members[{index}].birth_date", member.birth_date),
                ("issued_on", self.issued_on),
            )
        return self


def render_family_card(content: FamilyCardContent) -> bytes:
    """Render the family card as a one-page landscape A4 PDF.

    Raises ValueError when the member table does not fit even at the
    smallest type size, which the field length limits prevent for
    validated content.
    """

    def draw(canvas: Canvas) -> None:
        cursor = draw_header(
            canvas,
            division="PENDAFTARAN PENDUDUK",
            regency_name=content.regency_name,
            title="KARTU KELUARGA",
            number_line=f"No. {content.kk_number}",
            page_width=PAGE_WIDTH,
            top=PAGE_HEIGHT - MARGIN,
            margin=MARGIN,
            scale=HEADER_SCALE,
        )
        cursor = draw_flowable(
            canvas, _address_table(content), MARGIN, cursor - SECTION_GAP, TEXT_WIDTH
        )
        band_top = draw_bottom_band(
            canvas,
            content,
            page_width=PAGE_WIDTH,
            margin=MARGIN,
            issuer_left=ISSUER_LEFT,
            style=issuer_style(ISSUER_FONT_SIZE),
            extra_line=f"Nomor register: {content.register_number}",
        )
        room = cursor - SECTION_GAP - band_top - SECTION_GAP
        table = fit_font_size(
            lambda size: _member_table(content.members, size),
            TABLE_FONT_SIZES,
            TEXT_WIDTH,
            room,
            f"the member table of family card {content.kk_number}",
        )
        draw_flowable(canvas, table, MARGIN, cursor - SECTION_GAP, TEXT_WIDTH)

    title = f"Kartu Keluarga {content.kk_number}"
    return render_pdf(content, page_size=PAGE_SIZE, title=title, draw=draw)


def _address_table(content: FamilyCardContent) -> Flowable:
    """Lay out the head of family and the address in two columns of label rows."""
    style = text_style("address", ADDRESS_FONT_SIZE, font_name=CONDENSED_FONT)
    address = content.address
    postal_code = address.postal_code or "-"
    left_rows = [
        (
            "Nama kepala keluarga",
            bold(content.head_of_family.name, CONDENSED_BOLD_FONT),
        ),
        ("Alamat", escape(address.street)),
        ("RT/RW", f"{address.rt}/{address.rw}"),
        ("Kode pos", postal_code),
    ]
    right_rows = [
        ("Desa/kelurahan", escape(address.village)),
        ("Kecamatan", escape(address.district)),
        ("Kabupaten/kota", escape(address.regency)),
        ("Provinsi", escape(address.province)),
    ]
    column = (TEXT_WIDTH - SECTION_GAP) / 2
    widths = (ADDRESS_LABEL_WIDTH, column - ADDRESS_LABEL_WIDTH)
    return borderless_table(
        [
            [
                label_table(left_rows, widths=widths, style=style),
                Spacer(0, 0),
                label_table(right_rows, widths=widths, style=style),
            ]
        ],
        [column, SECTION_GAP, column],
    )


def _member_table(members: list[FamilyMember], size: float) -> Flowable:
    style = text_style("member", size, font_name=CONDENSED_FONT, leading=size * 1.2)
    header_style = text_style(
        "member-header", size, font_name=CONDENSED_BOLD_FONT, leading=size * 1.2
    )
    rows = [_member_row(number, member) for number, member in enumerate(members, 1)]
    return grid_table(
        [label for label, _ in COLUMNS],
        rows,
        widths=[width * TEXT_WIDTH / COLUMN_TOTAL for _, width in COLUMNS],
        style=style,
        header_style=header_style,
    )


def _member_row(number: int, member: FamilyMember) -> list[str]:
    return [
        str(number),
        escape(member.name),
        member.nik,
        member.sex.value,
        escape(member.birth_place),
        format_numeric_date(member.birth_date),
        RELIGION_LABELS[member.religion],
        EDUCATION_LABELS[member.education],
        escape(member.occupation),
        MARITAL_STATUS_LABELS[member.marital_status],
        RELATIONSHIP_LABELS[member.relationship],
        escape(member.father_name or "-"),
        escape(member.mother_name or "-"),
    ]
