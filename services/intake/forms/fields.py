"""Field types shared by the application forms: NIK, KK number, names, places.

Checks that need reference data (does a region code exist, does a village
belong to this regency) read it from the validation context: pass
`context={"areas": AreaLookup}` to `model_validate`. Without a context only
the structure is checked.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Annotated, Protocol

from pydantic import AfterValidator, ValidationInfo, WithJsonSchema

from shared.regency import AreaIndex, Regency

KK_PATTERN = re.compile(r"^[0-9]{16}$")
NIK_PATTERN = re.compile(r"^[0-9]{16}$")
VILLAGE_CODE_PATTERN = re.compile(r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}$")
NAME_PUNCTUATION = set(" '-.,")
# The deed templates print at most 80 characters of a name.
MAX_NAME_LENGTH = 80
PLAIN_TEXT_SYMBOLS = set("0123456789 .,'-/()&:;#")
FEMALE_DAY_OFFSET = 40


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
            f"NIK {value!r} has an invalid birth date in digits 7-12 (DDMMYY, "
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


def _is_latin_letter(char: str) -> bool:
    return char.isalpha() and unicodedata.name(char, "").startswith("LATIN")


def check_name(value: str) -> str:
    """Accept names in Latin letters with spaces, apostrophes, hyphens and dots.

    The deeds are printed with a Latin font, so letters of other scripts
    (Arabic, Han, Cyrillic) and fullwidth forms are rejected.
    """
    value = " ".join(unicodedata.normalize("NFC", value).split())
    if not value:
        raise ValueError("the name is empty; write the name as on the KK")
    if not any(c.isalpha() for c in value):
        raise ValueError(
            f"the name {value!r} has no letters; write the name as on the KK"
        )
    if len(value) > MAX_NAME_LENGTH:
        raise ValueError(
            f"the name {value[:20]!r}... has {len(value)} characters, more than "
            f"{MAX_NAME_LENGTH}, the most a deed prints; shorten it as the KK does"
        )
    foreign = [
        c for c in dict.fromkeys(value) if c.isalpha() and not _is_latin_letter(c)
    ]
    if foreign:
        shown = ", ".join(_describe_char(c) for c in foreign[:3])
        kind = "a Latin letter" if len(foreign) == 1 else "Latin letters"
        raise ValueError(
            f"the name {_shorten(value)} contains {shown}, not {kind}; the "
            "documents are printed in Latin script, so write the name in Latin "
            "letters as on the KK"
        )
    bad = sorted({c for c in value if not (c.isalpha() or c in NAME_PUNCTUATION)})
    if bad:
        raise ValueError(
            f"the name {value!r} contains {''.join(bad)!r}; use letters, spaces, "
            "apostrophes, hyphens and dots only"
        )
    return value


def check_plain_text(value: str) -> str:
    """Accept printable free text: Latin letters, digits and common punctuation.

    Runs of whitespace, line breaks included, become one space, because the
    documents print each value on one line.
    """
    value = " ".join(unicodedata.normalize("NFC", value).split())
    if not any(c.isalnum() for c in value):
        raise ValueError(
            f"the text {_shorten(value)} has no letters or digits; write it out in "
            "words"
        )
    bad = [
        c
        for c in dict.fromkeys(value)
        if not (_is_latin_letter(c) or c in PLAIN_TEXT_SYMBOLS)
    ]
    if bad:
        shown = ", ".join(_describe_char(c) for c in bad[:3])
        raise ValueError(
            f"the text {_shorten(value)} contains {shown}; use Latin letters, digits, "
            "spaces and . , ' - / ( ) & : ; # only"
        )
    return value


def _describe_char(char: str) -> str:
    code = f"U+{ord(char):04X}"
    if char.isprintable():
        return f"{char!r} ({unicodedata.name(char, code)})"
    return f"{unicodedata.name(char, 'control character')} ({code})"


def _shorten(value: str, limit: int = 60) -> str:
    if len(value) <= limit:
        return repr(value)
    return f"{value[:limit]!r}..."


def check_village_code(value: str) -> str:
    if not VILLAGE_CODE_PATTERN.match(value):
        raise ValueError(
            f"village code {value!r} must look like 12.17.08.2001 "
            "(province.regency.district.village)"
        )
    return value


class AreaLookup(Protocol):
    """Reference data the forms consult (see shared.regency)."""

    def region_exists(self, code6: str) -> bool:
        """Tell whether province+regency+district digits name a real district."""
        ...

    def village_in_regency(self, village_code: str) -> bool:
        """Tell whether a village code belongs to the configured regency."""
        ...

    def village_exists(self, village_code: str) -> bool:
        """Tell whether a village code exists anywhere in Indonesia."""
        ...


def _areas(info: ValidationInfo) -> AreaLookup | None:
    context = info.context
    if isinstance(context, dict):
        areas = context.get("areas")
        return areas if areas is not None else None
    return None


def today_of(info: ValidationInfo) -> date:
    """Return the validation day: `context["today"]` when given, else today."""
    context = info.context
    if isinstance(context, dict) and isinstance(context.get("today"), date):
        return context["today"]  # type: ignore[no-any-return]
    return date.today()


def _check_nik_region(value: str, info: ValidationInfo) -> str:
    areas = _areas(info)
    if areas is not None and not areas.region_exists(value[:6]):
        raise ValueError(
            f"NIK {value!r} starts with region {value[:6]}, which is not a district "
            "of Indonesia; check the first 6 digits against the card"
        )
    return value


def check_kk_number(value: str, info: ValidationInfo) -> str:
    """Validate a family-card number: region (6), recording date DDMMYY, serial."""
    value = value.strip()
    if not KK_PATTERN.match(value):
        raise ValueError(
            f"KK number {value!r} must be exactly 16 digits, as printed on the card"
        )
    day, month, year = int(value[6:8]), int(value[8:10]), 2000 + int(value[10:12])
    try:
        recorded = date(year, month, day)
    except ValueError:
        raise ValueError(
            f"KK number {value!r} has an invalid recording date in digits 7-12 "
            "(DDMMYY); check the number against the card"
        ) from None
    if recorded > today_of(info):
        raise ValueError(
            f"KK number {value!r} has a recording date in the future; check the number"
        )
    if value[12:] == "0000":
        raise ValueError(
            f"KK number {value!r} ends in serial 0000, which is never issued"
        )
    areas = _areas(info)
    if areas is not None and not areas.region_exists(value[:6]):
        raise ValueError(
            f"KK number {value!r} starts with region {value[:6]}, which is no "
            "district of Indonesia; check the first 6 digits"
        )
    return value


def check_regency_village(value: str, info: ValidationInfo) -> str:
    areas = _areas(info)
    if areas is not None and not areas.village_in_regency(value):
        raise ValueError(
            f"village {value!r} is not in this regency; choose the village from "
            "the list of the regency's villages"
        )
    return value


def check_any_village(value: str, info: ValidationInfo) -> str:
    areas = _areas(info)
    if areas is not None and not areas.village_exists(value):
        raise ValueError(
            f"village {value!r} does not exist; choose it from the list of villages"
        )
    return value


def check_past_date(value: date, info: ValidationInfo) -> date:
    if value > today_of(info):
        raise ValueError(
            f"the date {value.isoformat()} is in the future; enter the date as the "
            "paper shows it"
        )
    if value.year < 1900:
        raise ValueError(f"the date {value.isoformat()} is before 1900")
    return value


def nik_is_female(nik: str) -> bool:
    """Tell whether a NIK carries the +40 day marking of a woman."""
    return int(nik[6:8]) > FEMALE_DAY_OFFSET


def age_on(birth: date, day: date) -> int:
    """Return the age in whole years on a given day."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


