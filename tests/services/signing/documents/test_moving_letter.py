from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from services.signing.documents import render_document
from services.signing.documents.moving_letter import FONT_SIZES
from tests.services.signing.documents.samples import NEW_ADDRESS, changed
from tests.services.signing.pdf_text import font_sizes, page_text


def _members(count: int) -> list[dict[str, Any]]:
    return [
        {
            "name": f"Anggota Keluarga Sitanggang {index}",
            "nik": f"12170852079{index:05d}",
        }
        for index in range(1, count + 1)
    ]


def test_render_moving_letter_prints_move() -> None:
    text = page_text(render_document("moving_letter", changed("moving_letter")))

    expected = [
        "SURAT KETERANGAN PINDAH WNI Nomor: 1217-PD-04122026-0001",
        "Nomor KK asal : 1217080412260001",
        "Nama kepala keluarga : Sahat Sitanggang",
        "NIK kepala keluarga : 1217081403850001",
        "Alasan pindah : Pekerjaan",
        "Tanggal pindah : 20 Desember 2026",
        "Jumlah yang pindah : 3 orang",
        "Alamat Jalan Dr. Hadrianus Sinaga No. 12 Jalan Sisingamangaraja No. 45",
        "RT/RW 003/002 011/004",
        "Desa/kelurahan Siogung Ogung Pasar Merah Barat",
        "Kecamatan Pangururan Medan Kota",
        "Kabupaten/kota Kabupaten Samosir Kota Medan",
        "Provinsi Sumatera Utara Sumatera Utara",
        "Kode pos 22392 -",
        "KELUARGA YANG PINDAH No NIK Nama 1 1217081403850001 Sahat Sitanggang "
        "2 1217085207900002 Maria Lumbantoruan 3 1217086011120001 Rüth Sitanggang",
        "Dikeluarkan di Pangururan, pada tanggal 4 Desember 2026",
    ]
    for phrase in expected:
        assert phrase in text, phrase


def test_render_moving_letter_head_moving_alone() -> None:
    content = changed("moving_letter", members=[], kk_number=None)

    text = page_text(render_document("moving_letter", content))

    assert "Jumlah yang pindah : 1 orang" in text
    assert "Nomor KK asal" not in text
    assert text.endswith("No NIK Nama 1 1217081403850001 Sahat Sitanggang")


def test_render_moving_letter_ten_people_legible() -> None:
    content = changed("moving_letter", members=_members(9))

    pdf = render_document("moving_letter", content)

    assert "10 1217085207900009 Anggota Keluarga Sitanggang 9" in page_text(pdf)
    assert min(font_sizes(pdf)["DejaVuSans"]) >= 8
    assert max(FONT_SIZES) == 10


def test_moving_letter_content_rejects_eleven_people() -> None:
    content = changed("moving_letter", members=_members(10))

    with pytest.raises(ValidationError) as raised:
        render_document("moving_letter", content)

    assert raised.value.errors()[0]["loc"] == ("members",)


def test_moving_letter_content_rejects_same_address() -> None:
    content = changed("moving_letter", destination=changed("moving_letter")["origin"])

    with pytest.raises(ValidationError, match="destination is the same address"):
        render_document("moving_letter", content)


def test_moving_letter_content_rejects_head_listed_twice() -> None:
    head = changed("moving_letter")["head_of_family"]
    content = changed("moving_letter", members=[head])

    with pytest.raises(ValidationError, match="NIK 1217081403850001 is given for both"):
        render_document("moving_letter", content)


@pytest.mark.parametrize("field", ["street", "rt", "rw", "village", "province"])
def test_moving_letter_content_needs_full_destination(field: str) -> None:
    destination = {key: value for key, value in NEW_ADDRESS.items() if key != field}

    with pytest.raises(ValidationError) as raised:
        render_document(
            "moving_letter", changed("moving_letter", destination=destination)
        )

    assert raised.value.errors()[0]["loc"] == ("destination", field)
