from __future__ import annotations

import pytest

from services.intake.forms import FORMS
from tools.samples import application_form

POPULATION_FORMS = [
    "kk_new",
    "kk_change",
    "ktp_el_new",
    "ktp_el_reissue",
    "moving_letter",
    "kia",
]


def _key(form_id: str, seed: int = 1) -> str:
    return FORMS[form_id].model_validate(application_form(form_id, seed)).subject_key()


def test_new_family_card_subject_key() -> None:
    data = application_form("kk_new")

    assert _key("kk_new") == f"{data['members'][0]['nik']}:marriage"


def test_family_card_change_subject_key() -> None:
    data = application_form("kk_change")

    assert _key("kk_change") == f"{data['kk_number']}:data_change"


@pytest.mark.parametrize("form_id", ["ktp_el_new", "ktp_el_reissue"])
def test_id_card_subject_key_is_holder_nik(form_id: str) -> None:
    assert _key(form_id) == application_form(form_id)["holder"]["nik"]


def test_moving_letter_subject_key_names_card_and_date() -> None:
    data = application_form("moving_letter")

    assert _key("moving_letter") == f"{data['kk_number']}:{data['moving_date']}"


def test_child_id_card_subject_key_is_child_nik() -> None:
    assert _key("kia") == application_form("kia")["child"]["nik"]


@pytest.mark.parametrize("form_id", POPULATION_FORMS)
def test_population_subject_key_stable(form_id: str) -> None:
    assert _key(form_id, seed=4) == _key(form_id, seed=4)


@pytest.mark.parametrize("form_id", POPULATION_FORMS)
def test_population_subject_key_differs_per_person(form_id: str) -> None:
    assert _key(form_id, seed=4) != _key(form_id, seed=5)


@pytest.mark.parametrize(
    ("form_id", "reusable"),
    [
        ("kk_new", True),
        ("kk_change", True),
        ("ktp_el_new", False),
        ("ktp_el_reissue", True),
        ("moving_letter", False),
        ("kia", True),
    ],
)
def test_population_subject_reuse_after_completion(
    form_id: str, reusable: bool
) -> None:
    assert FORMS[form_id].subject_reusable_after_completion is reusable