# The JSON Schema carries the patterns so pages can check input as it is typed;
# the validators do the full checks.
NIK_SCHEMA = {
    "type": "string",
    "pattern": "^[0-9]{16}$",
    "description": "NIK: 16 digits, as printed on the KTP-el or KK",
}
KK_SCHEMA = {
    "type": "string",
    "pattern": "^[0-9]{16}$",
    "description": "KK number: 16 digits, as printed on the family card",
}
VILLAGE_SCHEMA = {
    "type": "string",
    "pattern": r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}$",
    "description": "Kemendagri village code, e.g. 12.17.08.2001",
}

Nik = Annotated[
    str,
    AfterValidator(check_nik),
    AfterValidator(_check_nik_region),
    WithJsonSchema(NIK_SCHEMA),
]
VillageCode = Annotated[
    str, AfterValidator(check_village_code), WithJsonSchema(VILLAGE_SCHEMA)
]
KkNumber = Annotated[str, AfterValidator(check_kk_number), WithJsonSchema(KK_SCHEMA)]
PersonName = Annotated[str, AfterValidator(check_name)]
PlainText = Annotated[str, AfterValidator(check_plain_text)]
PastDate = Annotated[date, AfterValidator(check_past_date)]


RegencyVillage = Annotated[
    str,
    AfterValidator(check_village_code),
    AfterValidator(check_regency_village),
    WithJsonSchema(VILLAGE_SCHEMA),
]
AnyVillage = Annotated[
    str,
    AfterValidator(check_village_code),
    AfterValidator(check_any_village),
    WithJsonSchema(VILLAGE_SCHEMA),
]


class RegencyAreas:
    """The AreaLookup of one regency, over the national area data."""

    def __init__(self, regency: Regency, area: AreaIndex) -> None:
        self._regency = regency
        self._area = area

    def region_exists(self, code6: str) -> bool:
        return self._area.region_exists(code6)

    def village_in_regency(self, village_code: str) -> bool:
        return self._regency.village(village_code) is not None

    def village_exists(self, village_code: str) -> bool:
        return self._area.village(village_code) is not None
