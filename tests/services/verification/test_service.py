from __future__ import annotations

import pytest

from services.verification.service import same_staff


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("operator.uji", "operator.uji"),
        ("Operator.Uji", "operator.uji"),
        ("  operator.uji ", "OPERATOR.UJI"),
        ("STRASSE.uji", "straße.uji"),
    ],
    ids=["equal", "case", "edges", "casefold"],
)
def test_same_staff_matches(first: str, second: str) -> None:
    assert same_staff(first, second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("operator.uji", "verifikator.uji"),
        ("operator.uji", "operator.uji2"),
        ("operator uji", "operator.uji"),
        ("operator.uji", None),
    ],
    ids=["other", "suffix", "inner_space", "no_drafter"],
)
def test_same_staff_differs(first: str, second: str | None) -> None:
    assert not same_staff(first, second)
