"""Content types shared by the document templates, and the words they print.

Every content model is frozen and rejects unknown fields. The length limits
keep each template's longest content on its page, and the tests render every
template with its text fields at these limits.
"""

from __future__ import annotations

import re
from abc import abstractmethod
from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints

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


def _text(max_length: int) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)


Name = Annotated[str, _text(80)]
# Printed centred on one line, so it must fit the text width.
HeadingText = Annotated[str, _text(40)]
ShortText = Annotated[str, _text(80)]
LongText = Annotated[str, _text(120)]
# Village, district, regency, province or town of birth.
PlaceName = Annotated[str, _text(60)]
Occupation = Annotated[str, _text(50)]


def _digits_validator(
    field: str, pattern: str, expected: str, hint: str
) -> AfterValidator:
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(f"{field} {value!r} must be {expected}; {hint}")
        return value

    return AfterValidator(check)


def _pad_rt_rw(value: str) -> str:
    if not re.fullmatch(r"[0-9]{1,3}", value):
        raise ValueError(
            f"RT/RW {value!r} must be 1 to 3 digits, e.g. 3 or 003; copy it from the KK"
        )
    return value.zfill(3)


def _check_verify_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(
            f"verify_url {value!r} is not an absolute http(s) URL; "
            "give the public verification address, e.g. https://host/v/<id>"
        )
    return value


Nik = Annotated[
    str,
    StringConstraints(strip_whitespace=True),
    _digits_validator(
        "NIK", "[0-9]{16}", "exactly 16 digits", "copy it from the KTP-el or KK"
    ),
]
KkNumber = Annotated[
    str,
    StringConstraints(strip_whitespace=True),
    _digits_validator(
        "KK number", "[0-9]{16}", "exactly 16 digits", "copy it from the family card"
    ),
]
PostalCode = Annotated[
    str,
    StringConstraints(strip_whitespace=True),
    _digits_validator("postal code", "[0-9]{5}", "exactly 5 digits", "e.g. 22392"),
]
# Stored zero-padded to 3 digits, as the family card prints it.
RtRw = Annotated[
    str, StringConstraints(strip_whitespace=True), AfterValidator(_pad_rt_rw)
]
# 200 characters give at most a version 10 QR code of 57 modules, about
# 0.6 mm each at the printed 35 mm. Longer URLs shrink the modules further.
VerifyUrl = Annotated[
    str, StringConstraints(max_length=200), AfterValidator(_check_verify_url)
]


class Sex(StrEnum):
    """Sex as coded in Indonesian civil registration: L (laki-laki), P (perempuan)."""

    MALE = "L"
    FEMALE = "P"


class Religion(StrEnum):
    ISLAM = "islam"
    PROTESTANT = "kristen"
    CATHOLIC = "katolik"
    HINDU = "hindu"
    BUDDHIST = "buddha"
    CONFUCIAN = "khonghucu"
    INDIGENOUS_FAITH = "kepercayaan"


class MaritalStatus(StrEnum):
    SINGLE = "belum_kawin"
    MARRIED = "kawin"
    DIVORCED = "cerai_hidup"
    WIDOWED = "cerai_mati"


class FamilyRelationship(StrEnum):
    """Relationship to the head of family (status hubungan dalam keluarga)."""

    HEAD = "kepala_keluarga"
    HUSBAND = "suami"
    WIFE = "istri"
    CHILD = "anak"
    CHILD_IN_LAW = "menantu"
    GRANDCHILD = "cucu"
    PARENT = "orang_tua"
    PARENT_IN_LAW = "mertua"
    OTHER_RELATIVE = "famili_lain"
    HOUSEHOLD_HELPER = "pembantu"
    OTHER = "lainnya"


class Education(StrEnum):
    NONE = "tidak_sekolah"
    PRIMARY_UNFINISHED = "belum_tamat_sd"
    PRIMARY = "sd"
    JUNIOR_SECONDARY = "sltp"
    SENIOR_SECONDARY = "slta"
    DIPLOMA_1_2 = "diploma_1_2"
    DIPLOMA_3 = "diploma_3"
    BACHELOR = "diploma_4_s1"
    MASTER = "s2"
    DOCTORATE = "s3"


