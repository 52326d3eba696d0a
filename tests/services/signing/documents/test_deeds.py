from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from services.signing.documents import render_document
from services.signing.documents.common import Sex
from services.signing.documents.deeds import (
    BirthDeedContent,
    DeathDeedContent,
    render_birth_deed,
    render_death_deed,
)
from tests.services.signing.documents.samples import LONG_ISSUER, LONG_NAME, changed
from tests.services.signing.pdf_text import page_size, page_text


def _birth(**changes: Any) -> BirthDeedContent:
    fields: dict[str, Any] = {
        "child_name": "Rüth Sitanggang",
        "child_sex": Sex.FEMALE,
        "birth_date": date(2026, 11, 20),
        "birth_place": "Pangururan",
        "birth_order": 2,
        "father_name": "Ompu Na'ibaho",
        "mother_name": "Maria Lumbantoruan",
        "register_number": "1217-LT-04122026-0001",
        "document_id": "DOC-7Q2M9XK4",
        "issued_on": date(2026, 12, 4),
        "issued_at": "Pangururan",
        "regency_name": "Kabupaten Samosir",
        "office_name": "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Samosir",
        "head_name": "Tiurma Simbolon",
        "verify_url": "https://dompak.example.id/verifikasi/DOC-7Q2M9XK4",
    }
    fields.update(changes)
    return BirthDeedContent(**fields)


def _text(template_id: str, **changes: Any) -> str:
    return page_text(render_document(template_id, changed(template_id, **changes)))


def test_render_birth_deed_is_a4_pdf() -> None:
    pdf = render_birth_deed(_birth())

    assert pdf.startswith(b"%PDF-")
    assert page_size(pdf) == pytest.approx((595.28, 841.89), abs=0.01)


def test_render_birth_deed_prints_deed_facts() -> None:
    text = page_text(render_birth_deed(_birth()))

    expected = [
        "REPUBLIK INDONESIA PENCATATAN SIPIL KABUPATEN SAMOSIR",
        "KUTIPAN AKTA KELAHIRAN",
        "Nomor: 1217-LT-04122026-0001",
        "bahwa di Pangururan pada tanggal 20 November 2026 telah lahir",
        "Rüth Sitanggang",
        "anak ke-2, perempuan, dari ayah",
        "Ompu Na'ibaho",
        "Maria Lumbantoruan",
        "Dikeluarkan di Pangururan, pada tanggal 4 Desember 2026",
        "Kepala Dinas Kependudukan dan Pencatatan Sipil Kabupaten Samosir,",
        "Tiurma Simbolon",
        "https://dompak.example.id/verifikasi/DOC-7Q2M9XK4",
        "ID dokumen: DOC-7Q2M9XK4",
        "ditandatangani secara elektronik",
        "memindai kode QR",
    ]
    for phrase in expected:
        assert phrase in text, phrase


@pytest.mark.parametrize(
    "name",
    [
        "Ucok",
        "Ompu Na'ibaho",
        "Rüth Sitanggang",
        "Łukas Ŝimanjuntak",
        "Dœrtë Sihombing-Ñainggolan",
    ],
)
def test_render_birth_deed_prints_names_exactly(name: str) -> None:
    content = _birth(child_name=name, mother_name=name, father_name="Sahat Gultom")

    text = page_text(render_birth_deed(content))

    assert text.count(name) == 2


def test_render_birth_deed_without_father() -> None:
    content = _birth(father_name=None, child_sex=Sex.MALE, birth_order=1)

    text = page_text(render_birth_deed(content))

    assert "anak ke-1, laki-laki, dari ibu Maria Lumbantoruan." in text
    assert "ayah" not in text


def test_render_birth_deed_escapes_markup() -> None:
    content = _birth(birth_place="Desa <Tanjung> & Sekitarnya")

    text = page_text(render_birth_deed(content))

    assert "bahwa di Desa <Tanjung> & Sekitarnya pada tanggal" in text


