"""Checks of a recorded draft before it goes to the verifier.

The birth deed's draft is checked field by field (BirthDeedDraft), and
against the papers of the application. Other drafts are checked for their
top-level keys only, because the signing service validates the whole
content again when the head opens the application.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from pydantic import ValidationError

from services.verification.schemas import BirthDeedDraft
from shared.errors import ValidationFailedError

BIRTH_DEED = "birth_deed"
# Without a father on the form, intake required neither the father's KTP-el
# nor a marriage proof, so the papers cannot support a father's name.
NO_FATHER_RULE = "no_father_without_papers"

# Each template's content fields, without the issue facts the signing
# service fills: register_number, document_id, issued_on, issued_at,
# regency_name, office_name, head_name and verify_url.
DRAFT_KEYS: dict[str, frozenset[str]] = {
    "family_card": frozenset({"kk_number", "address", "members"}),
    BIRTH_DEED: frozenset(BirthDeedDraft.model_fields),
    "marriage_deed": frozenset(
        {
            "husband",
            "wife",
            "marriage_date",
            "marriage_place",
            "religion",
            "religious_leader",
        }
    ),
    "divorce_deed": frozenset(
        {
            "former_husband",
            "former_wife",
            "court",
            "ruling_number",
            "ruling_date",
            "ruling_final_on",
        }
    ),
    "death_deed": frozenset(
        {"deceased", "death_date", "death_place", "cause", "reporter_name"}
    ),
    "moving_letter": frozenset(
        {
            "kk_number",
            "head_of_family",
            "members",
            "origin",
            "destination",
            "reason",
            "moving_date",
        }
    ),
    "ktp_el_card": frozenset(
        {
            "nik",
            "name",
            "birth_place",
            "birth_date",
            "sex",
            "address",
            "religion",
            "marital_status",
            "occupation",
            "blood_type",
        }
    ),
    "kia_card": frozenset(
        {
            "nik",
            "name",
            "birth_place",
            "birth_date",
            "sex",
            "address",
            "kk_number",
            "head_of_family_name",
        }
    ),
}


def validate_draft(
    template_id: str,
    draft: Mapping[str, Any],
    form: Mapping[str, Any],
    today: date | None = None,
) -> dict[str, Any]:
    """Return the draft to record, or raise ValidationFailedError naming each problem.

    `form` is the resident's form, which the birth deed's draft must agree with.
    """
    if not draft:
        raise _invalid(
            [("draft", "is empty; start from the draft template of this case")]
        )
    _check_shape(draft)
    if template_id == BIRTH_DEED:
        return _birth_deed(draft, form, today or date.today())
    _check_keys(template_id, draft)
    _check_card_holder(template_id, draft, form)
    return dict(draft)


# Form section that contains each card holder's NIK.
CARD_HOLDER_IN_FORM = {"ktp_el_card": "holder", "kia_card": "child"}


def _check_card_holder(
    template_id: str, draft: Mapping[str, Any], form: Mapping[str, Any]
) -> None:
    """A card must carry the NIK of the person whose papers were checked."""
    section = CARD_HOLDER_IN_FORM.get(template_id)
    if section is None:
        return
    holder = form.get(section)
    expected = holder.get("nik") if isinstance(holder, Mapping) else None
    if expected is not None and draft.get("nik") != expected:
        raise _invalid(
            [
                (
                    "draft.nik",
                    f"is {draft.get('nik')!r}, but the application and its papers "
                    f"are for NIK {expected!r}; keep the applicant's NIK",
                )
            ]
        )


def _birth_deed(
    draft: Mapping[str, Any], form: Mapping[str, Any], today: date
) -> dict[str, Any]:
    try:
        checked = BirthDeedDraft.model_validate(draft, context={"today": today})
    except ValidationError as error:
        problems = [
            (".".join(["draft", *map(str, item["loc"])]), item["msg"])
            for item in error.errors()
        ]
        raise _invalid(problems) from None
    if checked.father_name is not None and not form.get("father"):
        message = (
            f"is {checked.father_name!r}, but the application names no father, so "
            "neither his KTP-el nor a marriage proof was checked; remove "
            "father_name, or have the resident apply again with those papers"
        )
        raise _invalid([("draft.father_name", message)], rule=NO_FATHER_RULE)
    return checked.model_dump(mode="json")


def _check_keys(template_id: str, draft: Mapping[str, Any]) -> None:
    expected = DRAFT_KEYS[template_id]
    missing = sorted(expected - draft.keys())
    unexpected = sorted(draft.keys() - expected)
    if not missing and not unexpected:
        return
    problems = [
        (
            f"draft.{key}",
            f"missing; a {template_id} draft needs this key, so start from the "
            "draft template",
        )
        for key in missing
    ]
    problems += [
        (f"draft.{key}", f"unexpected; a {template_id} draft has no such key")
        for key in unexpected
    ]
    raise _invalid(
        problems, template=template_id, missing=missing, unexpected=unexpected
    )


def _invalid(problems: list[tuple[str, str]], **detail: Any) -> ValidationFailedError:
    summary = "; ".join(f"{field}: {message}" for field, message in problems)
    return ValidationFailedError(
        f"the draft is invalid: {summary}",
        problems=[{"field": field, "message": message} for field, message in problems],
        **detail,
    )


MAX_DEPTH = 5
MAX_ITEMS = 20
MAX_TEXT = 500
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,59}$")


def _check_shape(value: Any, path: str = "draft", depth: int = 0) -> None:
    """Reject drafts no document has: deep nesting, odd keys, huge values.

    The draft travels in events and is stored in the database, so a key like
    `$set` or a deeply nested value would break those, not only the document.
    """
    if depth > MAX_DEPTH:
        raise _invalid([(path, f"is nested deeper than {MAX_DEPTH} levels")])
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str) or not KEY_PATTERN.match(key):
                raise _invalid(
                    [(path, f"has key {key!r}; keys are lower-case field names")]
                )
            _check_shape(item, f"{path}.{key}", depth + 1)
    elif isinstance(value, list):
        if len(value) > MAX_ITEMS:
            raise _invalid([(path, f"has {len(value)} items, more than {MAX_ITEMS}")])
        for index, item in enumerate(value):
            _check_shape(item, f"{path}.{index}", depth + 1)
    elif isinstance(value, str) and len(value) > MAX_TEXT:
        raise _invalid([(path, f"is {len(value)} characters, more than {MAX_TEXT}")])
