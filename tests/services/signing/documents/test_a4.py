from __future__ import annotations

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph

from services.signing.documents import render_document
from services.signing.documents.a4 import TEXT_WIDTH, render_portrait
from services.signing.documents.deeds import DeathDeedContent
from services.signing.documents.layout import REGULAR_FONT, text_style
from tests.services.signing.documents.samples import changed
from tests.services.signing.pdf_text import font_sizes, page_text


def test_draw_header_shrinks_long_number_line() -> None:
    number = "W" * 40
    content = changed("death_deed", register_number=number)

    pdf = render_document("death_deed", content)

    expected = 12 * TEXT_WIDTH / stringWidth(f"Nomor: {number}", REGULAR_FONT, 12)
    assert expected < 12
    assert any(
        size == pytest.approx(expected, abs=0.01)
        for size in font_sizes(pdf)["DejaVuSans"]
    )
    assert f"Nomor: {number}" in page_text(pdf)


def test_render_portrait_raises_when_body_overflows() -> None:
    content = DeathDeedContent.model_validate(changed("death_deed"))

    def body(size: float) -> list[Flowable]:
        return [Paragraph("Wisnuwardhana " * 600, text_style("long", size))]

    with pytest.raises(
        ValueError,
        match=r"the text of Kutipan Akta Kematian 1217-KM-04122026-0001 does not "
        r"fit its [0-9]+ mm of page height even at 9 pt",
    ):
        render_portrait(
            content,
            division="PENCATATAN SIPIL",
            document_name="Kutipan Akta Kematian",
            body=body,
            font_sizes=(12, 9),
        )


@pytest.mark.parametrize("issuer_beside_qr", [False, True])
def test_render_portrait_places_issuer_block(issuer_beside_qr: bool) -> None:
    content = DeathDeedContent.model_validate(changed("death_deed"))

    def body(size: float) -> list[Flowable]:
        return [Paragraph("Isi dokumen", text_style("body", size))]

    text = page_text(
        render_portrait(
            content,
            division="PENCATATAN SIPIL",
            document_name="Kutipan Akta Kematian",
            body=body,
            font_sizes=(12,),
            issuer_beside_qr=issuer_beside_qr,
        )
    )

    assert "Isi dokumen" in text
    assert "Dikeluarkan di Pangururan, pada tanggal 4 Desember 2026" in text
    assert "ID dokumen: DOC-7Q2M9XK4" in text
