from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from services.intake.forms.civil import BirthDeedForm
from services.intake.forms.fields import Nik, PersonName, VillageCode
from shared.catalogue import load_catalogue, required_uploads
from shared.settings import REPOSITORY

NIKS = TypeAdapter(Nik)
NAMES = TypeAdapter(PersonName)
VILLAGE_CODES = TypeAdapter(VillageCode)

# Synthetic NIKs from Pangururan (12.17.08): DDMMYY, day + 40 for women.
MALE_NIK = "1217081203900004"
FEMALE_NIK = "1217084107920002"

VALID_NIKS = {
    "male": MALE_NIK,
    "female_day_41": FEMALE_NIK,
    "female_day_71": "1217087101880003",
    "male_day_31": "1217083112850001",
    "leap_day_2000": "1217082902000007",
    "serial_9999": "1217081203909999",
}

NOT_16_DIGITS = "must be exactly 16 digits"
NO_BIRTH_DATE = "has an invalid birth date"
SERIAL_0000 = "ends in serial 0000"

# Each invalid NIK with the part of the message that names its fault.
INVALID_NIKS = {
    "fifteen_digits": ("121708120390000", NOT_16_DIGITS),
    "seventeen_digits": ("12170812039000041", NOT_16_DIGITS),
    "letter_o": ("12170812O3900004", NOT_16_DIGITS),
    "hyphens": ("1217-0812-0390-04", NOT_16_DIGITS),
    "inner_space": ("12170812 3900004", NOT_16_DIGITS),
    "day_32": ("1217083203900004", NO_BIRTH_DATE),
    "day_00": ("1217080003900004", NO_BIRTH_DATE),
    "day_40": ("1217084003900004", NO_BIRTH_DATE),
    "female_day_72": ("1217087203900004", NO_BIRTH_DATE),
    "month_13": ("1217081213900004", NO_BIRTH_DATE),
    "month_00": ("1217081200900004", NO_BIRTH_DATE),
    "february_30": ("1217083002900004", NO_BIRTH_DATE),
    "leap_day_2001": ("1217082902010004", NO_BIRTH_DATE),
    "serial_0000": ("1217081203900000", SERIAL_0000),
}


def _in_digits(nik: str, zero: int) -> str:
    """Rewrite an ASCII NIK in the Unicode digit block that starts at `zero`."""
    return "".join(chr(zero + int(digit)) for digit in nik)


# Python's `\d` and int() also accept these digits.
NON_ASCII_NIKS = {
    "fullwidth": _in_digits(MALE_NIK, 0xFF10),
    "arabic_indic": _in_digits(MALE_NIK, 0x0660),
}

VALID_NAMES = {
    "single": "Tiurma",
    "apostrophe": "Ompu Na'ibaho",
    "hyphen": "Maria Lumban-Toruan",
    "dot_and_comma": "Drs. Tumpal Sinaga, S.H.",
    "umlaut": "Rüth Sitanggang",
    "latin_extended": "Łukasz Øberg-Ñúñez",
}

INVALID_NAMES = {
    "digit": "Rut 2",
    "script_tag": "<script>",
    "at_sign": "ana@desa",
    "semicolon": "Ana; DROP",
    "underscore": "Ana_Siregar",
    "arabic_script": "محمد",
    "han_script": "王小明",
    "cyrillic_mixed": "Ivan Петров",
    "fullwidth_latin": "\uff21\uff4e\uff41",
}


def _application(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "applicant": {
            "nik": FEMALE_NIK,
            "name": "Rüth Sitanggang",
            "email": "ruth.sitanggang@example.org",
            "phone": "+6281234567890",
            "relationship": "ibu",
        },
        "child": {
            "name": "Tiur Sitanggang",
            "sex": "P",
            "birth_date": "2026-11-20",
            "birth_place": "Pangururan",
            "birth_order": 2,
        },
        "mother": {"nik": FEMALE_NIK, "name": "Rüth Sitanggang"},
        "father": {"nik": MALE_NIK, "name": "Ompu Na'ibaho"},
        "village_code": "12.17.08.2001",
    }
    fields.update(changes)
    return fields


