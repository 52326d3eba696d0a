from __future__ import annotations

import json
from typing import Any

import pytest

from services.intake.forms.civil import BirthDeedForm
from services.intake.forms.parsing import load_json, parse_application
from shared.errors import ValidationFailedError
from tools.samples import birth_deed_application


def _failure(data: dict[str, Any]) -> ValidationFailedError:
    with pytest.raises(ValidationFailedError) as caught:
        parse_application(BirthDeedForm, json.dumps(data), {})
    return caught.value


def _problem(error: ValidationFailedError, field: str) -> dict[str, str]:
    problems: list[dict[str, str]] = error.detail["problems"]
    matching = [p for p in problems if p["field"] == field]
    assert matching, f"no problem for {field} in {problems}"
    return matching[0]


def _with(section: str, **changes: Any) -> dict[str, Any]:
    data = birth_deed_application(1)
    data[section] = {**data[section], **changes}
    return data


@pytest.mark.parametrize(
    "raw",
    ["[" * 100_000, '{"a":' * 100_000],
    ids=["lists", "objects"],
)
def test_load_json_deep_nesting_rejected(raw: str) -> None:
    with pytest.raises(ValidationFailedError) as caught:
        load_json(raw)

    assert caught.value.status_code == 422
    assert "the application JSON is nested too deeply" in caught.value.message


def test_load_json_huge_integer_rejected() -> None:
    with pytest.raises(ValidationFailedError, match="could not be read as JSON"):
        load_json("1" * 5000)


def test_load_json_missing_field_rejected() -> None:
    with pytest.raises(ValidationFailedError, match="'application' is missing"):
        load_json(None)


def test_load_json_broken_json_names_position() -> None:
    with pytest.raises(ValidationFailedError, match="at position 1"):
        load_json("{not json")


def test_parse_application_nested_list_rejected_plainly() -> None:
    # Shallow enough for json to decode, so pydantic validates it, and the
    # message must describe the list instead of repeating it.
    raw = "[" * 900 + "]" * 900

    with pytest.raises(ValidationFailedError) as caught:
        parse_application(BirthDeedForm, raw, {})

    assert "must be a JSON object" in caught.value.message
    assert "a list of 1 entry" in caught.value.message


def test_parse_application_valid_form_accepted() -> None:
    form = parse_application(BirthDeedForm, json.dumps(birth_deed_application(1)), {})

    assert isinstance(form, BirthDeedForm)
    assert form.child.name == "Yohana Br. Sinaga"


# field, value, the location pydantic reports, fragments of the message
PROBLEMS: dict[str, tuple[str, str, Any, str, tuple[str, ...]]] = {
    "email": (
        "applicant",
        "email",
        "ruth@localhost",
        "applicant.email",
        ("nama@contoh.id", "'ruth@localhost'"),
    ),
    "phone_arabic_indic": (
        "applicant",
        "phone",
        "\u0660\u0668\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668",
        "applicant.phone",
        ("digits only, 8 to 15, optionally starting with +",),
    ),
    "birth_order_zero": (
        "child",
        "birth_order",
        0,
        "child.birth_order",
        ("must be 1 or more", "(got 0)"),
    ),
    "birth_order_high": (
        "child",
        "birth_order",
        31,
        "child.birth_order",
        ("must be 30 or less", "(got 31)"),
    ),
    "birth_order_text": (
        "child",
        "birth_order",
        "dua",
        "child.birth_order",
        ("whole number", "(got 'dua')"),
    ),
    "date_format": (
        "child",
        "birth_date",
        "17-05-2024",
        "child.birth_date",
        ("YYYY-MM-DD", "(got '17-05-2024')"),
    ),
    "sex": ("child", "sex", "X", "child.sex", ("choose one of 'L' or 'P'",)),
    "place_too_long": (
        "child",
        "birth_place",
        "P" * 61,
        "child.birth_place",
        ("more than 60 characters", "(61 characters)"),
    ),
    "relationship_too_short": (
        "applicant",
        "relationship",
        "a",
        "applicant.relationship",
        ("at least 2 characters", "(got 'a')"),
    ),
    "unknown_field": (
        "child",
        "weight_grams",
        3100,
        "child.weight_grams",
        ("not a field of this form", "name, sex, birth_date"),
    ),
}


@pytest.mark.parametrize("case", sorted(PROBLEMS))
def test_parse_application_problem_names_value_and_fix(case: str) -> None:
    section, field, value, location, fragments = PROBLEMS[case]

    error = _failure(_with(section, **{field: value}))
    problem = _problem(error, location)

    for fragment in fragments:
        assert fragment in error.message
    assert f"{location}: {problem['message']}" in error.message
    assert "should" not in problem["message"]


def test_parse_application_missing_field_named() -> None:
    data = birth_deed_application(1)
    del data["child"]["name"]

    error = _failure(data)
    problem = _problem(error, "child.name")

    assert problem["message"] == "is required; fill it in"
    assert "input" not in problem


def test_parse_application_input_in_problem() -> None:
    error = _failure(_with("applicant", email="ruth@localhost"))

    assert _problem(error, "applicant.email")["input"] == "'ruth@localhost'"


def test_parse_application_long_input_shortened() -> None:
    error = _failure(_with("applicant", email="x" * 5000))
    shown = _problem(error, "applicant.email")["input"]

    assert shown == f"{'x' * 60!r}... (5000 characters)"
    assert len(error.message) < 1000


def test_parse_application_own_validator_message_kept() -> None:
    error = _failure(_with("child", birth_date="2999-01-01"))

    assert "the date 2999-01-01 is in the future" in error.message
    assert "Value error" not in error.message


def test_parse_application_section_of_wrong_type_lists_fields() -> None:
    error = _failure({**birth_deed_application(1), "mother": "Rosmaida"})

    assert "mother: must be a JSON object" in error.message
    assert "(fields here: nik, name)" in error.message
