from __future__ import annotations

from typing import Any

import pytest
import segno
from pydantic import ValidationError

from services.signing.documents import (
    TEMPLATES,
    UnknownTemplateError,
    get_template,
    render_document,
)
from services.signing.pki import PkiPaths
from services.signing.signer import LocalPadesSigner, verify_signed_pdf
from tests.services.signing.conftest import HEAD, PASSPHRASE
from tests.services.signing.documents.samples import (
    EXPECTED_TEXT,
    SAMPLES,
    changed,
    longest,
)
from tests.services.signing.pdf_text import (
    font_sizes,
    images,
    page_size,
    page_text,
    qr_image,
    sample_modules,
)

TEMPLATE_IDS = sorted(TEMPLATES)
A4_IDS = [tid for tid in TEMPLATE_IDS if TEMPLATES[tid].printable_at_home]
CARD_IDS = [tid for tid in TEMPLATE_IDS if not TEMPLATES[tid].printable_at_home]
A4_PORTRAIT = (595.28, 841.89)
A4_LANDSCAPE = (841.89, 595.28)
CR80 = (242.65, 153.07)
EXPECTED_SIZES = {
    "family_card": A4_LANDSCAPE,
    "birth_deed": A4_PORTRAIT,
    "marriage_deed": A4_PORTRAIT,
    "divorce_deed": A4_PORTRAIT,
    "death_deed": A4_PORTRAIT,
    "moving_letter": A4_PORTRAIT,
    "ktp_el_card": CR80,
    "kia_card": CR80,
}
DOCUMENT_FONTS = {
    "DejaVuSans",
    "DejaVuSans-Bold",
    "DejaVuSansCondensed",
    "DejaVuSansCondensed-Bold",
}


def test_templates_cover_every_output() -> None:
    assert sorted(EXPECTED_SIZES) == TEMPLATE_IDS
    assert sorted(SAMPLES) == TEMPLATE_IDS
    assert CARD_IDS == ["kia_card", "ktp_el_card"]


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_render_document_one_page_of_template_size(template_id: str) -> None:
    pdf = render_document(template_id, SAMPLES[template_id])

    width, height = page_size(pdf)

    assert pdf.startswith(b"%PDF-")
    assert (round(width, 2), round(height, 2)) == EXPECTED_SIZES[template_id]
    assert TEMPLATES[template_id].page_size == pytest.approx((width, height))


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_render_document_prints_number_and_names(template_id: str) -> None:
    text = page_text(render_document(template_id, SAMPLES[template_id]))

    for phrase in EXPECTED_TEXT[template_id]:
        assert phrase in text, phrase


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_render_document_prints_its_title(template_id: str) -> None:
    text = page_text(render_document(template_id, SAMPLES[template_id]))
    title = {
        "ktp_el_card": "PROVINSI SUMATERA UTARA KABUPATEN SAMOSIR NIK",
        "kia_card": "KARTU IDENTITAS ANAK",
    }.get(template_id, TEMPLATES[template_id].document_name.upper())

    assert title in text


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_render_document_is_deterministic(template_id: str) -> None:
    first = render_document(template_id, SAMPLES[template_id])
    second = render_document(template_id, SAMPLES[template_id])
    other = render_document(
        template_id, changed(template_id, register_number="1217-XX-04122026-0002")
    )

    assert first == second
    assert first != other


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_render_document_signs_and_verifies(template_id: str, pki: PkiPaths) -> None:
    pdf = render_document(template_id, SAMPLES[template_id])

    signed = LocalPadesSigner(pki).sign(
        pdf, PASSPHRASE, reason="Pengesahan dokumen", location="Pangururan"
    )
    report = verify_signed_pdf(signed, [pki.ca_certificate.read_bytes()])

    assert signed.startswith(pdf)
    assert report.signed
    assert report.intact
    assert report.trusted
    assert report.signer_name == HEAD


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_render_document_embeds_only_document_fonts(template_id: str) -> None:
    pdf = render_document(template_id, SAMPLES[template_id])

    assert set(font_sizes(pdf)) <= DOCUMENT_FONTS


@pytest.mark.parametrize("template_id", A4_IDS)
def test_render_document_qr_encodes_verify_url(template_id: str) -> None:
    url = "https://dompak.example.id/verifikasi/DOC-Q3"
    expected = segno.make(url, error="m", micro=False).matrix

    pdf = render_document(template_id, changed(template_id, verify_url=url))
    width, pixels = qr_image(pdf)

    modules = sample_modules(width, pixels, len(expected))
    assert modules == [[bool(module) for module in row] for row in expected]
    assert "memindai kode QR" in page_text(pdf)


