from __future__ import annotations

import asyncio
import io
import struct
import threading
import time
import zlib

import pytest
from PIL import Image, ImageChops, ImageFile, ImageStat
from PIL.PngImagePlugin import PngInfo

from services.intake import files
from services.intake.files import CleanImage, ImageCleaner, clean_image, sniff_type
from shared.errors import PayloadTooLargeError, ValidationFailedError
from tools.samples import BIRTH_DEED_PAPERS, birth_deed_papers

MAX_BYTES = 5_000_000
MAX_PIXELS = 4_000_000
GPS_IFD_TAG = 0x8825
MAKE_TAG = 0x010F
ORIENTATION_TAG = 0x0112
# Orientation 6: the viewer must turn the stored pixels 90 degrees clockwise.
ROTATE_CLOCKWISE = 6


def _picture(width: int = 64, height: int = 48, mode: str = "RGB") -> Image.Image:
    """Draw a gradient, so lossy re-encoding has real content to keep."""
    image = Image.new("RGB", (width, height))
    image.putdata(
        [
            (x * 4 % 256, y * 5 % 256, (x + y) % 256)
            for y in range(height)
            for x in range(width)
        ]
    )
    return image.convert(mode)


def _encode(image: Image.Image, image_format: str, **options: object) -> bytes:
    output = io.BytesIO()
    image.save(output, format=image_format, **options)
    return output.getvalue()


def _gps_exif() -> bytes:
    exif = Image.Exif()
    exif[MAKE_TAG] = "SyntheticCam"
    exif[GPS_IFD_TAG] = {1: "N", 2: (2.0, 35.0, 0.0), 3: "E", 4: (98.0, 42.0, 0.0)}
    return exif.tobytes()


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    checksum = zlib.crc32(kind + body)
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", checksum)