def _longest_birth() -> BirthDeedContent:
    """Birth deed content with every text field at its length limit."""
    return _birth(
        **LONG_ISSUER,
        child_name=LONG_NAME,
        father_name=LONG_NAME,
        mother_name=LONG_NAME,
        birth_place=("Desa Siopat Sosor Kecamatan Pangururan " * 4)[:120],
    )


def test_render_birth_deed_longest_fields_fit() -> None:
    content = _longest_birth()

    text = page_text(render_birth_deed(content))

    assert content.head_name.strip() in text
    assert "Nomor: " + "W" * 40 in text
    # reportlab breaks a word longer than the line, so ignore spaces here.
    assert "IDdokumen:" + "D" * 80 in text.replace(" ", "")


def test_render_birth_deed_rejects_overflowing_text() -> None:
    # model_copy skips validation, so the office name can exceed its limit.
    content = _longest_birth().model_copy(
        update={"office_name": "Dinas Kependudukan dan Pencatatan Sipil " * 12}
    )

    with pytest.raises(ValueError, match="runs into the QR code block"):
        render_birth_deed(content)


def test_render_birth_deed_rejects_missing_glyph() -> None:
    content = _birth(child_name="Rüth 李")

    with pytest.raises(ValueError, match=r"child_name contains '李' \(U\+674E\)"):
        render_birth_deed(content)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("child_name", "   "),
        ("child_sex", "X"),
        ("birth_order", 0),
        ("verify_url", "dompak.example.id/verifikasi/1"),
        ("verify_url", "ftp://dompak.example.id/verifikasi/1"),
        ("verify_url", "https://dompak.example.id/" + "a" * 200),
        ("child_name", "W" * 81),
        ("register_number", "W" * 41),
        ("issued_at", "W" * 41),
        ("office_name", "W" * 121),
        ("issued_on", date(2026, 11, 19)),
        ("unexpected", "value"),
    ],
)
def test_birth_deed_content_rejects_invalid(field: str, value: object) -> None:
    with pytest.raises(ValidationError) as raised:
        _birth(**{field: value})

    assert raised.value.errors()[0]["loc"] in ((field,), ())


def test_birth_deed_content_rejects_birth_after_issue() -> None:
    with pytest.raises(ValidationError, match="issued_on 2026-11-19 is before"):
        _birth(issued_on=date(2026, 11, 19))


def test_birth_deed_content_is_frozen() -> None:
    content = _birth()

    with pytest.raises(ValidationError):
        content.child_name = "Sahat Gultom"  # type: ignore[misc]


def test_render_marriage_deed_prints_statement() -> None:
    text = _text("marriage_deed")

    expected = [
        "KUTIPAN AKTA PERKAWINAN Nomor: 1217-KW-04122026-0001",
        "Berdasarkan Akta Perkawinan Nomor 1217-KW-04122026-0001, bahwa pada "
        "tanggal 28 November 2026 di Gereja HKBP Pangururan telah dilangsungkan "
        "perkawinan menurut agama Kristen di hadapan pemuka agama "
        "Pdt. Hotman Naibaho antara:",
        "Suami Nama : Sahat Sitanggang NIK : 1217081403850001 "
        "Tempat/tanggal lahir : Pangururan, 14 Maret 1985",
        "Istri Nama : Maria Lumbantoruan NIK : 1217085207900002 "
        "Tempat/tanggal lahir : Balige, 12 Juli 1990",
    ]
    for phrase in expected:
        assert phrase in text, phrase


