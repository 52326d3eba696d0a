from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.signing.documents import render_document
from services.signing.documents.cards import KiaCardContent
from tests.services.signing.documents.samples import changed
from tests.services.signing.pdf_text import page_size, page_text


@pytest.mark.parametrize("template_id", ["ktp_el_card", "kia_card"])
def test_render_card_is_cr80(template_id: str) -> None:
    pdf = render_document(template_id, changed(template_id))

    # ISO/IEC 7810 ID-1: 85.6 mm x 54 mm.
    assert page_size(pdf) == pytest.approx((242.65, 153.07), abs=0.01)


def test_render_ktp_el_card_prints_holder() -> None:
    text = page_text(render_document("ktp_el_card", changed("ktp_el_card")))

    assert text == (
        "PROVINSI SUMATERA UTARA KABUPATEN SAMOSIR NIK : 1217081403850001 "
        "Nama : Sahat Sitanggang Tempat/Tgl Lahir : Pangururan, 14-03-1985 "
        "Jenis Kelamin : Laki-laki Gol. Darah : O "
        "Alamat : Jalan Dr. Hadrianus Sinaga No. 12 RT/RW : 003/002 "
        "Kel/Desa : Siogung Ogung Kecamatan : Pangururan Agama : Kristen "
        "Status Perkawinan : Kawin Pekerjaan : Petani/pekebun "
        "Kewarganegaraan : WNI Berlaku Hingga : SEUMUR HIDUP "
        "FOTO Pangururan 04-12-2026"
    )


def test_render_ktp_el_card_without_blood_type() -> None:
    content = changed("ktp_el_card", blood_type=None)

    text = page_text(render_document("ktp_el_card", content))

    assert "Gol. Darah : - Alamat" in text


@pytest.mark.parametrize(
    ("birth_date", "marital_status"),
    [("2009-12-04", "belum_kawin"), ("2010-06-01", "kawin")],
)
def test_ktp_el_card_content_accepts_adult_or_married(
    birth_date: str, marital_status: str
) -> None:
    content = changed(
        "ktp_el_card", birth_date=birth_date, marital_status=marital_status
    )

    assert "SEUMUR HIDUP" in page_text(render_document("ktp_el_card", content))


def test_ktp_el_card_content_rejects_unmarried_minor() -> None:
    content = changed(
        "ktp_el_card", birth_date="2009-12-05", marital_status="belum_kawin"
    )

    with pytest.raises(ValidationError, match="the holder is 16 on issued_on"):
        render_document("ktp_el_card", content)


def test_ktp_el_card_content_has_no_verify_url() -> None:
    content = changed("ktp_el_card", verify_url="https://dompak.example.id/v/1")

    with pytest.raises(ValidationError) as raised:
        render_document("ktp_el_card", content)

    assert raised.value.errors()[0]["loc"] == ("verify_url",)


def test_render_kia_card_prints_child() -> None:
    text = page_text(render_document("kia_card", changed("kia_card")))

    assert text == (
        "KARTU IDENTITAS ANAK PROVINSI SUMATERA UTARA KABUPATEN SAMOSIR "
        "NIK : 1217084302140001 Nama : Dœrtë Sitanggang "
        "Tempat/Tgl Lahir : Pangururan, 03-02-2014 Jenis Kelamin : Perempuan "
        "No. KK : 1217080412260001 Nama Kepala Keluarga : Sahat Sitanggang "
        "Alamat : Jalan Dr. Hadrianus Sinaga No. 12, RT/RW 003/002, "
        "Siogung Ogung, Pangururan Pangururan, 04-12-2026 Kepala Dinas "
        "Kependudukan dan Pencatatan Sipil Kabupaten Samosir Tiurma Simbolon FOTO"
    )


@pytest.mark.parametrize(
    ("birth_date", "has_photo"),
    [
        ("2021-12-04", True),
        ("2021-12-05", False),
        ("2026-12-04", False),
        ("2009-12-05", True),
    ],
)
def test_render_kia_card_photo_box_from_age_five(
    birth_date: str, has_photo: bool
) -> None:
    content = changed("kia_card", birth_date=birth_date)

    text = page_text(render_document("kia_card", content))

    assert KiaCardContent.model_validate(content).has_photo is has_photo
    assert ("FOTO" in text) is has_photo


def test_kia_card_content_rejects_child_of_seventeen() -> None:
    content = changed("kia_card", birth_date="2009-12-04")

    with pytest.raises(ValidationError, match="the child is 17 on issued_on"):
        render_document("kia_card", content)


def test_kia_card_content_rejects_birth_after_issue() -> None:
    content = changed("kia_card", birth_date="2026-12-05")

    with pytest.raises(ValidationError, match="issued_on 2026-12-04 is before"):
        render_document("kia_card", content)
