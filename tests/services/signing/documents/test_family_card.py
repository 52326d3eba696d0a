from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from services.signing.documents import render_document
from services.signing.documents.family_card import (
    MAX_MEMBERS,
    TABLE_FONT_SIZES,
    FamilyCardContent,
)
from tests.services.signing.documents.samples import FAMILY, changed, family_member
from tests.services.signing.pdf_text import font_sizes, page_size, page_text


def _family(size: int, **changes: Any) -> dict[str, Any]:
    members = [family_member(index) for index in range(size)]
    return changed("family_card", members=members, **changes)


def test_render_family_card_is_landscape() -> None:
    pdf = render_document("family_card", _family(4))

    assert page_size(pdf) == pytest.approx((841.89, 595.28), abs=0.01)


def test_render_family_card_ten_members_full_size() -> None:
    pdf = render_document("family_card", _family(MAX_MEMBERS))

    text = page_text(pdf)
    sizes = font_sizes(pdf)

    for number, (name, *_) in enumerate(FAMILY, 1):
        assert f"{number} {name} " in text, name
    assert sizes["DejaVuSansCondensed"] == {8.5, max(TABLE_FONT_SIZES)}


def test_render_family_card_prints_member_row() -> None:
    text = page_text(render_document("family_card", _family(3)))

    assert (
        "3 Rüth Sitanggang 1217080203850003 P Pangururan 20-11-2012 Kristen "
        "Tamat SD/sederajat Pelajar/mahasiswa Belum kawin Anak "
        "Ompu Sahat Sitanggang Rosmawati br. Naibaho"
    ) in text


def test_render_family_card_prints_header_and_address() -> None:
    text = page_text(render_document("family_card", _family(1)))

    expected = [
        "KARTU KELUARGA No. 1217080412260001",
        "Nama kepala keluarga : Sahat Sitanggang",
        "Alamat : Jalan Dr. Hadrianus Sinaga No. 12",
        "RT/RW : 003/002",
        "Kode pos : 22392",
        "Desa/kelurahan : Siogung Ogung",
        "Kecamatan : Pangururan",
        "Kabupaten/kota : Kabupaten Samosir",
        "Provinsi : Sumatera Utara",
        "Nomor register: 1217-KK-04122026-0001",
    ]
    for phrase in expected:
        assert phrase in text, phrase


def test_render_family_card_without_parents_and_postal_code() -> None:
    content = _family(1, address__postal_code=None)
    content["members"][0].update(father_name=None, mother_name=None)

    text = page_text(render_document("family_card", content))

    assert "Kode pos : -" in text
    assert "Petani/pekebun Kawin Kepala keluarga - -" in text


def test_family_card_content_rejects_eleven_members() -> None:
    members = [family_member(index % 10) for index in range(11)]
    for index, member in enumerate(members):
        member["nik"] = f"12170800038500{index:02d}"

    with pytest.raises(ValidationError) as raised:
        render_document("family_card", changed("family_card", members=members))

    [error] = raised.value.errors()
    assert error["loc"] == ("members",)
    assert error["type"] == "too_long"


def test_family_card_content_rejects_no_members() -> None:
    with pytest.raises(ValidationError) as raised:
        render_document("family_card", changed("family_card", members=[]))

    assert raised.value.errors()[0]["type"] == "too_short"


@pytest.mark.parametrize(
    ("first", "second", "heads"),
    [("suami", "istri", 0), ("kepala_keluarga", "kepala_keluarga", 2)],
)
def test_family_card_content_needs_one_head(
    first: str, second: str, heads: int
) -> None:
    content = _family(
        3, members__0__relationship=first, members__1__relationship=second
    )

    with pytest.raises(ValidationError, match=f"members has {heads} heads of family"):
        render_document("family_card", content)


def test_family_card_content_rejects_shared_nik() -> None:
    content = _family(3, members__2__nik=family_member(0)["nik"])

    with pytest.raises(ValidationError, match="is given for both 'Sahat Sitanggang'"):
        render_document("family_card", content)


def test_family_card_content_rejects_birth_after_issue() -> None:
    content = _family(3, members__2__birth_date="2026-12-05")

    with pytest.raises(
        ValidationError,
        match=r"issued_on 2026-12-04 is before members\[2\]\.birth_date",
    ):
        render_document("family_card", content)


def test_family_card_content_head_of_family() -> None:
    content = FamilyCardContent.model_validate(_family(4))

    assert content.head_of_family.name == "Sahat Sitanggang"
    assert content.address.rt == "003"
