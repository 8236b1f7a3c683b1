"""Uploaded pictures: checked with Pillow, re-encoded, stored under MEDIA_ROOT, served by a view.

Re-encoding (not storing the upload as sent) drops EXIF data such as a phone's GPS position, refuses
files that only pretend to be images, and keeps every stored picture small for slow connections. The
festival app uses the same helper for event pictures.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from smartkampung.core.errors import DomainError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a decompression bomb guard well above any phone camera
FULL_SIDE = 1280
THUMB_SIDE = 400
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}  # MPO: what some phones write for JPEG


@dataclass(frozen=True)
class StoredImage:
    path: str  # relative to MEDIA_ROOT
    thumb_path: str
    width: int
    height: int


def _read(upload, field: str) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise DomainError("invalid", _("Gambar berukuran %(mb)s MB; batasnya 5 MB.") % {"mb": f"{size / 1024 / 1024:.1f}"}, field=field)
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise DomainError("invalid", _("Gambar lebih besar dari 5 MB."), field=field)
    if not data:
        raise DomainError("invalid", _("Berkas kosong."), field=field)
    return data


def open_checked(data: bytes, field: str) -> Image.Image:
    """The decoded image, or a DomainError when the bytes are not a picture we accept."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            probe.verify()  # structure check; the image must be opened again to be used
        if kind not in ACCEPTED_FORMATS:
            raise DomainError("invalid_image", _("Gambar %(kind)s tidak diterima; kirim JPEG, PNG atau WebP.") % {"kind": kind}, field=field)
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise DomainError("invalid_image", _("Gambar terlalu besar (jumlah piksel)."), field=field)
        image.load()
    except DomainError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise DomainError("invalid_image", _("Berkas ini bukan gambar (JPEG, PNG atau WebP)."), field=field) from error
    return image


def _encode(image: Image.Image, side: int) -> bytes:
    copy = image.copy()
    copy.thumbnail((side, side))
    out = io.BytesIO()
    copy.save(out, format="JPEG", quality=82, optimize=True, progressive=True)
    return out.getvalue()


def prepare_image(upload, *, field: str = "image") -> tuple[bytes, bytes, int, int]:
    """Check and re-encode an upload: (full JPEG, thumbnail JPEG, width, height). Writes nothing."""
    image = open_checked(_read(upload, field), field)
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, (255, 255, 255))
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    elif image.mode == "L":
        image = image.convert("RGB")
    full = _encode(image, FULL_SIDE)
    thumb = _encode(image, THUMB_SIDE)
    with Image.open(io.BytesIO(full)) as stored:
        width, height = stored.size
    return full, thumb, width, height


def write_image(*, folder: str, full: bytes, thumb: bytes, width: int, height: int) -> StoredImage:
    """Write a prepared image under MEDIA_ROOT/<folder>/ with an unguessable name."""
    name = uuid.uuid4().hex
    rel_full, rel_thumb = f"{folder}/{name}.jpg", f"{folder}/{name}-thumb.jpg"
    root = Path(settings.MEDIA_ROOT)
    (root / folder).mkdir(parents=True, exist_ok=True)
    (root / rel_full).write_bytes(full)
    (root / rel_thumb).write_bytes(thumb)
    return StoredImage(path=rel_full, thumb_path=rel_thumb, width=width, height=height)


def media_path(relative: str) -> Path | None:
    """The absolute path of a stored file, or None if it would escape MEDIA_ROOT or does not exist."""
    root = Path(settings.MEDIA_ROOT).resolve()
    candidate = (root / relative).resolve()
    if root not in candidate.parents or not candidate.is_file():
        return None
    return candidate


def remove_files(*relatives: str) -> None:
    for relative in relatives:
        path = media_path(relative) if relative else None
        if path is not None:
            path.unlink(missing_ok=True)
