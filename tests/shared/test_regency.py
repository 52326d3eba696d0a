"""Regency settings and the shipped area data."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from shared.regency import (
    AREA_DATA_DIR,
    DEFAULT_REGENCY_PATH,
    AreaDataError,
    AreaIndex,
    Regency,
    RegencyError,
    VillageKind,
    configured_regency_path,
    default_area_index,
    dotted_village_code,
    load_regency,
    village_kind,
)

# Name, desa count and kelurahan count of each Samosir district.
SAMOSIR_DISTRICTS = {
    "12.17.01": ("Simanindo", 20, 1),
    "12.17.02": ("Onan Runggu", 12, 0),
    "12.17.03": ("Nainggolan", 13, 2),
    "12.17.04": ("Palipi", 17, 0),
    "12.17.05": ("Harian", 13, 0),
    "12.17.06": ("Sianjur Mula Mula", 12, 0),
    "12.17.07": ("Ronggur Nihuta", 8, 0),
    "12.17.08": ("Pangururan", 25, 3),
    "12.17.09": ("Sitio-tio", 8, 0),
}

SETTINGS = """
region_code = "12.17"
name = "Kabupaten Samosir"
office_name = "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Samosir"
place_of_issue = "Pangururan"
timezone = "Asia/Jakarta"

[head_of_office]
name = "Kepala Dinas (contoh)"
title = "Kepala Dinas"

