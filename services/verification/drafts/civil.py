"""Draft prefills of the civil-registry deeds: birth, marriage, divorce, death."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from services.verification.drafts.values import (
    PlaceNames,
    death_cause,
    field,
    person,
    religion,
)


def birth_deed(form: Mapping[str, Any], places: PlaceNames) -> dict[str, Any]:
    father = form.get("father")
    return {
        "child_name": field(form, "child", "name"),
        "child_sex": field(form, "child", "sex"),
        "birth_date": field(form, "child", "birth_date"),
        "birth_place": field(form, "child", "birth_place"),
        "birth_order": field(form, "child", "birth_order"),
        # No father on the form means no father's papers were checked.
        "father_name": field(father, "name") if father else None,
        "mother_name": field(form, "mother", "name"),
    }


def marriage_deed(form: Mapping[str, Any], places: PlaceNames) -> dict[str, Any]:
    return {
        "husband": _born_person(form.get("husband")),
        "wife": _born_person(form.get("wife")),
        "marriage_date": field(form, "marriage_date"),
        "marriage_place": field(form, "marriage_place"),
        "religion": religion(form.get("religion")),
        "religious_leader": field(form, "religious_leader"),
    }


def divorce_deed(form: Mapping[str, Any], places: PlaceNames) -> dict[str, Any]:
    return {
        "former_husband": person(form.get("former_husband")),
        "former_wife": person(form.get("former_wife")),
        "court": field(form, "court"),
        "ruling_number": field(form, "ruling_number"),
        "ruling_date": field(form, "ruling_date"),
        "ruling_final_on": field(form, "final_date"),
    }


def death_deed(form: Mapping[str, Any], places: PlaceNames) -> dict[str, Any]:
    deceased = form.get("deceased")
    return {
        "deceased": {
            **person(deceased),
            "sex": field(deceased, "sex"),
            "birth_date": field(deceased, "birth_date"),
        },
        "death_date": field(form, "death_date"),
        "death_place": field(form, "death_place"),
        "cause": death_cause(form.get("cause")),
        # The applicant is the one who reports the death.
        "reporter_name": field(form, "applicant", "name"),
    }


def _born_person(data: Any) -> dict[str, Any]:
    return {
        **person(data),
        "birth_place": field(data, "birth_place"),
        "birth_date": field(data, "birth_date"),
    }
