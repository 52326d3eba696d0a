from __future__ import annotations

from typing import Any

import pytest

from services.verification.drafts import MISSING, PlaceNames
from services.verification.drafts.values import (
    RELIGIONS,
    death_cause,
    education,
    field,
    marital_status,
    moving_reason,
    relationship,
    religion,
)


@pytest.mark.parametrize(
    ("form_value", "code"),
    [
        ("Islam", "islam"),
        ("Kristen", "kristen"),
        ("Katolik", "katolik"),
        ("Hindu", "hindu"),
        ("Buddha", "buddha"),
        ("Khonghucu", "khonghucu"),
        ("Kepercayaan terhadap Tuhan YME", "kepercayaan"),
    ],
)
def test_religion_form_value_mapped(form_value: str, code: str) -> None:
    assert religion(form_value) == code


@pytest.mark.parametrize("value", ["kristen", "Protestan", None, 3])
def test_religion_unknown_missing(value: Any) -> None:
    assert religion(value) == MISSING


def test_religions_cover_form_values() -> None:
    assert len(RELIGIONS) == 7


@pytest.mark.parametrize(
    ("member", "code"),
    [
        ({"relationship": "kepala_keluarga", "sex": "L"}, "kepala_keluarga"),
        ({"relationship": "istri_suami", "sex": "P"}, "istri"),
        ({"relationship": "istri_suami", "sex": "L"}, "suami"),
        ({"relationship": "anak", "sex": "P"}, "anak"),
        ({"relationship": "orang_tua", "sex": "L"}, "orang_tua"),
        ({"relationship": "famili_lain", "sex": "L"}, "famili_lain"),
        ({"relationship": "tetangga", "sex": "L"}, MISSING),
        ({"sex": "L"}, MISSING),
    ],
    ids=["head", "wife", "husband", "child", "parent", "relative", "unknown", "absent"],
)
def test_relationship_mapped(member: dict[str, Any], code: str) -> None:
    assert relationship(member) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Tidak/belum sekolah", "tidak_sekolah"),
        ("Belum tamat SD/sederajat", "belum_tamat_sd"),
        ("Tamat SD/sederajat", "sd"),
        ("SLTP/sederajat", "sltp"),
        ("SMP", "sltp"),
        ("SLTA/sederajat", "slta"),
        ("  sma ", "slta"),
        ("SMK", "slta"),
        ("Diploma I/II", "diploma_1_2"),
        ("Akademi/Diploma III/Sarjana muda", "diploma_3"),
        ("D3", "diploma_3"),
        ("Diploma IV/Strata I", "diploma_4_s1"),
        ("S1", "diploma_4_s1"),
        ("Strata II", "s2"),
        ("S3", "s3"),
        ("diploma_4_s1", "diploma_4_s1"),
    ],
)
def test_education_wording_mapped(text: str, code: str) -> None:
    assert education(text) == code


@pytest.mark.parametrize("text", ["Pesantren", "SD kelas 3", "", None])
def test_education_unknown_missing(text: Any) -> None:
    assert education(text) == MISSING


@pytest.mark.parametrize(
    "status", ["belum_kawin", "kawin", "cerai_hidup", "cerai_mati"]
)
def test_marital_status_kept(status: str) -> None:
    assert marital_status(status) == status


def test_marital_status_unknown_missing() -> None:
    assert marital_status("Kawin") == MISSING


@pytest.mark.parametrize(
    ("text", "cause"),
    [
        ("Sakit", "sakit_biasa"),
        ("Sakit jantung", "sakit_biasa"),
        ("Usia tua", "sakit_biasa"),
        ("Kecelakaan lalu lintas", "kecelakaan"),
        ("Wabah demam berdarah", "wabah"),
        ("Korban pembunuhan", "kriminalitas"),
        ("Bunuh diri karena sakit", "bunuh_diri"),
        ("Tenggelam", MISSING),
        (None, None),
        ("", None),
    ],
)
def test_death_cause_mapped(text: str | None, cause: str | None) -> None:
    assert death_cause(text) == cause


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Pekerjaan", "pekerjaan"),
        ("Pindah kerja ke Medan", "pekerjaan"),
        ("Melanjutkan kuliah", "pendidikan"),
        ("Berobat ke rumah sakit", "kesehatan"),
        ("Membeli rumah", "perumahan"),
        ("Ikut keluarga", "keluarga"),
        ("keamanan", "keamanan"),
        ("Alasan pribadi", MISSING),
    ],
)
def test_moving_reason_mapped(text: str, reason: str) -> None:
    assert moving_reason(text) == reason


def test_field_follows_path() -> None:
    form = {"child": {"name": "Tiur Sitanggang"}, "father": None}

    assert field(form, "child", "name") == "Tiur Sitanggang"
    assert field(form, "child", "sex") == MISSING
    assert field(form, "father", "name") == MISSING
    assert field(None, "name") == MISSING


def test_region_of_renamed_district(places: PlaceNames) -> None:
    # The regency settings correct the area data's "Sianjar Mula Mula".
    region = places.region("12.17.06.2001")

    assert region["district"] == "Sianjur Mula Mula"
    assert region["regency"] == "Kabupaten Samosir"


def test_region_accepts_undotted_code(places: PlaceNames) -> None:
    assert places.region("1217082001")["village"] == "Lumban SS Dolok"


@pytest.mark.parametrize("code", ["12.17", "", None, "99.99.99.9999"])
def test_region_unknown_code_missing(places: PlaceNames, code: Any) -> None:
    region = places.region(code)

    assert region == dict.fromkeys(("village", "district", "regency", "province"), "")
