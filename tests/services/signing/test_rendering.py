from __future__ import annotations

import io
import re
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import segno
from pydantic import ValidationError
from pyhanko.pdf_utils.content_stream_parser import parse_content_stream
from pyhanko.pdf_utils.generic import ByteStringObject, TextStringObject
from pyhanko.pdf_utils.reader import PdfFileReader

from services.signing.rendering import (
    BirthDeedContent,
    ChildSex,
    format_indonesian_date,
    render_birth_deed,
)

PROJECT_ROOT = Path(__file__).resolve().parents[3]
QR_QUIET_ZONE_MODULES = 4
# Text operators that start a new line or a new text object.
LINE_MOVES = {"T*", "Td", "TD", "Tm", "BT", "ET"}


def _content(**changes: Any) -> BirthDeedContent:
    fields: dict[str, Any] = {
        "child_name": "Rüth Sitanggang",
        "child_sex": ChildSex.FEMALE,
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


def _first_page(pdf: bytes) -> Any:
    reader = PdfFileReader(io.BytesIO(pdf))
    kids = reader.root["/Pages"]["/Kids"]
    assert len(kids) == 1
    return kids[0]


def _unicode_maps(page: Any) -> dict[str, dict[int, str]]:
    """Read each font's ToUnicode CMap as {character code: text}."""
    fonts = page["/Resources"]["/Font"]
    maps: dict[str, dict[int, str]] = {}
    for name in fonts:
        cmap = fonts[name]["/ToUnicode"].data.decode("ascii")
        pairs = re.findall(r"<([0-9A-F]{2})> <([0-9A-F]{4})>", cmap)
        maps[name] = {int(code, 16): chr(int(text, 16)) for code, text in pairs}
    return maps


def _page_text(pdf: bytes) -> str:
    """Extract the page text through the fonts' ToUnicode maps.

    A line move or a new text object becomes one space, so a name wrapped
    over two lines reads as one phrase.
    """
    page = _first_page(pdf)
    maps = _unicode_maps(page)
    font = ""
    text: list[str] = []
    for operation in parse_content_stream([page["/Contents"]]):
        if operation.op == "Tf":
            font = str(operation.args[0])
        elif operation.op == "Tj":
            text.append(_decode(operation.args[0], maps[font]))
        elif operation.op in LINE_MOVES:
            text.append(" ")
    return " ".join("".join(text).split())


def _decode(string: Any, unicode_map: dict[int, str]) -> str:
    if isinstance(string, TextStringObject):
        raw = string.original_bytes
    else:
        assert isinstance(string, ByteStringObject)
        raw = bytes(string)
    return "".join(unicode_map[code] for code in raw)


def _qr_image(pdf: bytes) -> tuple[int, bytes]:
    """Return the width and the RGB pixels of the page's only image."""
    page = _first_page(pdf)
    images = page["/Resources"]["/XObject"]
    names = list(images)
    assert len(names) == 1
    image = images[names[0]]
    assert image["/ColorSpace"] == "/DeviceRGB"
    assert image["/BitsPerComponent"] == 8
    assert image["/Width"] == image["/Height"]
    return int(image["/Width"]), bytes(image.data)


def _sample_modules(width: int, pixels: bytes, size: int) -> list[list[bool]]:
    """Sample a QR image at the centre of each module, with True for dark."""
    span = size + 2 * QR_QUIET_ZONE_MODULES
    assert width % span == 0, f"image width {width} is not a multiple of {span}"
    scale = width // span
    rows = []
    for row in range(size):
        y = (row + QR_QUIET_ZONE_MODULES) * scale + scale // 2
        line = []
        for column in range(size):
            x = (column + QR_QUIET_ZONE_MODULES) * scale + scale // 2
            line.append(pixels[(y * width + x) * 3] < 128)
        rows.append(line)
    return rows


def test_render_birth_deed_is_a4_pdf() -> None:
    pdf = render_birth_deed(_content())

    page = _first_page(pdf)
    left, bottom, right, top = (float(value) for value in page["/MediaBox"])
    assert pdf.startswith(b"%PDF-")
    assert (left, bottom) == (0, 0)
    assert round(right) == 595
    assert round(top) == 842


def test_render_birth_deed_prints_deed_facts() -> None:
    text = _page_text(render_birth_deed(_content()))

    expected = [
        "REPUBLIK INDONESIA",
        "KABUPATEN SAMOSIR",
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
    content = _content(child_name=name, mother_name=name, father_name="Sahat Gultom")

    text = _page_text(render_birth_deed(content))

    assert text.count(name) == 2


def test_render_birth_deed_without_father() -> None:
    content = _content(father_name=None, child_sex=ChildSex.MALE, birth_order=1)

    text = _page_text(render_birth_deed(content))

    assert "anak ke-1, laki-laki, dari ibu Maria Lumbantoruan." in text
    assert "ayah" not in text


def test_render_birth_deed_escapes_markup() -> None:
    content = _content(birth_place="Desa <Tanjung> & Sekitarnya")

    text = _page_text(render_birth_deed(content))

    assert "bahwa di Desa <Tanjung> & Sekitarnya pada tanggal" in text


def test_render_birth_deed_is_deterministic() -> None:
    first = render_birth_deed(_content())
    second = render_birth_deed(_content())
    other = render_birth_deed(_content(register_number="1217-LT-04122026-0002"))

    assert first == second
    assert first != other


def test_render_birth_deed_qr_encodes_verify_url() -> None:
    url = "https://dompak.example.id/verifikasi/DOC-7Q2M9XK4"
    expected = segno.make(url, error="m", micro=False).matrix

    width, pixels = _qr_image(render_birth_deed(_content(verify_url=url)))

    modules = _sample_modules(width, pixels, len(expected))
    assert modules == [[bool(module) for module in row] for row in expected]


def _longest_content() -> BirthDeedContent:
    """Content with every text field at its length limit, in wide letters."""
    name = ("Wisnuwardhana " * 6)[:80]
    return _content(
        child_name=name,
        father_name=name,
        mother_name=name,
        head_name=name,
        birth_place=("Desa Siopat Sosor Kecamatan Pangururan " * 4)[:120],
        office_name=("Dinas Kependudukan dan Pencatatan Sipil " * 4)[:120],
        issued_at=("Pangururan " * 8)[:80],
        document_id="D" * 80,
        register_number="W" * 40,
        regency_name="W" * 40,
        verify_url="https://dompak.example.id/verifikasi/" + "A" * 163,
    )


def test_render_birth_deed_longest_fields_fit() -> None:
    content = _longest_content()

    text = _page_text(render_birth_deed(content))

    assert content.head_name.strip() in text
    assert "Nomor: " + "W" * 40 in text
    # reportlab breaks a word longer than the line, so ignore spaces here.
    assert "IDdokumen:" + "D" * 80 in text.replace(" ", "")


def test_render_birth_deed_rejects_overflowing_text() -> None:
    # model_copy skips validation, so the office name can exceed its limit.
    content = _longest_content().model_copy(
        update={"office_name": "Dinas Kependudukan dan Pencatatan Sipil " * 12}
    )

    with pytest.raises(ValueError, match="runs into the QR code block"):
        render_birth_deed(content)


def test_render_birth_deed_rejects_missing_glyph() -> None:
    content = _content(child_name="Rüth 李")

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
        ("office_name", "W" * 121),
        ("issued_on", date(2026, 11, 19)),
        ("unexpected", "value"),
    ],
)
def test_birth_deed_content_rejects_invalid(field: str, value: object) -> None:
    with pytest.raises(ValidationError):
        _content(**{field: value})


