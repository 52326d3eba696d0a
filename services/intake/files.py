"""Checks and cleaning of uploaded requirement photos.

A file is accepted only when its bytes are a JPEG or PNG (judged by content,
not by name or declared type), it stays under the size and pixel limits, and
Pillow decodes it fully. The stored copy is re-encoded from the decoded
pixels, which drops EXIF data such as GPS positions.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from shared.errors import PayloadTooLargeError, ValidationFailedError

JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_QUALITY = 90


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
            if width * height > max_pixels:
                raise PayloadTooLargeError(
                    f"image {filename!r} for {requirement} has {width}x{height} "
                    f"pixels, more than {max_pixels}; take the photo at a lower "
                    "resolution",
                    requirement=requirement,
                )
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