def _png_declaring(width: int, height: int) -> bytes:
    """Build a PNG whose header declares width x height but whose pixel data is
    only a few bytes, so decoding it fully would fail as truncated."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + _png_chunk(b"IEND", b"")
    )


def _clean(
    data: bytes,
    filename: str = "kk.jpg",
    *,
    max_bytes: int = MAX_BYTES,
    max_pixels: int = MAX_PIXELS,
) -> CleanImage:
    return clean_image(
        "family_card", filename, data, max_bytes=max_bytes, max_pixels=max_pixels
    )


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_clean_image_jpeg_accepted() -> None:
    data = _encode(_picture(), "JPEG", quality=95)

    cleaned = _clean(data)
    output = _open(cleaned.data)

    assert cleaned.content_type == "image/jpeg"
    assert cleaned.extension == "jpg"
    assert (cleaned.width, cleaned.height) == (64, 48)
    assert output.format == "JPEG"
    assert output.size == (64, 48)


def test_clean_image_jpeg_keeps_picture() -> None:
    original = _picture()

    cleaned = _clean(_encode(original, "JPEG", quality=95))
    difference = ImageChops.difference(original, _open(cleaned.data).convert("RGB"))

    # Two JPEG rounds at quality 95 then 90 shift a channel by under 1 level on
    # average with Pillow 13. A grey image of the same size differs by over 60.
    assert max(ImageStat.Stat(difference).mean) < 4


def test_clean_image_png_accepted() -> None:
    data = _encode(_picture(), "PNG")

    cleaned = _clean(data, "kk.png")
    output = _open(cleaned.data)

    assert cleaned.content_type == "image/png"
    assert cleaned.extension == "png"
    assert (cleaned.width, cleaned.height) == (64, 48)
    assert output.format == "PNG"


def test_clean_image_png_keeps_pixels() -> None:
    original = _picture()

    cleaned = _clean(_encode(original, "PNG"), "kk.png")

    assert _open(cleaned.data).convert("RGB").tobytes() == original.tobytes()


def test_clean_image_png_keeps_transparency() -> None:
    original = _picture(mode="RGBA")
    original.putpixel((0, 0), (10, 20, 30, 0))

    cleaned = _clean(_encode(original, "PNG"), "kk.png")
    output = _open(cleaned.data)

    assert output.mode == "RGBA"
    assert output.getpixel((0, 0)) == (10, 20, 30, 0)


def test_clean_image_jpeg_comment_dropped() -> None:
    data = _encode(_picture(), "JPEG", comment=b"synthetic-comment")
    assert b"synthetic-comment" in data

    cleaned = _clean(data)

    assert b"synthetic-comment" not in cleaned.data


def test_clean_image_png_text_chunk_dropped() -> None:
    text = PngInfo()
    text.add_text("Comment", "synthetic-comment")
    data = _encode(_picture(), "PNG", pnginfo=text)
    assert b"synthetic-comment" in data

    cleaned = _clean(data, "kk.png")

    assert b"synthetic-comment" not in cleaned.data


@pytest.mark.parametrize("image_format", ["JPEG", "PNG"])
def test_clean_image_exif_gps_removed(image_format: str) -> None:
    data = _encode(_picture(), image_format, exif=_gps_exif())
    assert GPS_IFD_TAG in _open(data).getexif()

    cleaned = _clean(data, f"kk.{image_format.lower()}")
    exif = _open(cleaned.data).getexif()

    assert GPS_IFD_TAG not in exif
    assert MAKE_TAG not in exif
    assert b"SyntheticCam" not in cleaned.data
    assert b"Exif" not in cleaned.data


def test_clean_image_exif_orientation_applied() -> None:
    exif = Image.Exif()
    exif[ORIENTATION_TAG] = ROTATE_CLOCKWISE
    data = _encode(_picture(64, 48), "JPEG", exif=exif.tobytes())

    cleaned = _clean(data)

    assert (cleaned.width, cleaned.height) == (48, 64)


@pytest.mark.parametrize(
    ("mode", "image_format"),
    [
        ("1", "PNG"),
        ("L", "PNG"),
        ("LA", "PNG"),
        ("P", "PNG"),
        ("I;16", "PNG"),
        ("L", "JPEG"),
        ("CMYK", "JPEG"),
    ],
    ids=[
        "png_1bit",
        "png_grey",
        "png_grey_alpha",
        "png_palette",
        "png_16bit",
        "jpeg_grey",
        "jpeg_cmyk",
    ],
)
def test_clean_image_colour_modes_accepted(mode: str, image_format: str) -> None:
    data = _encode(_picture(mode=mode), image_format)

    cleaned = _clean(data, f"kk.{image_format.lower()}")

    assert _open(cleaned.data).size == (64, 48)


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("akta.jpg", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"),
        ("kk.jpg", b"Kartu Keluarga, scanned as text\n"),
        ("kk.png", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
    ],
    ids=["pdf", "text", "gif"],
)
def test_clean_image_wrong_type_rejected(filename: str, data: bytes) -> None:
    with pytest.raises(ValidationFailedError) as caught:
        _clean(data, filename)

    assert caught.value.status_code == 422
    assert repr(filename) in caught.value.message
    assert "not a JPEG or PNG" in caught.value.message
    assert caught.value.detail == {"requirement": "family_card"}


@pytest.mark.parametrize(
    ("image_format", "filename"), [("JPEG", "kk.jpg"), ("PNG", "kk.png")]
)
def test_clean_image_truncated_rejected(image_format: str, filename: str) -> None:
    data = _encode(_picture(256, 256), image_format)
    truncated = data[: len(data) // 2]

    with pytest.raises(ValidationFailedError) as caught:
        _clean(truncated, filename)

    assert caught.value.status_code == 422
    assert repr(filename) in caught.value.message
    assert "damaged or truncated" in caught.value.message


def test_clean_image_magic_only_rejected() -> None:
    with pytest.raises(ValidationFailedError, match="damaged or truncated"):
        _clean(b"\xff\xd8\xff\xe0" + b"\x00" * 60)


def test_clean_image_empty_rejected() -> None:
    with pytest.raises(ValidationFailedError) as caught:
        _clean(b"", "kk.jpg")

    assert caught.value.status_code == 422
    assert "'kk.jpg'" in caught.value.message
    assert "is empty" in caught.value.message


def test_clean_image_over_max_bytes_rejected() -> None:
    data = _encode(_picture(), "PNG")

    with pytest.raises(PayloadTooLargeError) as caught:
        _clean(data, "kk.png", max_bytes=len(data) - 1)

    assert caught.value.status_code == 413
    assert "'kk.png'" in caught.value.message
    assert f"limit of {len(data) - 1} bytes" in caught.value.message


def test_clean_image_at_max_bytes_accepted() -> None:
    data = _encode(_picture(), "PNG")

    cleaned = _clean(data, "kk.png", max_bytes=len(data))

    assert cleaned.width == 64


def test_clean_image_size_checked_before_type() -> None:
    with pytest.raises(PayloadTooLargeError):
        _clean(b"%PDF-1.7\n" * 100, "akta.jpg", max_bytes=100)


def test_clean_image_over_max_pixels_rejected() -> None:
    data = _encode(_picture(100, 100), "PNG")

    with pytest.raises(PayloadTooLargeError) as caught:
        _clean(data, "kk.png", max_pixels=100 * 100 - 1)

    assert caught.value.status_code == 413
    assert "'kk.png'" in caught.value.message
    assert "100x100 pixels" in caught.value.message


def test_clean_image_at_max_pixels_accepted() -> None:
    data = _encode(_picture(100, 100), "PNG")

    cleaned = _clean(data, "kk.png", max_pixels=100 * 100)

    assert cleaned.height == 100


def test_clean_image_declared_size_checked_before_decoding() -> None:
    # The same stub at a small declared size fails decoding, so a 413 for the
    # large one shows that the header alone decided.
    with pytest.raises(ValidationFailedError):
        _clean(_png_declaring(50, 50), "kk.png")

    with pytest.raises(PayloadTooLargeError) as caught:
        _clean(_png_declaring(5000, 5000), "kk.png", max_pixels=1_000_000)

    assert "5000x5000 pixels" in caught.value.message


def test_clean_image_decompression_bomb_rejected() -> None:
    # Pillow raises DecompressionBombError above 2 * Image.MAX_IMAGE_PIXELS (about
    # 179 million pixels), before max_pixels is compared.
    bomb = _png_declaring(40_000, 40_000)

    with pytest.raises(PayloadTooLargeError) as caught:
        _clean(bomb, "kk.png", max_pixels=10**10)

    assert caught.value.status_code == 413
    assert "'kk.png'" in caught.value.message


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JF", "jpeg"),
        (b"\x89PNG\r\n\x1a\n", "png"),
        (b"GIF89a\x01\x00", None),
        (b"\xff\xd8", None),
        (b"", None),
    ],
    ids=["jpeg", "png", "gif", "short_jpeg", "empty"],
)
def test_sniff_type_reads_magic(head: bytes, kind: str | None) -> None:
    assert sniff_type(head) == kind


def _jpeg_declaring(width: int, height: int) -> bytes:
    """Encode a flat 16x16 JPEG, then rewrite its frame header to claim a larger
    size. Pillow decodes such a file into a picture of the claimed size, grey
    where the data is missing."""
    data = bytearray(_encode(Image.new("L", (16, 16), 128), "JPEG"))
    frame = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, frame + 5, height, width)
    return bytes(data)


def test_clean_image_implausibly_small_rejected() -> None:
    data = _jpeg_declaring(6300, 6300)

    with pytest.raises(ValidationFailedError) as caught:
        _clean(data, "kk.jpg", max_pixels=40_000_000)

    assert caught.value.status_code == 422
    assert "'kk.jpg'" in caught.value.message
    assert "6300x6300 pixels" in caught.value.message
    assert f"only {len(data)} bytes" in caught.value.message


def test_clean_image_implausible_size_checked_before_decoding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fail_decode(image: ImageFile.ImageFile) -> None:
        raise AssertionError("the image was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", fail_decode)

    with pytest.raises(ValidationFailedError, match="declares 6300x6300 pixels"):
        _clean(_jpeg_declaring(6300, 6300), max_pixels=40_000_000)


def test_clean_image_small_declared_stub_still_decoded() -> None:
    # 4096 pixels need only 4 bytes, so the stub passes the plausibility check
    # and is accepted as the grey picture Pillow decodes.
    cleaned = _clean(_jpeg_declaring(64, 64))

    assert (cleaned.width, cleaned.height) == (64, 64)


@pytest.mark.parametrize("requirement", sorted(BIRTH_DEED_PAPERS))
def test_clean_image_sample_papers_accepted(requirement: str) -> None:
    data = birth_deed_papers(1)[requirement]

    cleaned = clean_image(
        requirement, "photo.jpg", data, max_bytes=MAX_BYTES, max_pixels=40_000_000
    )

    assert (cleaned.width, cleaned.height) == (900, 600)


def _noise_png(width: int, height: int) -> bytes:
    """Encode noise, which makes re-encoding with optimize slow."""
    return _encode(Image.effect_noise((width, height), 40).convert("RGB"), "PNG")


async def test_image_cleaner_keeps_event_loop_running() -> None:
    cleaner = ImageCleaner(max_bytes=10**8, max_pixels=10**8, concurrency=2)
    data = _noise_png(1200, 1000)
    gaps: list[float] = []
    finished = asyncio.Event()

    async def tick() -> None:
        last = time.perf_counter()
        while not finished.is_set():
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    ticker = asyncio.create_task(tick())
    started = time.perf_counter()
    await cleaner.clean("family_card", "kk.png", data)
    duration = time.perf_counter() - started
    finished.set()
    await ticker

    # On the event loop the clean would hold one gap as long as itself.
    assert max(gaps) < duration / 4


class _SlowClean:
    """Stands in for clean_image and records how many calls overlap."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.running = 0
        self.max_running = 0
        self.spans: list[tuple[float, float]] = []
        self._lock = threading.Lock()

    def __call__(
        self,
        requirement: str,
        filename: str,
        data: bytes,
        *,
        max_bytes: int,
        max_pixels: int,
    ) -> CleanImage:
        with self._lock:
            self.running += 1
            self.max_running = max(self.max_running, self.running)
        started = time.perf_counter()
        time.sleep(self.seconds)
        with self._lock:
            self.running -= 1
            self.spans.append((started, time.perf_counter()))
        return CleanImage(data, "image/png", "png", 1, 1)


async def test_image_cleaner_bounds_concurrent_decodes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slow = _SlowClean(0.05)
    monkeypatch.setattr(files, "clean_image", slow)
    cleaner = ImageCleaner(max_bytes=100, max_pixels=100, concurrency=2)

    results = await asyncio.gather(
        *[cleaner.clean("family_card", f"{i}.png", b"x") for i in range(6)]
    )

    assert len(results) == 6
    assert slow.max_running == 2


async def test_image_cleaner_cancelled_clean_keeps_slot(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slow = _SlowClean(0.2)
    monkeypatch.setattr(files, "clean_image", slow)
    cleaner = ImageCleaner(max_bytes=100, max_pixels=100, concurrency=1)

    first = asyncio.create_task(cleaner.clean("family_card", "a.png", b"x"))
    await asyncio.sleep(0.05)
    first.cancel()
    second = asyncio.create_task(cleaner.clean("family_card", "b.png", b"x"))
    with pytest.raises(asyncio.CancelledError):
        await first
    await second

    (_, first_end), (second_start, _) = sorted(slow.spans)
    assert second_start >= first_end
    assert slow.max_running == 1