[public_urls]
resident_portal = "http://127.0.0.1:8001"
document_verification = "http://127.0.0.1:8003/v"
"""


def write_settings(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "regency.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def samosir() -> Regency:
    return load_regency(DEFAULT_REGENCY_PATH)


def test_samosir_has_nine_districts(samosir: Regency) -> None:
    assert len(samosir.districts) == 9
    assert [d.code for d in samosir.districts] == list(SAMOSIR_DISTRICTS)


def test_samosir_has_134_villages(samosir: Regency) -> None:
    kinds = [village.kind for village in samosir.villages]
    assert len(kinds) == 134
    assert kinds.count(VillageKind.KELURAHAN) == 6
    assert kinds.count(VillageKind.DESA) == 128


@pytest.mark.parametrize(("code", "expected"), SAMOSIR_DISTRICTS.items())
def test_samosir_district_counts(
    samosir: Regency, code: str, expected: tuple[str, int, int]
) -> None:
    name, desa, kelurahan = expected
    district = samosir.district(code)
    assert district is not None
    kinds = [village.kind for village in district.villages]
    assert district.name == name
    assert kinds.count(VillageKind.DESA) == desa
    assert kinds.count(VillageKind.KELURAHAN) == kelurahan


def test_samosir_name_override_applies(samosir: Regency) -> None:
    district = samosir.district("12.17.06")
    assert district is not None
    assert district.name == "Sianjur Mula Mula"
    assert default_area_index().district_name("12.17.06") == "Sianjar Mula Mula"


def test_samosir_settings(samosir: Regency) -> None:
    assert samosir.region_code == "12.17"
    assert samosir.region_digits == "1217"
    assert samosir.province_name == "Sumatera Utara"
    assert samosir.place_of_issue == "Pangururan"


def test_regency_village_lookup(samosir: Regency) -> None:
    village = samosir.village("1217081026")
    assert village is not None
    assert village.name == "Pasar Pangururan"
    assert village.kind is VillageKind.KELURAHAN
    assert village.district_code == "12.17.08"
    assert samosir.village("12.17.08.1026") == village
    assert samosir.village("12.16.01.2001") is None


def test_regency_today_uses_timezone(samosir: Regency) -> None:
    before = datetime.now(ZoneInfo("Asia/Jakarta")).date()
    today = samosir.today()
    after = datetime.now(ZoneInfo("Asia/Jakarta")).date()
    assert today in (before, after)


def test_region_exists() -> None:
    area = default_area_index()
    assert area.region_exists("121708")
    assert not area.region_exists("129999")
    assert not area.region_exists("121710")


@pytest.mark.parametrize("code", ["12.17.08", "12170", "12170a", "1217081"])
def test_region_exists_rejects_malformed(code: str) -> None:
    with pytest.raises(ValueError, match="must be 6 digits"):
        default_area_index().region_exists(code)


def test_area_village_reads_quoted_names() -> None:
    area = default_area_index()
    comma = area.village("12.07.28.1007")
    quote = area.village("3513152017")
    assert comma is not None
    assert comma.name == "Lubuk Pakam I,II"
    assert quote is not None
    assert quote.name == 'Soka"an'


def test_area_village_unknown_is_none() -> None:
    assert default_area_index().village("12.17.08.2999") is None


def test_area_village_customary_kind() -> None:
    village = default_area_index().village("91.03.01.3007")
    assert village is not None
    assert village.kind is VillageKind.DESA_ADAT


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("12.17.08.1001", VillageKind.KELURAHAN),
        ("12.17.08.2001", VillageKind.DESA),
        ("91.03.01.3007", VillageKind.DESA_ADAT),
    ],
)
def test_village_kind_from_code(code: str, kind: VillageKind) -> None:
    assert village_kind(code) is kind


def test_village_kind_unknown_digit() -> None:
    with pytest.raises(AreaDataError, match=r"12\.17\.08\.4001"):
        village_kind("12.17.08.4001")


@pytest.mark.parametrize("code", ["12.17.8.2001", "121708200", "12-17-08-2001"])
def test_dotted_village_code_rejects(code: str) -> None:
    with pytest.raises(ValueError, match="must look like"):
        dotted_village_code(code)


def test_area_index_checks_header(tmp_path: Path) -> None:
    (tmp_path / "districts.csv").write_text("kode,nama\n12.17.01,Simanindo\n")
    with pytest.raises(AreaDataError, match="columns are kode, nama"):
        AreaIndex(tmp_path).region_exists("121701")


def test_area_index_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AreaDataError, match=r"districts\.csv: file not found"):
        AreaIndex(tmp_path).district_name("12.17.01")


def test_area_data_ships_licence() -> None:
    licence = (AREA_DATA_DIR / "LICENSE.md").read_text(encoding="utf-8")
    assert "Open Database License" in licence
    assert "ODbL" in (AREA_DATA_DIR / "README.md").read_text(encoding="utf-8")


def test_load_regency_other_regency(tmp_path: Path) -> None:
    text = SETTINGS.replace('"12.17"', '"12.16"').replace(
        "Kabupaten Samosir", "Kabupaten Humbang Hasundutan"
    )
    regency = load_regency(write_settings(tmp_path, text))
    assert len(regency.districts) == 10
    assert len(regency.villages) == 154
    assert all(v.code.startswith("12.16.") for v in regency.villages)


def test_load_regency_unknown_region(tmp_path: Path) -> None:
    path = write_settings(tmp_path, SETTINGS.replace('"12.17"', '"12.99"'))
    with pytest.raises(RegencyError, match=r"region_code: '12\.99' is no regency"):
        load_regency(path)


def test_load_regency_unknown_override(tmp_path: Path) -> None:
    text = SETTINGS + '\n[name_overrides]\n"12.16.01" = "Elsewhere"\n'
    with pytest.raises(RegencyError, match=r"name_overrides\.12\.16\.01: "):
        load_regency(write_settings(tmp_path, text))


def test_load_regency_village_override(tmp_path: Path) -> None:
    text = SETTINGS + '\n[name_overrides]\n"12.17.08.2001" = "Lumban Suhi-suhi"\n'
    regency = load_regency(write_settings(tmp_path, text))
    village = regency.village("12.17.08.2001")
    assert village is not None
    assert village.name == "Lumban Suhi-suhi"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('"Asia/Jakarta"', '"WIB"', "timezone: unknown time zone 'WIB'"),
        ('"12.17"', '"1217"', "region_code: "),
        ('place_of_issue = "Pangururan"\n', "", "place_of_issue: missing"),
        ('"http://127.0.0.1:8001"', '"127.0.0.1:8001"', "public_urls.resident_portal"),
        ('title = "Kepala Dinas"', 'titel = "x"', "head_of_office.titel: unknown"),
    ],
)
def test_load_regency_names_broken_field(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    path = write_settings(tmp_path, SETTINGS.replace(old, new, 1))
    with pytest.raises(RegencyError) as caught:
        load_regency(path)
    assert f"{path}: {expected}" in str(caught.value)


def test_load_regency_missing_file(tmp_path: Path) -> None:
    with pytest.raises(RegencyError, match="file not found; set DOMPAK_REGENCY"):
        load_regency(tmp_path / "absent.toml")


def test_configured_regency_path_reads_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DOMPAK_REGENCY", str(tmp_path / "regency.toml"))
    assert configured_regency_path() == tmp_path / "regency.toml"
    monkeypatch.delenv("DOMPAK_REGENCY")
    assert configured_regency_path() == DEFAULT_REGENCY_PATH
