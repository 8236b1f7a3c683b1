"""Shop and festival pictures: checked and re-encoded by core.images in two sizes, stored under
MEDIA_ROOT with unguessable names, served by a view. The festival app uses the same helpers."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from PIL import Image

from smartkampung.core import images

FULL_SIDE = 1280
THUMB_SIDE = 400
# Shop and festival pictures may also be GIFs (a seller's logo); case and usul photos may not.
ACCEPTED_FORMATS = images.PHOTO_FORMATS | {"GIF"}


@dataclass(frozen=True)
class StoredImage:
    path: str  # relative to MEDIA_ROOT
    thumb_path: str
    width: int
    height: int


def prepare_image(upload, *, field: str = "image") -> tuple[bytes, bytes, int, int]:
    """Check and re-encode an upload: (full JPEG, thumbnail JPEG, width, height). Writes nothing."""
    image = images.upright_rgb(images.open_image(images.read_upload(upload, field=field), field=field, formats=ACCEPTED_FORMATS))
    full = images.jpeg_bytes(image, side=FULL_SIDE)
    thumb = images.jpeg_bytes(image, side=THUMB_SIDE)
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