def test_birth_deed_content_is_frozen() -> None:
    content = _content()

    with pytest.raises(ValidationError):
        content.child_name = "Sahat Gultom"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2026, 12, 4), "4 Desember 2026"),
        (date(2025, 1, 31), "31 Januari 2025"),
        (date(2024, 2, 29), "29 Februari 2024"),
        (date(2026, 8, 17), "17 Agustus 2026"),
    ],
)
def test_format_indonesian_date_formats(value: date, expected: str) -> None:
    assert format_indonesian_date(value) == expected


def test_render_birth_deed_falls_back_to_vera(tmp_path: Path) -> None:
    # Fonts register once per process, so the fallback runs in a fresh one.
    script = textwrap.dedent(
        """
        import sys
        from datetime import date
        from pathlib import Path

        from services.signing import rendering

        rendering.DEJAVU_DIRECTORY = Path(sys.argv[1])
        content = rendering.BirthDeedContent(
            child_name="Rüth Sitanggang", child_sex="P",
            birth_date=date(2026, 11, 20), birth_place="Pangururan",
            birth_order=1, mother_name="Maria Lumbantoruan",
            register_number="1217-LT-04122026-0003", document_id="DOC-1",
            issued_on=date(2026, 12, 4), issued_at="Pangururan",
            regency_name="Kabupaten Samosir", office_name="Dinas Dukcapil",
            head_name="Tiurma Simbolon",
            verify_url="https://dompak.example.id/verifikasi/DOC-1",
        )
        sys.stdout.buffer.write(rendering.render_birth_deed(content))
        try:
            rendering.render_birth_deed(
                content.model_copy(update={"child_name": "Ŝimon"})
            )
        except ValueError as error:
            sys.stderr.write(str(error))
        """
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script, str(tmp_path / "no-fonts")],
        capture_output=True,
        check=True,
        cwd=PROJECT_ROOT,
    )

    assert b"BitstreamVeraSans" in result.stdout
    assert b"DejaVu" not in result.stdout
    assert "Rüth Sitanggang" in _page_text(result.stdout)
    assert "child_name contains 'Ŝ'" in result.stderr.decode()
