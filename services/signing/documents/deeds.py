"""Civil-registry deed extracts (kutipan akta) as one-page A4 PDFs.

Birth, marriage, divorce and death deeds share one layout: the header, a
statement of the registered facts, the issuer block on the right and the
QR block at the bottom.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import StrEnum
from xml.sax.saxutils import escape

from pydantic import Field, model_validator
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Spacer

from services.signing.documents.a4 import (
    BODY_GAP,
    ISSUER_GAP,
    ISSUER_LEFT,
    ISSUER_WIDTH,
    MARGIN,
    TEXT_WIDTH,
    VERIFICATION_BLOCK_TOP,
    draw_block,
    draw_portrait_footer,
    draw_portrait_header,
    issuer_block,
    issuer_style,
    render_portrait,
)
from services.signing.documents.common import (
    RELIGION_LABELS,
    SEX_LABELS,
    A4DocumentContent,
    BornPerson,
    LongText,
    Name,
    Person,
    Religion,
    Sex,
    ShortText,
    check_date_order,
    check_distinct_niks,
    format_indonesian_date,
)
from services.signing.documents.layout import (
    BOLD_FONT,
    REGULAR_FONT,
    bold,
    borderless_table,
    draw_paragraph,
    label_table,
    render_pdf,
    text_style,
)

DIVISION = "PENCATATAN SIPIL"
# Deeds start at the birth deed's 12 pt. Content with every field at its
# length limit needs 8.5 pt on the marriage deed, the fullest of the deeds.
STATEMENT_FONT_SIZES = (12, 11.5, 11, 10.5, 10, 9.5, 9, 8.5, 8)
LABEL_WIDTH = 45 * mm
PERSON_INDENT = 8 * mm


class BirthDeedContent(A4DocumentContent):
    """Facts printed on one birth deed, as registered."""

    child_name: Name
    child_sex: Sex
    birth_date: date
    birth_place: LongText
    birth_order: int = Field(
        ge=1, le=30, description="birth order, printed as anak ke-<n>"
    )
    # None when no father is recorded, and then the deed names only the mother.
    father_name: Name | None = None
    mother_name: Name

    @property
    def subject_name(self) -> str:
        return self.child_name

    @model_validator(mode="after")
    def _check_dates(self) -> BirthDeedContent:
        check_date_order(("birth_date", self.birth_date), ("issued_on", self.issued_on))
        return self


class MarriageDeedContent(A4DocumentContent):
    """Facts printed on one marriage deed (Kutipan Akta Perkawinan)."""

    husband: BornPerson
    wife: BornPerson
    marriage_date: date
    marriage_place: LongText
    religion: Religion
    religious_leader: Name

    @property
    def subject_name(self) -> str:
        return f"{self.husband.name} dan {self.wife.name}"

    @model_validator(mode="after")
    def _check_facts(self) -> MarriageDeedContent:
        check_distinct_niks([self.husband, self.wife])
        for role, person in (("husband", self.husband), ("wife", self.wife)):
            check_date_order(
                (f"{role}.birth_date", person.birth_date),
                ("marriage_date", self.marriage_date),
            )
        check_date_order(
            ("marriage_date", self.marriage_date), ("issued_on", self.issued_on)
        )
        return self


class DivorceDeedContent(A4DocumentContent):
    """Facts printed on one divorce deed (Kutipan Akta Perceraian)."""

    former_husband: Person
    former_wife: Person
    court: LongText = Field(examples=["Pengadilan Negeri Balige"])
    ruling_number: ShortText = Field(examples=["45/Pdt.G/2026/PN Blg"])
    ruling_date: date
    # The date the ruling became final (berkekuatan hukum tetap).
    ruling_final_on: date

    @property
    def subject_name(self) -> str:
        return f"{self.former_husband.name} dan {self.former_wife.name}"

    @model_validator(mode="after")
    def _check_facts(self) -> DivorceDeedContent:
        check_distinct_niks([self.former_husband, self.former_wife])
        check_date_order(
            ("ruling_date", self.ruling_date),
            ("ruling_final_on", self.ruling_final_on),
        )
        check_date_order(
            ("ruling_final_on", self.ruling_final_on), ("issued_on", self.issued_on)
        )
        return self


class DeathCause(StrEnum):
    """Cause of death category, as the death report form records it."""

    ILLNESS_OR_AGE = "sakit_biasa"
    EPIDEMIC = "wabah"
    ACCIDENT = "kecelakaan"
    CRIME = "kriminalitas"
    SUICIDE = "bunuh_diri"
    OTHER = "lainnya"


DEATH_CAUSE_LABELS = {
    DeathCause.ILLNESS_OR_AGE: "sakit biasa/tua",
    DeathCause.EPIDEMIC: "wabah penyakit",
    DeathCause.ACCIDENT: "kecelakaan",
    DeathCause.CRIME: "kriminalitas",
    DeathCause.SUICIDE: "bunuh diri",
    DeathCause.OTHER: "lainnya",
}


class Deceased(Person):
    sex: Sex
    birth_date: date


class DeathDeedContent(A4DocumentContent):
    """Facts printed on one death deed (Kutipan Akta Kematian).

    A death reported after the 30 days the law allows is registered and
    printed the same way, so the content has no report date.
    """

    deceased: Deceased
    death_date: date
    death_place: LongText
    cause: DeathCause | None = None
    reporter_name: Name

    @property
    def subject_name(self) -> str:
        return self.deceased.name

    @model_validator(mode="after")
    def _check_dates(self) -> DeathDeedContent:
        check_date_order(
            ("deceased.birth_date", self.deceased.birth_date),
            ("death_date", self.death_date),
        )
        check_date_order(("death_date", self.death_date), ("issued_on", self.issued_on))
        return self


def render_birth_deed(content: BirthDeedContent) -> bytes:
    """Render the birth deed as a one-page A4 PDF, byte-identical for equal content.

    Raises ValueError when a text field contains a character that the deed
    font has no glyph for, because the PDF would show an empty box instead,
    and when content that bypassed validation is too long for the page.
    """

    def draw(canvas: Canvas) -> None:
        cursor = draw_portrait_header(
            canvas, content, division=DIVISION, title="KUTIPAN AKTA KELAHIRAN"
        )
        style = ParagraphStyle(
            "statement",
            fontName=REGULAR_FONT,
            fontSize=12,
            leading=19,
            alignment=TA_JUSTIFY,
        )
        cursor = draw_paragraph(
            canvas,
            _birth_statement(content),
            style,
            MARGIN,
            cursor - BODY_GAP,
            TEXT_WIDTH,
        )
        block = issuer_block(content, issuer_style())
        cursor = draw_block(
            canvas, block, ISSUER_LEFT, cursor - ISSUER_GAP, ISSUER_WIDTH
        )
        # The field length limits keep this from happening for validated content.
        if cursor < VERIFICATION_BLOCK_TOP:
            raise ValueError(
                f"the text of deed {content.register_number} runs into the QR code "
                "block; shorten the names, the birth place or the office name"
            )
        draw_portrait_footer(canvas, content)

    title = f"Kutipan Akta Kelahiran {content.register_number}"
    return render_pdf(content, page_size=A4, title=title, draw=draw)


def render_marriage_deed(content: MarriageDeedContent) -> bytes:
    """Render the marriage deed as a one-page A4 PDF."""

    def body(size: float) -> list[Flowable]:
        return [
            Paragraph(_marriage_statement(content), _statement_style(size)),
            *_person_section("Suami", content.husband, size),
            *_person_section("Istri", content.wife, size),
        ]

    return _render_fitted_deed(content, "Kutipan Akta Perkawinan", body)


def render_divorce_deed(content: DivorceDeedContent) -> bytes:
    """Render the divorce deed as a one-page A4 PDF."""

    def body(size: float) -> list[Flowable]:
        opening = (
            f"Berdasarkan Akta Perceraian Nomor {escape(content.register_number)}, "
            "bahwa perkawinan antara:"
        )
        return [
            Paragraph(opening, _statement_style(size)),
            *_person_section("Suami", content.former_husband, size),
            *_person_section("Istri", content.former_wife, size),
            Spacer(0, size),
            Paragraph(_divorce_ruling(content), _statement_style(size)),
        ]

    return _render_fitted_deed(content, "Kutipan Akta Perceraian", body)


def render_death_deed(content: DeathDeedContent) -> bytes:
    """Render the death deed as a one-page A4 PDF."""

    def body(size: float) -> list[Flowable]:
        return [Paragraph(_death_statement(content), _statement_style(size))]

    return _render_fitted_deed(content, "Kutipan Akta Kematian", body)


def _render_fitted_deed(
    content: A4DocumentContent,
    document_name: str,
    body: Callable[[float], list[Flowable]],
) -> bytes:
    return render_portrait(
        content,
        division=DIVISION,
        document_name=document_name,
        body=body,
        font_sizes=STATEMENT_FONT_SIZES,
    )


def _statement_style(size: float) -> ParagraphStyle:
    return text_style("statement", size, leading=size * 19 / 12, alignment=TA_JUSTIFY)


def _person_section(role: str, person: Person, size: float) -> list[Flowable]:
    row_style = text_style("person", size - 1, leading=(size - 1) * 15 / 11)
    heading_style = text_style("role", size - 1, font_name=BOLD_FONT)
    rows = [("Nama", bold(person.name)), ("NIK", escape(person.nik))]
    if isinstance(person, BornPerson):
        born = f"{person.birth_place}, {format_indonesian_date(person.birth_date)}"
        rows.append(("Tempat/tanggal lahir", escape(born)))
    table = label_table(
        rows,
        widths=(LABEL_WIDTH, TEXT_WIDTH - LABEL_WIDTH - PERSON_INDENT),
        style=row_style,
    )
    indented = borderless_table(
        [[Spacer(0, 0), table]], [PERSON_INDENT, TEXT_WIDTH - PERSON_INDENT]
    )
    return [Spacer(0, size * 0.6), Paragraph(escape(role), heading_style), indented]


def _birth_statement(content: BirthDeedContent) -> str:
    child = bold(content.child_name)
    parents = f"dari ibu {bold(content.mother_name)}"
    if content.father_name is not None:
        parents = (
            f"dari ayah {bold(content.father_name)} dan ibu {bold(content.mother_name)}"
        )
    return (
        f"Berdasarkan Akta Kelahiran Nomor {escape(content.register_number)}, "
        f"bahwa di {escape(content.birth_place)} pada tanggal "
        f"{format_indonesian_date(content.birth_date)} telah lahir {child}, "
        f"anak ke-{content.birth_order}, {SEX_LABELS[content.child_sex]}, "
        f"{parents}."
    )


def _marriage_statement(content: MarriageDeedContent) -> str:
    leader = bold(content.religious_leader)
    if content.religion is Religion.INDIGENOUS_FAITH:
        rite = (
            "menurut Kepercayaan terhadap Tuhan Yang Maha Esa di hadapan pemuka "
            f"penghayat kepercayaan {leader}"
        )
    else:
        rite = (
            f"menurut agama {RELIGION_LABELS[content.religion]} di hadapan pemuka "
            f"agama {leader}"
        )
    return (
        f"Berdasarkan Akta Perkawinan Nomor {escape(content.register_number)}, "
        f"bahwa pada tanggal {format_indonesian_date(content.marriage_date)} di "
        f"{escape(content.marriage_place)} telah dilangsungkan perkawinan {rite} "
        "antara:"
    )


def _divorce_ruling(content: DivorceDeedContent) -> str:
    return (
        "telah putus karena perceraian berdasarkan putusan "
        f"{escape(content.court)} Nomor {escape(content.ruling_number)} tanggal "
        f"{format_indonesian_date(content.ruling_date)}, yang telah memperoleh "
        "kekuatan hukum tetap pada tanggal "
        f"{format_indonesian_date(content.ruling_final_on)}."
    )


def _death_statement(content: DeathDeedContent) -> str:
    deceased = content.deceased
    text = (
        f"Berdasarkan Akta Kematian Nomor {escape(content.register_number)}, "
        f"bahwa di {escape(content.death_place)} pada tanggal "
        f"{format_indonesian_date(content.death_date)} telah meninggal dunia "
        f"{bold(deceased.name)}, NIK {escape(deceased.nik)}, "
        f"{SEX_LABELS[deceased.sex]}, lahir pada tanggal "
        f"{format_indonesian_date(deceased.birth_date)}."
    )
    if content.cause is not None:
        text += f" Sebab kematian: {DEATH_CAUSE_LABELS[content.cause]}."
    return text + f" Kematian tersebut dilaporkan oleh {bold(content.reporter_name)}."
