from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from services.verification.drafts import (
    DRAFT_KEYS,
    NO_FATHER_RULE,
    PlaceNames,
    prefill,
    validate_draft,
)
from shared.errors import ValidationFailedError
from tools.samples import application_form, birth_deed_application

NON_BIRTH_TEMPLATES = sorted(set(DRAFT_KEYS) - {"birth_deed"})
# A form whose template is each of the other templates.
FORM_OF_TEMPLATE = {
    "family_card": "kk_change",
    "marriage_deed": "marriage_deed",
    "divorce_deed": "divorce_deed",
    "death_deed": "death_deed",
    "moving_letter": "moving_letter",
    "ktp_el_card": "ktp_el_reissue",
    "kia_card": "kia",
}


def birth_draft(**changes: Any) -> dict[str, Any]:
    draft: dict[str, Any] = {
        "child_name": "Tiur Sitanggang",
        "child_sex": "P",
        "birth_date": (date.today() - timedelta(days=9)).isoformat(),
        "birth_place": "Pangururan",
        "birth_order": 1,
        "father_name": "Sahat Sitanggang",
        "mother_name": "Maria Lumbantoruan",
    }
    draft.update(changes)
    return draft


def invalid(
    template_id: str, draft: dict[str, Any], form: dict[str, Any]
) -> ValidationFailedError:
    """Validate a draft that must fail and return the error."""
    with pytest.raises(ValidationFailedError) as caught:
        validate_draft(template_id, draft, form)
    return caught.value


def fields_of(error: ValidationFailedError) -> list[str]:
    return [problem["field"] for problem in error.detail["problems"]]


@pytest.mark.parametrize("template_id", NON_BIRTH_TEMPLATES)
def test_validate_draft_template_keys_accepted(
    template_id: str, places: PlaceNames
) -> None:
    form = application_form(FORM_OF_TEMPLATE[template_id])
    draft = prefill(template_id, form, places)

    assert validate_draft(template_id, draft, form) == draft


@pytest.mark.parametrize("template_id", sorted(DRAFT_KEYS))
def test_validate_draft_empty_rejected(template_id: str) -> None:
    error = invalid(template_id, {}, application_form("kia"))

    assert fields_of(error) == ["draft"]
    assert "empty" in error.message


def test_validate_draft_missing_key_named(places: PlaceNames) -> None:
    form = application_form("marriage_deed")
    draft = prefill("marriage_deed", form, places)
    del draft["religious_leader"]

    error = invalid("marriage_deed", draft, form)

    assert error.status_code == 422
    assert fields_of(error) == ["draft.religious_leader"]
    assert error.detail["missing"] == ["religious_leader"]
    assert error.detail["unexpected"] == []
    assert "draft.religious_leader: missing" in error.message


def test_validate_draft_unexpected_key_named(places: PlaceNames) -> None:
    form = application_form("kia")
    draft = {**prefill("kia_card", form, places), "father_name": "Tumpal Sinaga"}

    error = invalid("kia_card", draft, form)

    assert fields_of(error) == ["draft.father_name"]
    assert error.detail["unexpected"] == ["father_name"]
    assert "kia_card" in error.message


def test_validate_draft_other_template_keys_rejected(places: PlaceNames) -> None:
    form = application_form("death_deed")
    draft = prefill("death_deed", form, places)

    error = invalid("divorce_deed", draft, form)

    assert error.detail["missing"] == sorted(DRAFT_KEYS["divorce_deed"])
    assert error.detail["unexpected"] == sorted(DRAFT_KEYS["death_deed"])


def test_validate_draft_optional_key_required(places: PlaceNames) -> None:
    form = application_form("ktp_el_new")
    draft = prefill("ktp_el_card", form, places)
    del draft["blood_type"]

    error = invalid("ktp_el_card", draft, form)

    assert error.detail["missing"] == ["blood_type"]


def test_validate_draft_birth_deed_normalised() -> None:
    form = birth_deed_application(4)

    checked = validate_draft(
        "birth_deed", birth_draft(child_name="  Tiur   Sitanggang "), form
    )

    assert checked["child_name"] == "Tiur Sitanggang"


def test_validate_draft_birth_deed_field_named() -> None:
    error = invalid("birth_deed", birth_draft(child_sex="X"), birth_deed_application())

    assert fields_of(error) == ["draft.child_sex"]
    assert "draft.child_sex" in error.message


def test_validate_draft_father_without_papers_rejected() -> None:
    form = {**birth_deed_application(5), "father": None}

    error = invalid("birth_deed", birth_draft(father_name="Sahat Sitanggang"), form)

    assert fields_of(error) == ["draft.father_name"]
    assert error.detail["rule"] == NO_FATHER_RULE
    assert "names no father" in error.message
    assert "KTP-el" in error.message


def test_validate_draft_father_absent_from_form_rejected() -> None:
    form = birth_deed_application(5)
    del form["father"]

    error = invalid("birth_deed", birth_draft(), form)

    assert error.detail["rule"] == NO_FATHER_RULE


@pytest.mark.parametrize("father_name", [None, "   "], ids=["null", "blank"])
def test_validate_draft_no_father_accepted(father_name: str | None) -> None:
    form = {**birth_deed_application(6), "father": None}

    checked = validate_draft("birth_deed", birth_draft(father_name=father_name), form)

    assert checked["father_name"] is None


def test_validate_draft_father_with_papers_accepted() -> None:
    form = birth_deed_application(7)

    checked = validate_draft("birth_deed", birth_draft(), form)

    assert checked["father_name"] == "Sahat Sitanggang"


def _nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {"leaf": "x"}
    for _ in range(depth):
        value = {"a": value}
    return value


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        ({"$set": {"x": 1}}, "'$set'"),
        ({"address.street": "x"}, "'address.street'"),
        ({"a\x00b": "x"}, "key"),
        (_nested(200), "nested deeper"),
        ({"note": "x" * 501}, "more than 500"),
        ({"members": [{}] * 21}, "more than 20"),
    ],
    ids=["dollar_key", "dotted_key", "nul_key", "deep", "long_text", "many_items"],
)
def test_draft_shape_rejected(bad: dict[str, Any], expected: str) -> None:
    with pytest.raises(ValidationFailedError) as caught:
        validate_draft("family_card", bad, {})

    assert caught.value.status_code == 422
    assert expected in caught.value.message


@pytest.mark.parametrize("service_code", ["ktp_el_new", "kia"])
def test_card_draft_with_other_nik_rejected(service_code: str) -> None:
    form = application_form(service_code, seed=4)
    template_id = "ktp_el_card" if service_code == "ktp_el_new" else "kia_card"
    draft = prefill(template_id, form)
    draft["nik"] = "1217080101010001"

    with pytest.raises(ValidationFailedError) as caught:
        validate_draft(template_id, draft, form)

    assert "1217080101010001" in caught.value.message