def _with(section: str, **changes: Any) -> dict[str, Any]:
    fields = _application()
    return _application(**{section: {**fields[section], **changes}})


def _messages(error: ValidationError) -> str:
    """Join each error's location and message, leaving out the echoed input."""
    lines = []
    for item in error.errors():
        location = ".".join(str(part) for part in item["loc"])
        lines.append(f"{location}: {item['msg']}")
    return "\n".join(lines)


def _error_text(data: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as caught:
        BirthDeedForm.model_validate(data)
    return _messages(caught.value)


@pytest.mark.parametrize("nik", VALID_NIKS.values(), ids=VALID_NIKS.keys())
def test_nik_valid_accepted(nik: str) -> None:
    assert NIKS.validate_python(nik) == nik


def test_nik_surrounding_whitespace_stripped() -> None:
    assert NIKS.validate_python(f"  {MALE_NIK}\n") == MALE_NIK


@pytest.mark.parametrize(
    ("nik", "fault"), INVALID_NIKS.values(), ids=INVALID_NIKS.keys()
)
def test_nik_invalid_rejected_naming_value(nik: str, fault: str) -> None:
    with pytest.raises(ValidationError) as caught:
        NIKS.validate_python(nik)
    message = _messages(caught.value)

    assert repr(nik) in message
    assert fault in message


@pytest.mark.parametrize("nik", NON_ASCII_NIKS.values(), ids=NON_ASCII_NIKS.keys())
def test_nik_non_ascii_digits_rejected(nik: str) -> None:
    with pytest.raises(ValidationError):
        NIKS.validate_python(nik)


def test_nik_empty_rejected() -> None:
    with pytest.raises(ValidationError, match=NOT_16_DIGITS):
        NIKS.validate_python("")


@pytest.mark.parametrize("name", VALID_NAMES.values(), ids=VALID_NAMES.keys())
def test_name_valid_accepted(name: str) -> None:
    assert NAMES.validate_python(name) == name


@pytest.mark.parametrize("name", INVALID_NAMES.values(), ids=INVALID_NAMES.keys())
def test_name_invalid_rejected_naming_value(name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        NAMES.validate_python(name)

    assert repr(name) in _messages(caught.value)


def test_name_whitespace_collapsed() -> None:
    assert NAMES.validate_python("  Maria \t Lumbantoruan\n ") == "Maria Lumbantoruan"


def test_name_nfc_normalised() -> None:
    decomposed = "Ru\u0308th"

    assert NAMES.validate_python(decomposed) == "R\u00fcth"


@pytest.mark.parametrize("name", ["", "   ", "\t\n"], ids=["empty", "spaces", "tabs"])
def test_name_blank_rejected(name: str) -> None:
    with pytest.raises(ValidationError, match="the name is empty"):
        NAMES.validate_python(name)


def test_name_over_80_characters_rejected() -> None:
    with pytest.raises(ValidationError, match="has 81 characters, more than 80"):
        NAMES.validate_python("A" * 81)


def test_name_of_80_characters_accepted() -> None:
    name = "A" * 80

    assert NAMES.validate_python(name) == name


@pytest.mark.parametrize(
    ("name", "character"),
    [("王小明", "'王' (CJK UNIFIED IDEOGRAPH-738B)"), ("Ivan Петров", "'П'")],
    ids=["han", "cyrillic"],
)
def test_name_other_script_named_in_message(name: str, character: str) -> None:
    with pytest.raises(ValidationError) as caught:
        NAMES.validate_python(name)
    message = _messages(caught.value)

    assert character in message
    assert "Latin letters" in message


@pytest.mark.parametrize("name", ["-", ".", "' -"], ids=["hyphen", "dot", "mixed"])
def test_name_punctuation_only_rejected(name: str) -> None:
    with pytest.raises(ValidationError):
        NAMES.validate_python(name)


@pytest.mark.parametrize(
    "code",
    ["1217082001", "12.17.08.200", "12-17-08-2001", "12.17.8.2001", ""],
    ids=["no_dots", "short_village", "hyphens", "one_digit_district", "empty"],
)
def test_village_code_invalid_rejected(code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        VILLAGE_CODES.validate_python(code)

    assert repr(code) in _messages(caught.value)


def test_application_valid_accepted() -> None:
    application = BirthDeedForm.model_validate(_application())

    assert application.child.name == "Tiur Sitanggang"


def test_application_future_birth_date_rejected() -> None:
    tomorrow = (date.today() + timedelta(days=1)).isoformat()

    message = _error_text(_with("child", birth_date=tomorrow))

    assert f"child.birth_date: Value error, the date {tomorrow} is in the future" in (
        message
    )


def test_application_birth_date_today_accepted() -> None:
    today = date.today()

    application = BirthDeedForm.model_validate(
        _with("child", birth_date=today.isoformat())
    )

    assert application.child.birth_date == today


def test_application_birth_date_before_1900_rejected() -> None:
    message = _error_text(_with("child", birth_date="1899-12-31"))

    assert "1899-12-31 is before 1900" in message


def test_application_mother_male_nik_rejected() -> None:
    message = _error_text(_with("mother", nik=MALE_NIK))

    assert f"mother NIK {MALE_NIK!r} is a man's NIK" in message


def test_application_father_female_nik_rejected() -> None:
    message = _error_text(_with("father", nik=FEMALE_NIK))

    assert f"father NIK {FEMALE_NIK!r} is a woman's NIK" in message


def test_application_invalid_sex_code_rejected() -> None:
    message = _error_text(_with("child", sex="X"))

    assert "child.sex" in message


def test_application_contact_unreachable_rejected() -> None:
    message = _error_text(_with("applicant", email=None, phone=None))

    assert "give an email address or a phone number" in message


def test_application_contact_phone_only_accepted() -> None:
    application = BirthDeedForm.model_validate(_with("applicant", email=None))

    assert application.applicant.phone == "+6281234567890"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "ruth@localhost"),
        ("email", "ruth sitanggang@example.org"),
        ("phone", "0812-3456-7890"),
        ("phone", "1234567"),
    ],
    ids=["email_no_dot", "email_space", "phone_hyphens", "phone_short"],
)
def test_application_contact_malformed_rejected(field: str, value: str) -> None:
    message = _error_text(_with("applicant", **{field: value}))

    assert f"applicant.{field}" in message


