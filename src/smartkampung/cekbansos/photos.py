"""An optional photo with an usul: checked to be an image by decoding it (Pillow), never trusted by its
name or content type, size-capped, and re-encoded as a plain JPEG so that no metadata (the phone's GPS
position in EXIF, the camera, the time) travels on."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from smartkampung.core.errors import DomainError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded
MAX_SIDE = 1600  # what a verifying operator needs; keeps files small for slow connections
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})


def clean_photo(upload) -> ContentFile:
    """The upload as a re-encoded JPEG, or DomainError(field="photo")."""
    size = getattr(upload, "size", None)
    if size is None or size > MAX_UPLOAD_BYTES:
        raise DomainError("invalid", _("Foto terlalu besar: paling besar %(mb)s MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}, field="photo")
    data = upload.read()
    if len(data) > MAX_UPLOAD_BYTES:
        raise DomainError("invalid", _("Foto terlalu besar: paling besar %(mb)s MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}, field="photo")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise DomainError("invalid", _("Foto harus berformat JPEG, PNG atau WebP."), field="photo")
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise DomainError("invalid", _("Ukuran gambar terlalu besar."), field="photo")
            probe.verify()  # structural check of the whole file
        with Image.open(io.BytesIO(data)) as image:  # verify() leaves the image unusable: open again
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGB")
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=82, optimize=True)
    except DomainError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        raise DomainError("invalid", _("Berkas ini bukan gambar yang dapat dibaca."), field="photo") from error
    return ContentFile(out.getvalue(), name="foto.jpg")
