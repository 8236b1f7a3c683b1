"""Uploaded pictures (case photos, usul photos, products, festival events): the one place that decides
whether an upload is a picture we accept, and how it is re-encoded.

An upload is decoded by Pillow, never trusted by its name or content type; size and pixel count are
capped before decoding (a decompression bomb is refused unread); re-encoding drops EXIF data such as a
phone's GPS position and keeps stored files small for slow connections. Each app decides where and in
what sizes it stores the result."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from smartkampung.core.errors import DomainError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # well above any phone camera
PHOTO_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP"})  # MPO: what some phones write for JPEG


def read_upload(upload, *, field: str) -> bytes:
    """The upload's bytes, refused when empty or over MAX_UPLOAD_BYTES (read no further than that)."""
    limit = _("Gambar lebih besar dari %(mb)s MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise DomainError("invalid_image", limit, field=field)
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise DomainError("invalid_image", limit, field=field)
    if not data:
        raise DomainError("invalid_image", _("Berkas kosong."), field=field)
    return data


def open_image(data: bytes, *, field: str, formats: frozenset[str] = PHOTO_FORMATS) -> Image.Image:
    """The decoded picture, or DomainError("invalid_image") when the bytes are not one we accept."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            if kind not in formats:
                raise DomainError("invalid_image", _("Gambar %(kind)s tidak diterima; kirim JPEG, PNG atau WebP.") % {"kind": kind}, field=field)
            if probe.width * probe.height > MAX_PIXELS:
                raise DomainError("invalid_image", _("Gambar terlalu besar (jumlah piksel)."), field=field)
            probe.verify()  # structure check of the whole file; the image must be opened again to be used
        image = Image.open(io.BytesIO(data))
        image.load()
    except DomainError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise DomainError("invalid_image", _("Berkas ini bukan gambar (JPEG, PNG atau WebP)."), field=field) from error
    return image


def upright_rgb(image: Image.Image) -> Image.Image:
    """Turned as the camera meant (EXIF orientation), transparency flattened on white, in RGB."""
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGB", "L"):
        return image.convert("RGB")
    rgba = image.convert("RGBA")
    background = Image.new("RGB", image.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def jpeg_bytes(image: Image.Image, *, side: int, quality: int = 82) -> bytes:
    """An RGB picture shrunk to fit `side` x `side`, as a JPEG without metadata."""
    copy = image.copy()
    copy.thumbnail((side, side))
    out = io.BytesIO()
    copy.save(out, format="JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()