@pytest.mark.parametrize("template_id", CARD_IDS)
def test_render_document_card_has_no_qr(template_id: str) -> None:
    pdf = render_document(template_id, SAMPLES[template_id])

    assert images(pdf) == []
    assert "verify_url" not in TEMPLATES[template_id].content_model.model_fields


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_render_document_longest_content_fits(template_id: str) -> None:
    content = longest(template_id)

    pdf = render_document(template_id, content)

    assert page_size(pdf) == pytest.approx(TEMPLATES[template_id].page_size)
    # reportlab breaks words longer than a line, so ignore spaces here.
    assert "Wisnuwardhana" * 2 in page_text(pdf).replace(" ", "")


def test_render_document_rejects_unknown_template() -> None:
    with pytest.raises(UnknownTemplateError) as raised:
        render_document("passport", SAMPLES["birth_deed"])

    message = str(raised.value)
    assert "'passport'" in message
    assert ", ".join(TEMPLATE_IDS) in message
    assert isinstance(raised.value, ValueError)


def test_get_template_returns_registered_template() -> None:
    template = get_template("death_deed")

    assert template.template_id == "death_deed"
    assert template.document_name == "Kutipan Akta Kematian"


@pytest.mark.parametrize(
    ("template_id", "changes", "location"),
    [
        ("birth_deed", {"child_name": "   "}, ("child_name",)),
        ("marriage_deed", {"husband__nik": "12170814"}, ("husband", "nik")),
        ("divorce_deed", {"ruling_date": "10-09-2026"}, ("ruling_date",)),
        ("death_deed", {"deceased__sex": "X"}, ("deceased", "sex")),
        ("family_card", {"members__2__religion": "agama"}, ("members", 2, "religion")),
        ("family_card", {"address__rt": "12a"}, ("address", "rt")),
        ("moving_letter", {"reason": "liburan"}, ("reason",)),
        ("ktp_el_card", {"blood_type": "C"}, ("blood_type",)),
        ("kia_card", {"kk_number": "1217"}, ("kk_number",)),
        ("birth_deed", {"verify_url": "ftp://dompak.example.id/v/1"}, ("verify_url",)),
        ("kia_card", {"regency_name": "W" * 61}, ("regency_name",)),
    ],
)
def test_render_document_rejects_invalid_field(
    template_id: str, changes: dict[str, Any], location: tuple[object, ...]
) -> None:
    with pytest.raises(ValidationError) as raised:
        render_document(template_id, changed(template_id, **changes))

    assert [error["loc"] for error in raised.value.errors()] == [location]


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_render_document_rejects_unknown_field(template_id: str) -> None:
    with pytest.raises(ValidationError) as raised:
        render_document(template_id, changed(template_id, nickname="Ucok"))

    assert [error["loc"] for error in raised.value.errors()] == [("nickname",)]


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_render_document_rejects_missing_document_id(template_id: str) -> None:
    content = changed(template_id)
    del content["document_id"]

    with pytest.raises(ValidationError) as raised:
        render_document(template_id, content)

    assert raised.value.errors()[0]["type"] == "missing"
    assert raised.value.errors()[0]["loc"] == ("document_id",)


def test_render_document_rejects_missing_glyph_in_nested_field() -> None:
    content = changed("family_card", members__1__name="Maria 李")

    with pytest.raises(ValueError, match=r"members\[1\]\.name contains '李'"):
        render_document("family_card", content)


@pytest.mark.parametrize(
    ("template_id", "subject_name"),
    [
        ("birth_deed", "Rüth Sitanggang"),
        ("marriage_deed", "Sahat Sitanggang dan Maria Lumbantoruan"),
        ("divorce_deed", "Sahat Sitanggang dan Maria Lumbantoruan"),
        ("death_deed", "Ompu Na'ibaho"),
        ("family_card", "Sahat Sitanggang"),
        ("moving_letter", "Sahat Sitanggang"),
        ("ktp_el_card", "Sahat Sitanggang"),
        ("kia_card", "Dœrtë Sitanggang"),
    ],
)
def test_content_subject_name(template_id: str, subject_name: str) -> None:
    model = TEMPLATES[template_id].content_model

    content = model.model_validate(SAMPLES[template_id])

    assert content.subject_name == subject_name
