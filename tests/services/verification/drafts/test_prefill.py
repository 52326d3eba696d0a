"""Prefilled drafts of every service against the signing service's content models."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from services.signing.documents import TEMPLATES, render_document
from services.verification.drafts import (
    DRAFT_KEYS,
    MISSING,
    PREFILLS,
    PlaceNames,
    UnknownTemplateError,
    prefill,
)
from shared.catalogue import load_configured_catalogue
from tests.services.signing.pdf_text import page_text
from tools.samples import application_form

CATALOGUE = load_configured_catalogue()
SERVICE_CODES = list(CATALOGUE.codes)
ISSUER_FIELDS = frozenset(
    {
        "register_number",
        "document_id",
        "issued_on",
        "issued_at",
        "regency_name",
        "office_name",
        "head_name",
        "verify_url",
    }
)
# Made-up issue facts, as the signing service fills them.
ISSUER: dict[str, Any] = {
    "register_number": "1217-XX-04122026-0001",
    "document_id": "DOC-UJI-0001",
    "issued_on": date.today().isoformat(),
    "issued_at": "Pangururan",
    "regency_name": "Kabupaten Samosir",
    "office_name": "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Samosir",
    "head_name": "Kepala Dinas Contoh",
    "verify_url": "https://dompak.example.id/v/DOC-UJI-0001",
}
# A number for a new family card, which its form cannot give.
NEW_KK_NUMBER = "1217080412260007"


def sample_form(service_code: str) -> dict[str, Any]:
    return application_form(service_code, seed=3)


def template_of(service_code: str) -> str:
    return CATALOGUE.service(service_code).template


def issued(template_id: str, draft: dict[str, Any]) -> dict[str, Any]:
    """Add the issue facts that the template's content model has to a draft."""
    fields = TEMPLATES[template_id].content_model.model_fields
    return {**draft, **{k: v for k, v in ISSUER.items() if k in fields}}


def filled(service_code: str, draft: dict[str, Any]) -> dict[str, Any]:
    """Fill in the number that the form of a new KK cannot give."""
    if service_code == "kk_new":
        return {**draft, "kk_number": NEW_KK_NUMBER}
    return draft


def test_prefills_cover_every_template() -> None:
    assert set(PREFILLS) == set(TEMPLATES)
    assert set(DRAFT_KEYS) == set(TEMPLATES)


@pytest.mark.parametrize("template_id", sorted(TEMPLATES))
def test_draft_keys_are_content_without_issuer(template_id: str) -> None:
    content_fields = set(TEMPLATES[template_id].content_model.model_fields)

    assert DRAFT_KEYS[template_id] == content_fields - ISSUER_FIELDS


@pytest.mark.parametrize("service_code", SERVICE_CODES)
def test_prefill_gives_template_keys(service_code: str, places: PlaceNames) -> None:
    template_id = template_of(service_code)

    draft = prefill(template_id, sample_form(service_code), places)

    assert set(draft) == DRAFT_KEYS[template_id]


@pytest.mark.parametrize("service_code", SERVICE_CODES)
def test_prefill_validates_as_content(service_code: str, places: PlaceNames) -> None:
    template_id = template_of(service_code)
    draft = filled(
        service_code, prefill(template_id, sample_form(service_code), places)
    )
    model = TEMPLATES[template_id].content_model

    content = model.model_validate(issued(template_id, draft))

    assert content.subject_name


@pytest.mark.parametrize("service_code", SERVICE_CODES)
def test_prefill_renders_subject(service_code: str, places: PlaceNames) -> None:
    template_id = template_of(service_code)
    draft = filled(
        service_code, prefill(template_id, sample_form(service_code), places)
    )
    content = issued(template_id, draft)
    subject = TEMPLATES[template_id].content_model.model_validate(content).subject_name

    pdf = render_document(template_id, content)

    text = page_text(pdf)
    assert pdf.startswith(b"%PDF-")
    # Deeds of a couple name them as "<husband> dan <wife>".
    for name in subject.split(" dan "):
        assert name in text, name


