"""Uploaded images: type checked by content, size limited, metadata stripped, thumbnails made.

The file is decoded with Pillow whatever its name or declared type; only JPEG, PNG, GIF and WebP
are accepted. It is re-encoded from its pixels, which leaves EXIF, GPS, comments and any other
metadata behind, and stored under a name of our own (content hash).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED = {"JPEG": "jpg", "PNG": "png", "GIF": "png", "WEBP": "webp"}
MAX_PIXELS = 40_000_000  # refuse decompression bombs well below Pillow's own limit
THUMB_SIZE = (480, 480)


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    extension: str
    width: int
    height: int
    sha256: str
    thumbnail: bytes


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    elif fmt == "WEBP":
        image.save(out, "WEBP", quality=85)
    else:
        image.save(out, "PNG", optimize=True)
    return out.getvalue()


def clean_image(upload, *, max_bytes: int, name: str = "") -> CleanImage:
    """Check and re-encode one upload; ValidationError with a message naming the file otherwise."""
    label = name or getattr(upload, "name", "") or _("image")
    size = getattr(upload, "size", None)
    if size is None or size > max_bytes:
        raise ValidationError(
            _("%(name)s is larger than the %(mb)d MB allowed.") % {"name": label, "mb": max_bytes // 2**20}
        )
    data = upload.read()
    if len(data) > max_bytes:
        raise ValidationError(
            _("%(name)s is larger than the %(mb)d MB allowed.") % {"name": label, "mb": max_bytes // 2**20}
        )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            if fmt not in ALLOWED:
                raise ValidationError(_("%(name)s is not a JPEG, PNG, GIF or WebP image.") % {"name": label})
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("%(name)s has too many pixels.") % {"name": label})
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            # Apply the EXIF orientation to the pixels, then drop every piece of metadata.
            image = ImageOps.exif_transpose(image)
            if image.mode not in ("RGB", "RGBA", "L", "LA"):
                image = image.convert("RGBA" if "transparency" in image.info else "RGB")
            pixels = Image.new(image.mode, image.size)
            pixels.paste(image)
            out_fmt = "PNG" if fmt == "GIF" else fmt
            content = _encode(pixels, out_fmt)
            thumb = pixels.copy()
            thumb.thumbnail(THUMB_SIZE)
            thumbnail = _encode(thumb, "JPEG" if out_fmt == "JPEG" else "PNG")
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("%(name)s is not a valid image file.") % {"name": label}) from None
    return CleanImage(
        content=content,
        extension=ALLOWED[fmt],
        width=pixels.width,
        height=pixels.height,
        sha256=hashlib.sha256(content).hexdigest(),
        thumbnail=thumbnail,
    )
