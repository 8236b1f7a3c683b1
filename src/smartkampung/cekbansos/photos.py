"""An optional photo with an usul: checked and re-encoded as a plain JPEG by core.images, so that no
metadata (the phone's GPS position in EXIF, the camera, the time) travels on."""

from __future__ import annotations

from django.core.files.base import ContentFile

from smartkampung.core import images

MAX_SIDE = 1600  # what a verifying operator needs; keeps files small for slow connections


def clean_photo(upload) -> ContentFile:
    """The upload as a re-encoded JPEG, or DomainError(field="photo")."""
    image = images.upright_rgb(images.open_image(images.read_upload(upload, field="photo"), field="photo"))
    return ContentFile(images.jpeg_bytes(image, side=MAX_SIDE), name="foto.jpg")
