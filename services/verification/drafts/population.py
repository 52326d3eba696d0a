"""Draft prefills of the population documents: KK, moving letter, KTP-el, KIA."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from services.verification.drafts.values import (
    PlaceNames,
    address,
    education,
    field,
    marital_status,
    moving_reason,
    person,
    relationship,
    religion,
)


def family_card(form: Mapping[str, Any], places: PlaceNames) -> dict[str, Any]:
    members = form.get("members") or []
    return {
        # MISSING for a new KK, whose form has no number.
        # NOTE: it is not settled which service numbers a new KK. The catalogue
        # draws family_card_number at signing, but the card takes this value.
        "kk_number": field(form, "kk_number"),
        "address": address(form.get("address"), places),
        "members": [_family_member(member) for member in members],
    }


def moving_letter(form: Mapping[str, Any], places: PlaceNames) -> dict[str, Any]:
    head = form.get("head")
    head_nik = field(head, "nik")
    # The letter lists the head of family once, apart from the members.
    moving = [
        person(member)
        for member in form.get("members_moving") or []
        if field(member, "nik") != head_nik
    ]
    return {
        "kk_number": form.get("kk_number"),
        "head_of_family": person(head),
        "members": moving,
        "origin": address(form.get("origin"), places),
        "destination": address(form.get("destination"), places),
        "reason": moving_reason(form.get("reason")),
        "moving_date": field(form, "moving_date"),
    }


def ktp_el_card(form: Mapping[str, Any], places: PlaceNames) -> dict[str, Any]:
    holder = form.get("holder")
    return {
        **_card_holder(holder, form, places),
        "religion": religion(field(holder, "religion")),
        "marital_status": marital_status(field(holder, "marital_status")),
        "occupation": field(holder, "occupation"),
        # Measured at the biometric recording, not asked on the form.
        "blood_type": None,
    }


def kia_card(form: Mapping[str, Any], places: PlaceNames) -> dict[str, Any]:
    return {
        **_card_holder(form.get("child"), form, places),
        "kk_number": field(form, "kk_number"),
        "head_of_family_name": field(form, "head_of_family"),
    }


def _card_holder(
    holder: Any, form: Mapping[str, Any], places: PlaceNames
) -> dict[str, Any]:
    return {
        "nik": field(holder, "nik"),
        "name": field(holder, "name"),
        "birth_place": field(holder, "birth_place"),
        "birth_date": field(holder, "birth_date"),
        "sex": field(holder, "sex"),
        "address": address(form.get("address"), places),
    }


def _family_member(member: Any) -> dict[str, Any]:
    if not isinstance(member, Mapping):
        member = {}
    return {
        "name": field(member, "name"),
        "nik": field(member, "nik"),
        "sex": field(member, "sex"),
        "birth_place": field(member, "birth_place"),
        "birth_date": field(member, "birth_date"),
        "religion": religion(member.get("religion")),
        "education": education(member.get("education")),
        "occupation": field(member, "occupation"),
        "relationship": relationship(member),
        "marital_status": marital_status(member.get("marital_status")),
        "father_name": member.get("father_name"),
        "mother_name": member.get("mother_name"),
    }
