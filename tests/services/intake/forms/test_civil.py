from __future__ import annotations

from typing import Any

import pytest

from services.intake.forms import FORMS
from services.intake.forms.civil import (
    BirthDeedForm,
    DeathDeedForm,
    DivorceDeedForm,
    MarriageDeedForm,
)
from tools.samples import application_form, birth_deed_application


def _birth_key(data: dict[str, Any]) -> str:
    return BirthDeedForm.model_validate(data).subject_key()


def test_birth_subject_key_fields() -> None:
    data = birth_deed_application(1)

    key = _birth_key(data)

    assert key == (
        f"{data['mother']['nik']}:{data['child']['birth_date']}:yohana br. sinaga"
    )


def test_birth_subject_key_ignores_case() -> None:
    data = birth_deed_application(1)
    shouted = birth_deed_application(1)
    shouted["child"]["name"] = "  YOHANA   Br. SINAGA "

    assert _birth_key(shouted) == _birth_key(data)


@pytest.mark.parametrize(
    ("section", "field", "value"),
    [
        ("child", "name", "Maria Sinaga"),
        ("child", "birth_date", "2020-01-01"),
    ],
    ids=["other_child", "other_date"],
)
def test_birth_subject_key_differs_per_birth(
    section: str, field: str, value: str
) -> None:
    data = birth_deed_application(1)
    other = birth_deed_application(1)
    other[section][field] = value

    assert _birth_key(other) != _birth_key(data)


def test_birth_subject_key_ignores_applicant() -> None:
    data = birth_deed_application(1)
    other = birth_deed_application(1)
    other["applicant"]["email"] = "ayah@contoh.localhost"
    other["applicant"]["relationship"] = "ayah"

    assert _birth_key(other) == _birth_key(data)


def test_death_subject_key_is_deceased_nik() -> None:
    data = application_form("death_deed")

    form = DeathDeedForm.model_validate(data)

    assert form.subject_key() == data["deceased"]["nik"]


def test_marriage_subject_key() -> None:
    data = application_form("marriage_deed")

    form = MarriageDeedForm.model_validate(data)

    assert form.subject_key() == (
        f"{data['husband']['nik']}:{data['wife']['nik']}:{data['marriage_date']}"
    )


def test_divorce_subject_key() -> None:
    data = application_form("divorce_deed")

    form = DivorceDeedForm.model_validate(data)

    assert form.subject_key() == (
        f"{data['former_husband']['nik']}:{data['former_wife']['nik']}:"
        "12/pdt.g/2026/pn blg"
    )


@pytest.mark.parametrize(
    "form_id", ["birth_deed", "marriage_deed", "divorce_deed", "death_deed"]
)
def test_civil_subject_kept_after_completion(form_id: str) -> None:
    assert FORMS[form_id].subject_reusable_after_completion is False