def test_application_unknown_field_rejected() -> None:
    message = _error_text(_application(religion="unknown"))

    assert "religion" in message


def test_application_unknown_nested_field_rejected() -> None:
    message = _error_text(_with("child", weight_grams=3100))

    assert "child.weight_grams" in message


def test_application_bad_village_code_rejected() -> None:
    message = _error_text(_application(village_code="1217082001"))

    assert "'1217082001'" in message


def test_application_invalid_parent_nik_rejected() -> None:
    message = _error_text(_with("mother", nik="1217087203920002"))

    assert "mother.nik" in message


def _required_codes(data: dict[str, Any]) -> list[str]:
    entry = load_catalogue(REPOSITORY / "config" / "catalogue.toml").service(
        "birth_deed"
    )
    form = BirthDeedForm.model_validate(data).model_dump(mode="json")
    return [r.code for r in required_uploads(entry, form, today=date.today())]


def test_required_files_without_father() -> None:
    data = _application()
    del data["father"]

    needed = _required_codes(data)

    assert "father_id_card" not in needed
    assert "marriage_proof" not in needed
    assert needed == ["birth_letter", "family_card", "mother_id_card", "form_f201"]


def test_required_files_with_father() -> None:
    needed = _required_codes(_application())

    assert "father_id_card" in needed
    assert "marriage_proof" in needed
    assert len(needed) == 6
