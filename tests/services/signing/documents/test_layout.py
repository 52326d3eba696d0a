from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph

from services.signing.documents import render_document
from services.signing.documents.layout import (
    CONDENSED_FONT,
    DEJAVU_DIRECTORY,
    REGULAR_FONT,
    VERA_DIRECTORY,
    fit_font_size,
    label_width,
    line_font_size,
    register_fonts,
    text_style,
)
from tests.services.signing.documents.samples import SAMPLES
from tests.services.signing.pdf_text import font_sizes

PROJECT_ROOT = Path(__file__).resolve().parents[4]
# Renders every sample and every longest sample in a fresh process, because
# fonts register once per process. Prints the PDFs' fonts, or the error.
RENDER_SCRIPT = textwrap.dedent(
    """
    import json
    import sys
    from pathlib import Path

    from services.signing.documents import layout, render_document
    from tests.services.signing.documents.samples import SAMPLES, longest
    from tests.services.signing.pdf_text import font_sizes

    layout.DEJAVU_DIRECTORY = Path(sys.argv[1])
    layout.VERA_DIRECTORY = Path(sys.argv[2])
    try:
        fonts = {}
        for template_id in SAMPLES:
            pdf = render_document(template_id, SAMPLES[template_id])
            render_document(template_id, longest(template_id))
            fonts[template_id] = sorted(font_sizes(pdf))
        print(json.dumps(fonts))
        render_document(
            "birth_deed", {**SAMPLES["birth_deed"], "child_name": "Ŝimon"}
        )
    except (ValueError, FileNotFoundError) as error:
        sys.stderr.write(str(error))
    """
)


def _render_with_fonts(dejavu: Path, vera: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", RENDER_SCRIPT, str(dejavu), str(vera)],
        capture_output=True,
        check=True,
        cwd=PROJECT_ROOT,
        text=True,
    )


def test_register_fonts_falls_back_to_vera(tmp_path: Path) -> None:
    result = _render_with_fonts(tmp_path / "no-fonts", VERA_DIRECTORY)

    fonts = json.loads(result.stdout)
    for template_id in SAMPLES:
        assert all("BitstreamVeraSans" in name for name in fonts[template_id])
    assert "child_name contains 'Ŝ' (U+015C)" in result.stderr


def test_register_fonts_without_condensed_dejavu(tmp_path: Path) -> None:
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        shutil.copy(DEJAVU_DIRECTORY / name, tmp_path / name)

    result = _render_with_fonts(tmp_path, VERA_DIRECTORY)

    fonts = json.loads(result.stdout)
    assert fonts["family_card"] == ["DejaVuSans", "DejaVuSans-Bold"]
    # DejaVu covers Ŝ, so the last render succeeds.
    assert result.stderr == ""


def test_register_fonts_reports_missing_fonts(tmp_path: Path) -> None:
    result = _render_with_fonts(tmp_path / "no-dejavu", tmp_path / "no-vera")

    assert result.stdout == ""
    assert "no document font found" in result.stderr
    assert "fonts-dejavu-core" in result.stderr


def test_register_fonts_prefers_condensed_dejavu() -> None:
    pdf = render_document("family_card", SAMPLES["family_card"])

    assert "DejaVuSansCondensed" in font_sizes(pdf)


def test_line_font_size_keeps_fitting_text() -> None:
    register_fonts()

    assert line_font_size("KABUPATEN SAMOSIR", REGULAR_FONT, 11, 400) == 11


def test_line_font_size_shrinks_long_text() -> None:
    register_fonts()
    text = "W" * 60

    size = line_font_size(text, REGULAR_FONT, 11, 400)

    assert size < 11
    assert stringWidth(text, REGULAR_FONT, size) == pytest.approx(400)


def test_label_width_fits_longest_label() -> None:
    register_fonts()
    labels = ["NIK", "Status Perkawinan"]

    width = label_width(labels, CONDENSED_FONT, 6)

    assert width > stringWidth("Status Perkawinan", CONDENSED_FONT, 6)
    assert width < stringWidth("Status Perkawinan", CONDENSED_FONT, 6) + 6


def test_fit_font_size_picks_largest_fitting_size() -> None:
    register_fonts()
    text = "Wisnuwardhana " * 20
    sizes_tried: list[float] = []

    def build(size: float) -> Paragraph:
        sizes_tried.append(size)
        return Paragraph(text, text_style("test", size))

    fitted = fit_font_size(build, (8, 12, 10), 200, 90, "the test text")

    assert sizes_tried == [12, 10, 8]
    assert fitted.style.fontSize == 8


def test_fit_font_size_raises_naming_the_text() -> None:
    register_fonts()

    def build(size: float) -> Paragraph:
        return Paragraph("Wisnuwardhana " * 200, text_style("test", size))

    with pytest.raises(ValueError, match="the test text does not fit its 10 mm"):
        fit_font_size(build, (12, 10), 200, 28.35, "the test text")