SEX_LABELS = {Sex.MALE: "laki-laki", Sex.FEMALE: "perempuan"}
RELIGION_LABELS = {
    Religion.ISLAM: "Islam",
    Religion.PROTESTANT: "Kristen",
    Religion.CATHOLIC: "Katolik",
    Religion.HINDU: "Hindu",
    Religion.BUDDHIST: "Buddha",
    Religion.CONFUCIAN: "Khonghucu",
    Religion.INDIGENOUS_FAITH: "Kepercayaan terhadap Tuhan YME",
}
MARITAL_STATUS_LABELS = {
    MaritalStatus.SINGLE: "Belum kawin",
    MaritalStatus.MARRIED: "Kawin",
    MaritalStatus.DIVORCED: "Cerai hidup",
    MaritalStatus.WIDOWED: "Cerai mati",
}
RELATIONSHIP_LABELS = {
    FamilyRelationship.HEAD: "Kepala keluarga",
    FamilyRelationship.HUSBAND: "Suami",
    FamilyRelationship.WIFE: "Istri",
    FamilyRelationship.CHILD: "Anak",
    FamilyRelationship.CHILD_IN_LAW: "Menantu",
    FamilyRelationship.GRANDCHILD: "Cucu",
    FamilyRelationship.PARENT: "Orang tua",
    FamilyRelationship.PARENT_IN_LAW: "Mertua",
    FamilyRelationship.OTHER_RELATIVE: "Famili lain",
    FamilyRelationship.HOUSEHOLD_HELPER: "Pembantu",
    FamilyRelationship.OTHER: "Lainnya",
}
EDUCATION_LABELS = {
    Education.NONE: "Tidak/belum sekolah",
    Education.PRIMARY_UNFINISHED: "Belum tamat SD/sederajat",
    Education.PRIMARY: "Tamat SD/sederajat",
    Education.JUNIOR_SECONDARY: "SLTP/sederajat",
    Education.SENIOR_SECONDARY: "SLTA/sederajat",
    Education.DIPLOMA_1_2: "Diploma I/II",
    Education.DIPLOMA_3: "Akademi/Diploma III/Sarjana muda",
    Education.BACHELOR: "Diploma IV/Strata I",
    Education.MASTER: "Strata II",
    Education.DOCTORATE: "Strata III",
}


class Content(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Region(Content):
    """Village, district, regency and province, as named by Kemendagri."""

    village: PlaceName
    district: PlaceName
    regency: PlaceName
    province: PlaceName


class Address(Region):
    street: ShortText
    rt: RtRw
    rw: RtRw
    postal_code: PostalCode | None = None


class Person(Content):
    name: Name
    nik: Nik


class BornPerson(Person):
    birth_place: LongText
    birth_date: date


class DocumentContent(Content):
    """Facts every issued document carries about its issue."""

    register_number: HeadingText
    document_id: ShortText
    issued_on: date
    # The town where the document is issued, usually the regency capital.
    issued_at: HeadingText
    # Up to 60 characters, because some regency names reach 42, e.g.
    # "Kabupaten Kepulauan Siau Tagulandang Biaro".
    regency_name: PlaceName
    office_name: LongText

    @property
    @abstractmethod
    def subject_name(self) -> str:
        """Name of the person, or people, the document is about."""


class A4DocumentContent(DocumentContent):
    """Issue facts of a document printed on A4 with a QR code to verify it."""

    # The head of the office (Kepala Dinas), whose signature the PDF carries.
    head_name: Name
    verify_url: VerifyUrl


def format_indonesian_date(value: date) -> str:
    """Format a date as Indonesian deeds print it, e.g. "4 Desember 2026"."""
    return f"{value.day} {MONTH_NAMES[value.month - 1]} {value.year}"


def format_numeric_date(value: date) -> str:
    """Format a date as family cards and ID cards print it, e.g. "04-12-2026"."""
    return value.strftime("%d-%m-%Y")


def age_on(birth_date: date, day: date) -> int:
    """Return the age in whole years that a person born on birth_date has on day."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - int(before_birthday)


def check_date_order(earlier: tuple[str, date], later: tuple[str, date]) -> None:
    """Raise ValueError when the later date of the pair comes first."""
    (earlier_field, earlier_date), (later_field, later_date) = earlier, later
    if later_date < earlier_date:
        raise ValueError(
            f"{later_field} {later_date} is before {earlier_field} {earlier_date}; "
            "check both dates"
        )


def check_distinct_niks(people: Sequence[Person]) -> None:
    """Raise ValueError when two people on one document share a NIK."""
    seen: dict[str, str] = {}
    for person in people:
        if person.nik in seen:
            raise ValueError(
                f"NIK {person.nik} is given for both {seen[person.nik]!r} and "
                f"{person.name!r}; every person has a NIK of their own"
            )
        seen[person.nik] = person.name
