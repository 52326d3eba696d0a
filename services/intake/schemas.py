"""Request and response models of the intake API, with the birth-deed form."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

NIK_PATTERN = re.compile(r"^[0-9]{16}$")
VILLAGE_CODE_PATTERN = re.compile(r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}$")
NAME_PUNCTUATION = set(" '-.,")
FEMALE_DAY_OFFSET = 40


class Sex(StrEnum):
    MALE = "L"
    FEMALE = "P"


def nik_birth_day(nik: str) -> int:
    """Return the day field of a NIK (digits 7-8), female days being +40."""
    return int(nik[6:8])


def check_nik(value: str) -> str:
    """Validate a NIK's structure: 16 digits with a real birth date inside.

    Layout: province (2), regency (2), district (2), birth date DDMMYY with 40
    added to the day for women, then a serial 0001-9999.
    """
    value = value.strip()
    if not NIK_PATTERN.match(value):
        raise ValueError(
            f"NIK {value!r} must be exactly 16 digits, as printed on the KTP-el or KK"
        )
    day = nik_birth_day(value)
    if day > FEMALE_DAY_OFFSET:
        day -= FEMALE_DAY_OFFSET
    month, year = int(value[8:10]), int(value[10:12])
    if not _is_real_date(day, month, year):
        raise ValueError(
            f"NIK {value!r} holds no valid birth date in digits 7-12 (DDMMYY, "
            "day + 40 for women); check the number against the card"
        )
    if value[12:] == "0000":
        raise ValueError(f"NIK {value!r} ends in serial 0000, which is never issued")
    return value


def _is_real_date(day: int, month: int, two_digit_year: int) -> bool:
    for century in (1900, 2000):
        try:
            date(century + two_digit_year, month, day)
        except ValueError:
            continue
        return True
    return False


def check_name(value: str) -> str:
    """Accept single names, apostrophes, hyphens, dots and Unicode letters."""
    value = " ".join(unicodedata.normalize("NFC", value).split())
    if not value:
        raise ValueError("the name is empty; write the name as on the KK")
    if not any(c.isalpha() for c in value):
        raise ValueError(
            f"the name {value!r} has no letters; write the name as on the KK"
        )
    if len(value) > 100:
        raise ValueError(f"the name {value[:20]!r}... is longer than 100 characters")
    bad = sorted({c for c in value if not (c.isalpha() or c in NAME_PUNCTUATION)})
    if bad:
        raise ValueError(
            f"the name {value!r} contains {''.join(bad)!r}; use letters, spaces, "
            "apostrophes, hyphens and dots only"
        )
    return value


def check_village_code(value: str) -> str:
    if not VILLAGE_CODE_PATTERN.match(value):
        raise ValueError(
            f"village code {value!r} must look like 12.17.08.2001 "
            "(province.regency.district.village)"
        )
    return value


Nik = Annotated[str, AfterValidator(check_nik)]
PersonName = Annotated[str, AfterValidator(check_name)]
VillageCode = Annotated[str, AfterValidator(check_village_code)]


class Form(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Child(Form):
    name: PersonName
    sex: Sex
    birth_date: date
    birth_place: str = Field(min_length=2, max_length=100)
    birth_order: int = Field(ge=1, le=30, description="Anak ke-: 1 for the first child")

    @model_validator(mode="after")
    def _born_in_the_past(self) -> Child:
        if self.birth_date > date.today():
            raise ValueError(
                f"birth_date {self.birth_date.isoformat()} is in the future; "
                "enter the date of birth from the birth letter"
            )
        if self.birth_date.year < 1900:
            raise ValueError(f"birth_date {self.birth_date.isoformat()} is before 1900")
        return self


class Parent(Form):
    nik: Nik
    name: PersonName


class Contact(Form):
    nik: Nik
    name: PersonName
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    phone: str | None = Field(default=None, pattern=r"^\+?\d{8,15}$")
    relationship: str = Field(min_length=2, max_length=40, examples=["ayah", "ibu"])

    @model_validator(mode="after")
    def _reachable(self) -> Contact:
        if not self.email and not self.phone:
            raise ValueError(
                "give an email address or a phone number so the office can reach you"
            )
        return self


class BirthDeedApplication(Form):
    """Application for a birth deed (Akta Kelahiran)."""

    applicant: Contact
    child: Child
    mother: Parent
    father: Parent | None = Field(
        default=None,
        description="Leave out when no father is recorded; then no marriage "
        "proof is needed either.",
    )
    village_code: VillageCode

    @model_validator(mode="after")
    def _parents_match_their_sex(self) -> BirthDeedApplication:
        if nik_birth_day(self.mother.nik) <= FEMALE_DAY_OFFSET:
            raise ValueError(
                f"mother NIK {self.mother.nik!r} is a man's NIK (a woman's has 40 "
                "added to the birth day in digits 7-8); check the mother's KTP-el"
            )
        if self.father and nik_birth_day(self.father.nik) > FEMALE_DAY_OFFSET:
            raise ValueError(
                f"father NIK {self.father.nik!r} is a woman's NIK (birth day + 40 in "
                "digits 7-8); check the father's KTP-el"
            )
        return self


class Requirement(StrEnum):
    """Papers a birth-deed application needs, as photos of the originals."""

    BIRTH_LETTER = "birth_letter"
    FAMILY_CARD = "family_card"
    MOTHER_ID_CARD = "mother_id_card"
    FATHER_ID_CARD = "father_id_card"
    MARRIAGE_PROOF = "marriage_proof"


REQUIREMENT_LABELS: dict[Requirement, str] = {
    Requirement.BIRTH_LETTER: "Surat keterangan lahir (rumah sakit, dokter, bidan "
    "atau kepala desa)",
    Requirement.FAMILY_CARD: "Kartu Keluarga (KK)",
    Requirement.MOTHER_ID_CARD: "KTP-el ibu",
    Requirement.FATHER_ID_CARD: "KTP-el ayah",
    Requirement.MARRIAGE_PROOF: "Buku nikah atau akta perkawinan orang tua",
}


def required_files(application: BirthDeedApplication) -> list[Requirement]:
    """Return the papers this application needs; the father's only when stated."""
    needed = [
        Requirement.BIRTH_LETTER,
        Requirement.FAMILY_CARD,
        Requirement.MOTHER_ID_CARD,
    ]
    if application.father is not None:
        needed += [Requirement.FATHER_ID_CARD, Requirement.MARRIAGE_PROOF]
    return needed


class SubmittedResponse(BaseModel):
    application_id: str
    tracking_code: str
    status: str
    required_files: list[str]


class StaffAction(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    actor: str = Field(min_length=2, max_length=60, description="Staff username")


class MissingFileRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    requirement: Requirement
    reason: str = Field(min_length=3, max_length=300)


class DocumentsRequest(StaffAction):
    missing: list[MissingFileRequest] = Field(min_length=1)
    note: str = Field(default="", max_length=500)


class TimelineEntry(BaseModel):
    event_id: str
    event_type: str
    time: datetime
    status: str
    label_id: str
    label_en: str
    detail: dict[str, Any] = {}


class ApplicationView(BaseModel):
    application_id: str
    tracking_code: str
    service_code: str
    intake_status: str
    status: str
    status_label_id: str
    status_label_en: str
    missing: list[dict[str, str]]
    files: list[str]
    timeline: list[TimelineEntry]
    submitted_at: datetime


class QueueItem(BaseModel):
    application_id: str
    tracking_code: str
    service_code: str
    intake_status: str
    applicant_name: str
    village_code: str
    submitted_at: datetime
    age_hours: float