def test_render_marriage_deed_indigenous_faith() -> None:
    text = _text(
        "marriage_deed", religion="kepercayaan", religious_leader="Raja Ihutan"
    )

    assert (
        "menurut Kepercayaan terhadap Tuhan Yang Maha Esa di hadapan pemuka "
        "penghayat kepercayaan Raja Ihutan antara:"
    ) in text
    assert "agama" not in text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"wife__nik": "1217081403850001"}, "NIK 1217081403850001 is given for both"),
        (
            {"marriage_date": "1980-01-01"},
            "marriage_date 1980-01-01 is before husband.birth_date 1985-03-14",
        ),
        (
            {"wife__birth_date": "2027-01-01"},
            "marriage_date 2026-11-28 is before wife.birth_date 2027-01-01",
        ),
        (
            {"issued_on": "2026-11-27"},
            "issued_on 2026-11-27 is before marriage_date 2026-11-28",
        ),
    ],
)
def test_marriage_deed_content_rejects_inconsistent_facts(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        render_document("marriage_deed", changed("marriage_deed", **changes))


def test_render_divorce_deed_prints_ruling() -> None:
    text = _text("divorce_deed")

    expected = [
        "KUTIPAN AKTA PERCERAIAN Nomor: 1217-CR-04122026-0001",
        "bahwa perkawinan antara: Suami Nama : Sahat Sitanggang "
        "NIK : 1217081403850001 Istri Nama : Maria Lumbantoruan "
        "NIK : 1217085207900002",
        "telah putus karena perceraian berdasarkan putusan Pengadilan Negeri "
        "Balige Nomor 45/Pdt.G/2026/PN Blg tanggal 10 September 2026, yang telah "
        "memperoleh kekuatan hukum tetap pada tanggal 8 Oktober 2026.",
    ]
    for phrase in expected:
        assert phrase in text, phrase


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"former_wife__nik": "1217081403850001"},
            "NIK 1217081403850001 is given for both",
        ),
        (
            {"ruling_final_on": "2026-09-09"},
            "ruling_final_on 2026-09-09 is before ruling_date 2026-09-10",
        ),
        (
            {"issued_on": "2026-10-07"},
            "issued_on 2026-10-07 is before ruling_final_on 2026-10-08",
        ),
    ],
)
def test_divorce_deed_content_rejects_inconsistent_facts(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        render_document("divorce_deed", changed("divorce_deed", **changes))


def test_render_death_deed_prints_statement() -> None:
    text = _text("death_deed")

    assert (
        "KUTIPAN AKTA KEMATIAN Nomor: 1217-KM-04122026-0001 Berdasarkan Akta "
        "Kematian Nomor 1217-KM-04122026-0001, bahwa di Desa Siogung Ogung, "
        "Pangururan pada tanggal 30 November 2026 telah meninggal dunia "
        "Ompu Na'ibaho, NIK 1217080104500001, laki-laki, lahir pada tanggal "
        "1 April 1950. Sebab kematian: sakit biasa/tua. Kematian tersebut "
        "dilaporkan oleh Sahat Sitanggang."
    ) in text


def test_render_death_deed_without_cause() -> None:
    text = _text("death_deed", cause=None)

    assert "lahir pada tanggal 1 April 1950. Kematian tersebut dilaporkan" in text
    assert "Sebab kematian" not in text


def test_render_death_deed_late_report_prints_the_same() -> None:
    # Issued 4 days after the death, and more than 2 years after it.
    on_time = DeathDeedContent.model_validate(changed("death_deed"))
    late = DeathDeedContent.model_validate(
        changed("death_deed", issued_on="2028-12-03")
    )

    on_time_text = page_text(render_death_deed(on_time))
    late_text = page_text(render_death_deed(late))

    assert "3 Desember 2028" in late_text
    assert late_text.replace("3 Desember 2028", "4 Desember 2026") == on_time_text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"death_date": "1950-03-31"},
            "death_date 1950-03-31 is before deceased.birth_date 1950-04-01",
        ),
        ({"issued_on": "2026-11-29"}, "issued_on 2026-11-29 is before death_date"),
        ({"cause": "usia"}, "cause"),
    ],
)
def test_death_deed_content_rejects_invalid_facts(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        render_document("death_deed", changed("death_deed", **changes))