def test_prefill_new_family_card_number_missing(places: PlaceNames) -> None:
    draft = prefill("family_card", sample_form("kk_new"), places)

    assert draft["kk_number"] == MISSING


def test_prefill_family_card_maps_members(places: PlaceNames) -> None:
    form = sample_form("kk_change")

    draft = prefill("family_card", form, places)

    head, wife = draft["members"]
    assert draft["kk_number"] == form["kk_number"]
    assert head["relationship"] == "kepala_keluarga"
    assert wife["relationship"] == "istri"
    assert wife["religion"] == "kristen"
    assert wife["education"] == "slta"
    assert wife["marital_status"] == "kawin"
    assert wife["nik"] == form["members"][1]["nik"]


def test_prefill_address_region_of_regency(places: PlaceNames) -> None:
    draft = prefill("kia_card", sample_form("kia"), places)

    assert draft["address"] == {
        "street": "Jalan Contoh No. 1",
        "rt": "001",
        "rw": "002",
        "village": "Lumban SS Dolok",
        "district": "Pangururan",
        "regency": "Kabupaten Samosir",
        "province": "Sumatera Utara",
        "postal_code": None,
    }


def test_prefill_moving_letter_destination(places: PlaceNames) -> None:
    draft = prefill("moving_letter", sample_form("moving_letter"), places)

    destination = draft["destination"]
    assert destination["village"] == "Hutanamora"
    assert destination["district"] == "Balige"
    assert destination["regency"] == "Kabupaten Toba"
    assert destination["province"] == "Sumatera Utara"


def test_prefill_moving_letter_head_not_member(places: PlaceNames) -> None:
    form = sample_form("moving_letter")

    draft = prefill("moving_letter", form, places)

    assert draft["head_of_family"] == form["head"]
    assert draft["members"] == [form["members_moving"][1]]
    assert draft["reason"] == "pekerjaan"


def test_prefill_unknown_village_names_missing(places: PlaceNames) -> None:
    form = application_form("moving_letter", seed=3)
    # 12.12.01 is Balige, which has no village 2001 in the area data.
    form["destination"] = {**form["destination"], "village_code": "12.12.01.2001"}

    draft = prefill("moving_letter", form, places)

    destination = draft["destination"]
    assert destination["village"] == MISSING
    assert destination["district"] == "Balige"
    assert destination["regency"] == "Kabupaten Toba"


def test_prefill_birth_deed_without_father(places: PlaceNames) -> None:
    form = {**sample_form("birth_deed"), "father": None}

    draft = prefill("birth_deed", form, places)

    assert draft["father_name"] is None
    assert draft["mother_name"] == form["mother"]["name"]


def test_prefill_death_deed_reporter_applicant(places: PlaceNames) -> None:
    form = sample_form("death_deed")

    draft = prefill("death_deed", form, places)

    assert draft["reporter_name"] == form["applicant"]["name"]
    assert draft["cause"] == "sakit_biasa"
    assert "birth_place" not in draft["deceased"]


def test_prefill_divorce_deed_final_date(places: PlaceNames) -> None:
    form = sample_form("divorce_deed")

    draft = prefill("divorce_deed", form, places)

    assert draft["ruling_final_on"] == form["final_date"]


def test_prefill_missing_form_values_empty(places: PlaceNames) -> None:
    draft = prefill("marriage_deed", {"religion": "Kristen"}, places)

    assert draft["husband"] == {
        "name": MISSING,
        "nik": MISSING,
        "birth_place": MISSING,
        "birth_date": MISSING,
    }
    assert draft["religion"] == "kristen"
    assert draft["religious_leader"] == MISSING


def test_prefill_without_places_uses_configured_regency() -> None:
    draft = prefill("ktp_el_card", sample_form("ktp_el_new"))

    assert draft["address"]["regency"] == "Kabupaten Samosir"


def test_prefill_unknown_template_rejected(places: PlaceNames) -> None:
    with pytest.raises(UnknownTemplateError, match=r"'passport_book'.*birth_deed"):
        prefill("passport_book", {}, places)
