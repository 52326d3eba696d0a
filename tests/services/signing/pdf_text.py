"""Read rendered PDFs in tests: page size, text, fonts and the QR image."""

from __future__ import annotations

import io
import re
import subprocess
from typing import Any

from pyhanko.pdf_utils.reader import PdfFileReader

QR_QUIET_ZONE_MODULES = 4


def first_page(pdf: bytes) -> Any:
    """Return the only page of the PDF, asserting that there is one."""
    kids = PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Kids"]
    assert len(kids) == 1
    return kids[0]


def page_size(pdf: bytes) -> tuple[float, float]:
    """Return the width and height of the only page, in points."""
    left, bottom, right, top = (float(value) for value in first_page(pdf)["/MediaBox"])
    assert (left, bottom) == (0, 0)
    return right, top


def page_text(pdf: bytes) -> str:
    """Extract the page text with poppler's pdftotext, in drawing order.

    Runs of white space become one space, so a name wrapped over two lines
    reads as one phrase.
    """
    result = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"],  # noqa: S607
        input=pdf,
        capture_output=True,
        check=True,
    )
    return " ".join(result.stdout.decode("utf-8").split())


def font_sizes(pdf: bytes) -> dict[str, set[float]]:
    """Return the sizes each font is set in on the page, by base font name."""
    page = first_page(pdf)
    fonts = page["/Resources"]["/Font"]
    content = page["/Contents"].data.decode("latin-1")
    sizes: dict[str, set[float]] = {}
    for resource, size in re.findall(r"/(\S+) ([0-9.]+) Tf", content):
        name = str(fonts["/" + resource]["/BaseFont"]).split("+")[-1]
        sizes.setdefault(name, set()).add(round(float(size), 2))
    return sizes


def images(pdf: bytes) -> list[Any]:
    resources = first_page(pdf)["/Resources"]
    if "/XObject" not in resources:
        return []
    return [resources["/XObject"][name] for name in resources["/XObject"]]


def qr_image(pdf: bytes) -> tuple[int, bytes]:
    """Return the width and the RGB pixels of the page's only image."""
    [image] = images(pdf)
    assert image["/ColorSpace"] == "/DeviceRGB"
    assert image["/BitsPerComponent"] == 8
    assert image["/Width"] == image["/Height"]
    return int(image["/Width"]), bytes(image.data)


def sample_modules(width: int, pixels: bytes, size: int) -> list[list[bool]]:
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
