"""The shipped catalogue fits the forms; a mismatch stops intake."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.intake.forms import check_catalogue
from shared.catalogue import CatalogueError, load_catalogue
from shared.settings import REPOSITORY

SHIPPED = REPOSITORY / "config" / "catalogue.toml"


def edited(tmp_path: Path, old: str, new: str) -> Path:
    text = SHIPPED.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "catalogue.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_shipped_catalogue_fits_forms() -> None:
    check_catalogue(load_catalogue(SHIPPED))


def test_condition_on_missing_field_rejected(tmp_path: Path) -> None:
    path = edited(tmp_path, 'field = "husband.previously_married"', 'field = "groom.x"')

    with pytest.raises(CatalogueError) as caught:
        check_catalogue(load_catalogue(path))

    message = str(caught.value)
    assert "(marriage_deed)" in message
    assert "'groom.x'" in message


def test_unknown_form_rejected(tmp_path: Path) -> None:
    path = edited(tmp_path, 'form = "kia"', 'form = "kiaa"')

    with pytest.raises(CatalogueError) as caught:
        check_catalogue(load_catalogue(path))

    assert "'kiaa'" in str(caught.value)
    assert "(kia)" in str(caught.value)


def test_misspelt_reason_path_rejected(tmp_path: Path) -> None:
    path = edited(tmp_path, 'field = "reason"', 'field = "reasn"')

    with pytest.raises(CatalogueError, match="'reasn'"):
        check_catalogue(load_catalogue(path))
