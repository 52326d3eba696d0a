from __future__ import annotations

from datetime import date

import pytest
from pydantic import BaseModel, ValidationError

from services.signing.documents.common import (
    Address,
    KkNumber,
    Nik,
    Person,
    VerifyUrl,
    age_on,
    check_date_order,
    check_distinct_niks,
    format_indonesian_date,
    format_numeric_date,
)


class _Numbers(BaseModel):
    nik: Nik | None = None
    kk_number: KkNumber | None = None
    verify_url: VerifyUrl | None = None


ADDRESS = {
    "street": "Jalan Dr. Hadrianus Sinaga No. 12",
    "rt": "3",
    "rw": "12",
    "village": "Siogung Ogung",
    "district": "Pangururan",
    "regency": "Kabupaten Samosir",
    "province": "Sumatera Utara",
}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2026, 12, 4), "4 Desember 2026"),
        (date(2025, 1, 31), "31 Januari 2025"),
        (date(2024, 2, 29), "29 Februari 2024"),
        (date(2026, 8, 17), "17 Agustus 2026"),
    ],
)
def test_format_indonesian_date_formats(value: date, expected: str) -> None:
    assert format_indonesian_date(value) == expected


def test_format_numeric_date_pads_day_and_month() -> None:
    assert format_numeric_date(date(2026, 3, 4)) == "04-03-2026"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 12, 3), 16),
        (date(2026, 12, 4), 17),
        (date(2027, 1, 1), 17),
    ],
)
def test_age_on_counts_whole_years(day: date, expected: int) -> None:
    assert age_on(date(2009, 12, 4), day) == expected


def test_age_on_leap_day_birthday() -> None:
    born = date(2008, 2, 29)

    assert age_on(born, date(2025, 2, 28)) == 16
    assert age_on(born, date(2025, 3, 1)) == 17


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("nik", "121708140385000"),
        ("nik", "12170814038500011"),
        ("nik", "1217O81403850001"),
        # Fullwidth digits, which str.isdigit() accepts.
        ("nik", "\uff11" * 16),
        ("kk_number", "1217-0804-1226-0001"),
    ],
)
def test_sixteen_digit_numbers_reject_invalid(field: str, value: str) -> None:
    with pytest.raises(ValidationError, match="must be exactly 16 digits"):
        _Numbers.model_validate({field: value})


def test_nik_strips_whitespace() -> None:
    assert _Numbers(nik=" 1217081403850001 ").nik == "1217081403850001"


@pytest.mark.parametrize(
    "url", ["dompak.example.id/v/1", "ftp://dompak.example.id/v/1", "https://"]
)
def test_verify_url_rejects_non_http_url(url: str) -> None:
    with pytest.raises(ValidationError, match="is not an absolute http"):
        _Numbers(verify_url=url)


def test_address_pads_rt_rw() -> None:
    address = Address.model_validate(ADDRESS)

    assert (address.rt, address.rw) == ("003", "012")


@pytest.mark.parametrize("value", ["", "1234", "3a", "-1"])
def test_address_rejects_invalid_rt(value: str) -> None:
    with pytest.raises(ValidationError, match="RT/RW") as raised:
        Address.model_validate({**ADDRESS, "rt": value})

    assert raised.value.errors()[0]["loc"] == ("rt",)


def test_address_rejects_invalid_postal_code() -> None:
    with pytest.raises(ValidationError, match="postal code '2239' must be"):
        Address.model_validate({**ADDRESS, "postal_code": "2239"})


def test_check_date_order_names_both_fields() -> None:
    check_date_order(("a", date(2026, 1, 1)), ("b", date(2026, 1, 1)))

    with pytest.raises(ValueError, match="b 2025-12-31 is before a 2026-01-01"):
        check_date_order(("a", date(2026, 1, 1)), ("b", date(2025, 12, 31)))


def test_check_distinct_niks_names_both_people() -> None:
    first = Person(name="Sahat Sitanggang", nik="1217081403850001")
    second = Person(name="Ucok", nik="1217081403850001")

    with pytest.raises(ValueError, match="'Sahat Sitanggang' and 'Ucok'"):
        check_distinct_niks([first, second])
