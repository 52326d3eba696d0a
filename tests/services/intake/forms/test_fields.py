from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from services.intake.forms.common import Contact
from services.intake.forms.fields import PlainText

TEXTS = TypeAdapter(PlainText)

VALID_TEXTS = {
    "place": "Pangururan",
    "street": "Jl. Sisingamangaraja No. 12A",
    "occupation": "Pegawai Negeri Sipil (PNS)",
    "education": "SLTA/sederajat",
    "ruling_number": "12/Pdt.G/2026/PN Blg",
    "description": "Penambahan anggota: anak kedua; lahir 3 Mei",
    "ampersand_hash": "Toko Sinaga & Putra #2",
    "latin_accents": "Gereja Santa Mária",
}

# Each text with the part of the message that names the offending character.
INVALID_TEXTS = {
    "nul": ("Jalan\x00Contoh", "control character (U+0000)"),
    "escape": ("Jalan \x1b[31mContoh", "control character (U+001B)"),
    "emoji": ("Rumah 😀 kita", "'😀' (GRINNING FACE)"),
    "symbol": ("Harga 100 €", "'€' (EURO SIGN)"),
    "zero_width_space": ("Pangu\u200bruran", "ZERO WIDTH SPACE (U+200B)"),
    "han": ("北京", "'北' (CJK UNIFIED IDEOGRAPH-5317)"),
    "arabic_indic_digits": ("No. \u0661\u0662", "(ARABIC-INDIC DIGIT ONE)"),
    "markup": ("<b>Pangururan</b>", "'<' (LESS-THAN SIGN)"),
}


@pytest.mark.parametrize("text", VALID_TEXTS.values(), ids=VALID_TEXTS.keys())
def test_plain_text_valid_accepted(text: str) -> None:
    assert TEXTS.validate_python(text) == text


@pytest.mark.parametrize(
    ("text", "named"), INVALID_TEXTS.values(), ids=INVALID_TEXTS.keys()
)
def test_plain_text_invalid_rejected_naming_character(text: str, named: str) -> None:
    with pytest.raises(ValidationError) as caught:
        TEXTS.validate_python(text)
    message = str(caught.value)

    assert named in message
    assert "use Latin letters, digits, spaces" in message


def test_plain_text_line_breaks_become_spaces() -> None:
    assert TEXTS.validate_python("Jalan Contoh\r\n No. 1\t") == "Jalan Contoh No. 1"


@pytest.mark.parametrize("text", ["...", "- / -", " "], ids=["dots", "dashes", "blank"])
def test_plain_text_without_letters_rejected(text: str) -> None:
    with pytest.raises(ValidationError, match="has no letters or digits"):
        TEXTS.validate_python(text)


def test_plain_text_long_value_shortened_in_message() -> None:
    with pytest.raises(ValidationError) as caught:
        TEXTS.validate_python("a" * 500 + "😀")

    assert "a" * 61 not in str(caught.value)


def _in_digits(number: str, zero: int) -> str:
    """Rewrite ASCII digits in the Unicode digit block that starts at `zero`."""
    return "".join(chr(zero + int(digit)) for digit in number)


def _contact(**changes: str) -> dict[str, str]:
    return {
        "nik": "1217084107920002",
        "name": "Rüth Sitanggang",
        "email": "ruth.sitanggang@example.org",
        "phone": "+6281234567890",
        "relationship": "ibu",
        **changes,
    }


@pytest.mark.parametrize(
    "phone",
    [
        _in_digits("081234567890", 0x0660),
        _in_digits("081234567890", 0xFF10),
        "0812 3456 7890",
        "+62-812-3456",
    ],
    ids=["arabic_indic", "fullwidth", "spaces", "hyphens"],
)
def test_contact_phone_non_ascii_digits_rejected(phone: str) -> None:
    with pytest.raises(ValidationError):
        Contact.model_validate(_contact(phone=phone))


@pytest.mark.parametrize(
    "email",
    ["ruth\x00@example.org", "ruth@exa\rmple.org", "rüth@example.org", "a@b"],
    ids=["nul", "carriage_return", "non_ascii", "no_dot"],
)
def test_contact_email_outside_printable_ascii_rejected(email: str) -> None:
    with pytest.raises(ValidationError):
        Contact.model_validate(_contact(email=email))


@pytest.mark.parametrize(
    "email",
    ["pemohon1@contoh.localhost", "o'neil+kk@mail.example.co.id", "A.B@X-Y.id"],
    ids=["sample", "apostrophe_plus", "upper_hyphen"],
)
def test_contact_email_valid_accepted(email: str) -> None:
    assert Contact.model_validate(_contact(email=email)).email == email
