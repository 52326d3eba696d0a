"""A table of valid and invalid applications for each of the ten services."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from services.intake.forms import FORMS
from services.intake.forms.fields import RegencyAreas
from shared.catalogue import load_catalogue, missing_uploads
from shared.regency import default_area_index, load_regency
from shared.settings import REPOSITORY
from tools.samples import application_form

CATALOGUE = load_catalogue(REPOSITORY / "config" / "catalogue.toml")
REGENCY = load_regency(REPOSITORY / "config" / "regency.toml")
CONTEXT = {
    "areas": RegencyAreas(REGENCY, default_area_index()),
    "today": date.today(),
}
TODAY = date.today()


def validate(service_code: str, form: dict[str, Any]) -> Any:
    return FORMS[service_code].model_validate(form, context=CONTEXT)


def error_text(service_code: str, form: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as caught:
        validate(service_code, form)
    return "\n".join(
        f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
        for e in caught.value.errors()
    )


@pytest.mark.parametrize("service_code", sorted(FORMS))
def test_sample_form_valid(service_code: str) -> None:
    form = validate(service_code, application_form(service_code, seed=5))
    assert form.applicant.nik


Change = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Change:
    def change(form: dict[str, Any]) -> None:
        target: Any = form
        parts = path.split(".")
        for part in parts[:-1]:
            target = target[int(part)] if part.isdigit() else target[part]
        target[parts[-1]] = value

    return change


def _days(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


# service, case -> (change, text the error must contain)
INVALID: dict[tuple[str, str], tuple[Change, str]] = {
    ("kk_new", "two_heads"): (
        _set("members.1.relationship", "kepala_keluarga"),
        "2 heads of family",
    ),
    ("kk_new", "unknown_village"): (
        _set("address.village_code", "12.17.08.2999"),
        "not in this regency",
    ),
    ("kk_new", "unknown_reason"): (_set("reason", "holiday"), "reason"),
    ("kk_change", "change_without_description"): (
        _set("change_description", None),
        "change_description",
    ),
    ("kk_change", "kk_future_date"): (
        _set("kk_number", f"121708{TODAY + timedelta(days=40):%d%m%y}0001"),
        "in the future",
    ),
    ("kk_change", "kk_bad_region"): (
        _set("kk_number", "9999990306190001"),
        "no district of Indonesia",
    ),
    ("ktp_el_new", "too_young_unmarried"): (
        _set("holder.birth_date", f"{TODAY.year - 15}-01-01"),
        "from age 17",
    ),
    ("ktp_el_new", "preferred_date_past"): (
        _set("preferred_date", _days(-3)),
        "in the past",
    ),
    ("ktp_el_reissue", "sex_mismatch"): (_set("holder.sex", "L"), "does not match"),
    ("ktp_el_reissue", "unknown_reason"): (_set("reason", "bored"), "reason"),
    ("birth_deed", "future_birth"): (_set("child.birth_date", _days(2)), "future"),
    ("birth_deed", "male_mother"): (
        _set("mother.nik", "1217081203900004"),
        "man's NIK",
    ),
    ("marriage_deed", "muslim"): (_set("religion", "Islam"), "KUA"),
    ("marriage_deed", "one_witness"): (
        lambda form: form["witnesses"].pop(),
        "witnesses",
    ),
    ("marriage_deed", "future_marriage"): (_set("marriage_date", _days(5)), "future"),
    ("divorce_deed", "final_before_ruling"): (
        _set("final_date", _days(-60)),
        "before ruling_date",
    ),
    ("divorce_deed", "future_ruling"): (_set("ruling_date", _days(3)), "future"),
    ("death_deed", "death_before_birth"): (
        _set("death_date", "1930-01-01"),
        "before the birth date",
    ),
    ("death_deed", "future_death"): (_set("death_date", _days(1)), "future"),
    ("moving_letter", "same_village"): (
        _set("destination.village_code", "12.17.08.2001"),
        "same village",
    ),
    ("moving_letter", "unknown_destination"): (
        _set("destination.village_code", "12.12.01.2999"),
        "does not exist",
    ),
    ("ktp_el_new", "preferred_date_far"): (
        _set("preferred_date", _days(200)),
        "90 days ahead",
    ),
    ("moving_letter", "moving_date_far"): (
        _set("moving_date", "9999-12-31"),
        "365 days",
    ),
    ("kia", "too_old"): (_set("child.birth_date", "2000-01-01"), "under 17"),
    ("kia", "bad_nik"): (_set("child.nik", "12170812"), "16 digits"),
}


@pytest.mark.parametrize(
    ("service_code", "case"),
    sorted(INVALID),
    ids=[f"{s}-{c}" for s, c in sorted(INVALID)],
)
def test_invalid_form_names_its_error(service_code: str, case: str) -> None:
    change, expected = INVALID[(service_code, case)]
    form = copy.deepcopy(application_form(service_code, seed=5))
    change(form)

    message = error_text(service_code, form)

    assert expected in message


def test_divorce_late_report_flagged_not_rejected() -> None:
    form = application_form("divorce_deed", seed=5)
    form["ruling_date"] = _days(-200)
    form["final_date"] = _days(-100)

    late = validate("divorce_deed", form).late_report(TODAY, 60)

    assert late is not None
    assert "100 days" in late
    assert "60 days" in late


def test_death_late_report_flagged_not_rejected() -> None:
    form = application_form("death_deed", seed=5)
    form["death_date"] = _days(-45)

    late = validate("death_deed", form).late_report(TODAY, 30)

    assert late is not None
    assert "45 days" in late


def test_death_on_time_not_flagged() -> None:
    form = application_form("death_deed", seed=5)

    assert validate("death_deed", form).late_report(TODAY, 30) is None


def test_no_deadline_no_flag() -> None:
    form = application_form("birth_deed", seed=5)
    form["child"]["birth_date"] = "2001-01-01"

    assert validate("birth_deed", form).late_report(TODAY, None) is None


def test_deadline_from_catalogue_applies_to_birth() -> None:
    form = application_form("birth_deed", seed=5)
    form["child"]["birth_date"] = "2001-01-01"

    late = validate("birth_deed", form).late_report(TODAY, 60)

    assert late is not None
    assert "2001-01-01" in late


def _papers(service_code: str, form: dict[str, Any], uploaded: set[str]) -> list[str]:
    entry = CATALOGUE.service(service_code)
    return [r.code for r in missing_uploads(entry, form, uploaded, today=TODAY)]


def test_lost_card_needs_police_report() -> None:
    form = application_form("ktp_el_reissue", seed=5)
    form["reason"] = "lost"

    missing = _papers("ktp_el_reissue", form, {"family_card"})

    assert any("police" in code for code in missing)


def test_damaged_card_needs_card_photo_not_police_report() -> None:
    form = application_form("ktp_el_reissue", seed=5)
    form["reason"] = "damaged"

    missing = _papers("ktp_el_reissue", form, set())

    assert not any("police" in code for code in missing)
    assert any("damaged" in code for code in missing)


def test_kia_photo_only_from_age_five() -> None:
    older = application_form("kia", seed=5)
    younger = copy.deepcopy(older)
    younger["child"]["birth_date"] = f"{TODAY.year - 3}-01-01"

    assert any("photo" in code for code in _papers("kia", older, set()))
    assert not any("photo" in code for code in _papers("kia", younger, set()))


def test_birth_marriage_proof_satisfied_by_either_alternative() -> None:
    form = application_form("birth_deed", seed=5)
    base = {
        "birth_letter",
        "family_card",
        "mother_id_card",
        "father_id_card",
        "form_f201",
    }

    with_book = _papers("birth_deed", form, base | {"marriage_book"})
    with_deed = _papers("birth_deed", form, base | {"marriage_deed"})
    without = _papers("birth_deed", form, base)

    assert with_book == []
    assert with_deed == []
    assert without == ["marriage_proof"]


def test_form_schema_carries_identifier_patterns() -> None:
    schema = FORMS["kia"].model_json_schema()

    nik = schema["$defs"]["Person"]["properties"]["nik"]
    kk_number = schema["properties"]["kk_number"]
    village = schema["$defs"]["Address"]["properties"]["village_code"]

    assert nik["pattern"] == "^[0-9]{16}$"
    assert kk_number["pattern"] == "^[0-9]{16}$"
    assert village["pattern"].startswith("^[0-9]{2}")
