from __future__ import annotations

import pytest

from services.signing.service import mask_nik

NIK = "1217084107920002"


def test_mask_nik_keeps_region_and_last_two() -> None:
    assert mask_nik(NIK) == "121708********02"


def test_mask_nik_keeps_length() -> None:
    assert len(mask_nik(NIK)) == len(NIK)


def test_mask_nik_hides_birth_date_and_serial() -> None:
    masked = mask_nik(NIK)

    assert "410792" not in masked
    assert set(masked[6:14]) == {"*"}


@pytest.mark.parametrize(
    "nik",
    ["1217081203900004", "3201014501990123", "1217087101889999"],
    ids=["male", "other_region", "serial_9999"],
)
def test_mask_nik_shows_only_outer_digits(nik: str) -> None:
    masked = mask_nik(nik)

    assert masked[:6] == nik[:6]
    assert masked[-2:] == nik[-2:]
    assert masked[6:-2] == "*" * 8


@pytest.mark.parametrize("value", ["1234567", "12170841079200021", "12170841O7920002"])
def test_mask_nik_hides_malformed_value_completely(value: str) -> None:
    assert set(mask_nik(value)) == {"*"}
