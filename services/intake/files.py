"""Checks and cleaning of uploaded requirement photos.

A file is accepted only when its bytes are a JPEG or PNG, judged by content
and not by name or declared type. It must also stay under the size and pixel
limits, have a byte count plausible for its pixel count, and decode fully in
Pillow. The stored copy is re-encoded from the decoded pixels, which drops EXIF data
such as GPS positions.
"""

from __future__ import annotations

import asyncio
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from shared.errors import PayloadTooLargeError, ValidationFailedError

JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_QUALITY = 90
# A real photo or scan carries far more than this: the 900x600 sample papers
# of tools/samples.py have about 0.06 bytes per pixel, and a 12-megapixel
# phone JPEG of 2 to 4 MB about 0.2 to 0.3 (an estimate). A file below it
# declares a large picture it does not contain, and decoding it would fill
# the missing pixels with grey.
MIN_BYTES_PER_PIXEL = 0.001


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int


def sniff_type(head: bytes) -> str | None:
    """Return the image type the leading bytes announce, or None."""
    if head.startswith(JPEG_MAGIC):
        return "jpeg"
    if head.startswith(PNG_MAGIC):
        return "png"
    return None


def clean_image(
    requirement: str, filename: str, data: bytes, *, max_bytes: int, max_pixels: int
) -> CleanImage:
    """Validate one upload and return a re-encoded copy without metadata."""
    if len(data) > max_bytes:
        raise PayloadTooLargeError(
            f"file {filename!r} for {requirement} is {len(data)} bytes, more than the "
            f"limit of {max_bytes} bytes; take the photo at a lower resolution",
            requirement=requirement,
        )
    if not data:
        raise ValidationFailedError(
            f"file {filename!r} for {requirement} is empty; choose the photo again",
            requirement=requirement,
        )
    kind = sniff_type(data[:8])
    if kind is None:
        raise ValidationFailedError(
            f"file {filename!r} for {requirement} is not a JPEG or PNG image; "
            "upload a photo or scan of the original paper",
            requirement=requirement,
        )
    image = _decode(requirement, filename, data, max_pixels)
    return _reencode(image, kind)


def _decode(
    requirement: str, filename: str, data: bytes, max_pixels: int
) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            _check_pixel_count(requirement, filename, (width, height), max_pixels)
            _check_declared_size(requirement, filename, len(data), (width, height))
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationFailedError(
            f"image {filename!r} for {requirement} is damaged or truncated and could "
            "not be read; take the photo again",
            requirement=requirement,
        ) from error
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
        raise PayloadTooLargeError(
            f"image {filename!r} for {requirement} has too many pixels; take the "
            "photo at a lower resolution",
            requirement=requirement,
        ) from error
    return image


def _check_declared_size(
    requirement: str, filename: str, size: int, dimensions: tuple[int, int]
) -> None:
    width, height = dimensions
    needed = width * height * MIN_BYTES_PER_PIXEL
    if size < needed:
        raise ValidationFailedError(
            f"image {filename!r} for {requirement} declares {width}x{height} pixels "
            f"but has only {size} bytes, fewer than the {needed:.0f} bytes any real "
            "photo of that size has; send the original photo or scan of the paper",
            requirement=requirement,
        )


def _check_pixel_count(
    requirement: str, filename: str, dimensions: tuple[int, int], max_pixels: int
) -> None:
    width, height = dimensions
    if width * height > max_pixels:
        raise PayloadTooLargeError(
            f"image {filename!r} for {requirement} has {width}x{height} "
            f"pixels, more than {max_pixels}; take the photo at a lower "
            "resolution",
            requirement=requirement,
        )


def _reencode(image: Image.Image, kind: str) -> CleanImage:
    # Phones store the camera's rotation as an EXIF tag; apply it before the
    # tag is dropped, or the paper is stored sideways.
    image = ImageOps.exif_transpose(image)
    # Pillow copies a JPEG comment segment from `info` into the new file.
    image.info.clear()
    output = io.BytesIO()
    if kind == "jpeg":
        rgb = image.convert("RGB")
        rgb.save(output, format="JPEG", quality=JPEG_QUALITY, optimize=True)
        content_type, extension = "image/jpeg", "jpg"
    else:
        mode = "RGBA" if image.mode in {"RGBA", "LA", "P"} else "RGB"
        image.convert(mode).save(output, format="PNG", optimize=True)
        content_type, extension = "image/png", "png"
    return CleanImage(
        output.getvalue(), content_type, extension, image.width, image.height
    )


class ImageCleaner:
    """A bounded set of worker threads that run clean_image.

    Decoding and re-encoding a large photo takes up to seconds of CPU, which
    would stall every other request if it ran on the event loop. Each decode
    holds the bitmap in memory (Pillow keeps an RGB pixel in 4 bytes, so 160
    MB at the 40-million-pixel default) plus converted copies, so the
    semaphore also bounds the memory one process spends on uploads.
    """

    def __init__(self, *, max_bytes: int, max_pixels: int, concurrency: int) -> None:
        self._max_bytes = max_bytes
        self._max_pixels = max_pixels
        self._slots = asyncio.Semaphore(concurrency)

    async def clean(self, requirement: str, filename: str, data: bytes) -> CleanImage:
        """Validate one upload and return its re-encoded copy, off the event loop."""
        async with self._slots:
            work = asyncio.ensure_future(
                asyncio.to_thread(
                    clean_image,
                    requirement,
                    filename,
                    data,
                    max_bytes=self._max_bytes,
                    max_pixels=self._max_pixels,
                )
            )
            try:
                return await asyncio.shield(work)
            except asyncio.CancelledError:
                # A thread cannot be stopped: keep its slot until it ends, or a
                # cancelled request would let one more decode start meanwhile.
                await asyncio.wait([work])
                raise
