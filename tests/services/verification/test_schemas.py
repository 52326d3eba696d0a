from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from services.verification.schemas import BirthDeedDraft, DraftRequest


def _draft(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "child_name": "Tiur Sitanggang",
        "child_sex": "P",
        "birth_date": "2026-11-20",
        "birth_place": "Pangururan",
        "birth_order": 2,
        "father_name": "Ompu Na'ibaho",
        "mother_name": "Rüth Sitanggang",
    }
    fields.update(changes)
    return fields


def _messages(data: dict[str, Any]) -> str:
    """Validate `data`, expecting failure, and join each error's location and
    message, leaving out the echoed input."""
    with pytest.raises(ValidationError) as caught:
        BirthDeedDraft.model_validate(data)
    lines = []
    for item in caught.value.errors():
        location = ".".join(str(part) for part in item["loc"])
        lines.append(f"{location}: {item['msg']}")
    return "\n".join(lines)


def test_birth_deed_draft_valid_accepted() -> None:
    draft = BirthDeedDraft.model_validate(_draft())

    assert draft.birth_date == date(2026, 11, 20)


def test_birth_deed_draft_future_birth_date_rejected() -> None:
    tomorrow = (date.today() + timedelta(days=1)).isoformat()

    message = _messages(_draft(birth_date=tomorrow))

    assert f"birth_date {tomorrow} is in the future" in message


def test_birth_deed_draft_birth_date_today_accepted() -> None:
    today = date.today()

    draft = BirthDeedDraft.model_validate(_draft(birth_date=today.isoformat()))

    assert draft.birth_date == today


@pytest.mark.parametrize("sex", ["L", "P"])
def test_birth_deed_draft_sex_code_accepted(sex: str) -> None:
    assert BirthDeedDraft.model_validate(_draft(child_sex=sex)).child_sex == sex


@pytest.mark.parametrize(
    "sex",
    ["X", "l", "p", "LP", "M", "F", ""],
    ids=["x", "lower_l", "lower_p", "both", "english_m", "english_f", "empty"],
)
def test_birth_deed_draft_invalid_sex_code_rejected(sex: str) -> None:
    message = _messages(_draft(child_sex=sex))

    assert message.startswith("child_sex: ")


@pytest.mark.parametrize("field", ["child_name", "mother_name", "father_name"])
def test_birth_deed_draft_names_nfc_normalised(field: str) -> None:
    draft = BirthDeedDraft.model_validate(_draft(**{field: "Ru\u0308th Sitanggang"}))

    assert getattr(draft, field) == "R\u00fcth Sitanggang"


def test_birth_deed_draft_name_whitespace_collapsed() -> None:
    draft = BirthDeedDraft.model_validate(_draft(child_name=" Tiur \t  Sitanggang "))

    assert draft.child_name == "Tiur Sitanggang"


def test_birth_deed_draft_without_father_accepted() -> None:
    data = _draft()
    del data["father_name"]

    assert BirthDeedDraft.model_validate(data).father_name is None


def test_birth_deed_draft_blank_mother_name_rejected() -> None:
    message = _messages(_draft(mother_name="   "))

    assert message.startswith("mother_name: ")


def test_birth_deed_draft_unknown_field_rejected() -> None:
    message = _messages(_draft(child_nik="1217084107920002"))

    assert message.startswith("child_nik: ")


def test_draft_request_keeps_draft_object() -> None:
    draft = {"members": [], "kk_number": ""}

    request = DraftRequest.model_validate({"draft": draft})

    assert request.draft == draft


@pytest.mark.parametrize("draft", [[1, 2], "draf", None], ids=["list", "text", "null"])
def test_draft_request_non_object_rejected(draft: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        DraftRequest.model_validate({"draft": draft})

    assert caught.value.errors()[0]["loc"] == ("draft",)


def test_birth_deed_draft_blank_father_name_becomes_none() -> None:
    draft = BirthDeedDraft.model_validate(_draft(father_name="   "))

    assert draft.father_name is None
