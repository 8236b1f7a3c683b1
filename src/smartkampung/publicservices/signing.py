"""The regency's letter-signing key (Ed25519) and the canonical form of a letter that it signs.

The private key is a PEM file the regency's admin keeps: SMARTKAMPUNG_LETTER_KEY names its path. Without
it a development key is generated under var/ (with a warning, and letters it signs are marked as signed
with a development key): fine for the demo, never for real letters. Only the public half is stored in the
database (SigningKey), so letters keep verifying after the key is rotated.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.utils.translation import gettext as _

from smartkampung.core.errors import DomainError

logger = logging.getLogger(__name__)
KEY_ENV = "SMARTKAMPUNG_LETTER_KEY"
DEV_KEY_NAME = "letter-signing-dev.pem"


@dataclass(frozen=True)
class LoadedKey:
    private: Ed25519PrivateKey
    key_id: str
    public_hex: str
    is_development: bool


def canonical(content: dict) -> bytes:
    """The exact bytes a signature covers: JSON, keys sorted, no spaces, UTF-8 (RFC 8785-like for our types)."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def public_hex(public: Ed25519PublicKey) -> str:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def key_id_of(public_key_hex: str) -> str:
    return hashlib.sha256(bytes.fromhex(public_key_hex)).hexdigest()[:16]


def _read_private(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as error:
        raise DomainError("not_configured", _("Kunci penandatangan surat %(path)s tidak dapat dibaca: %(error)s.") % {"path": path, "error": error}, field=KEY_ENV) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise DomainError("not_configured", _("Kunci penandatangan surat %(path)s bukan kunci Ed25519.") % {"path": path}, field=KEY_ENV)
    return key


def write_new_key(path: Path) -> Ed25519PrivateKey:
    """Generate a key into `path` (mode 600); `smartkampung letter_key --generate PATH` uses it too."""
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return key


def load_key() -> LoadedKey:
    """The configured key, read on each call (no process cache: the admin may rotate the file)."""
    configured = os.environ.get(KEY_ENV, "").strip()
    if configured:
        private = _read_private(Path(configured))
        development = False
    else:
        path = Path(settings.VAR_DIR) / DEV_KEY_NAME
        if path.exists():
            private = _read_private(path)
        else:
            try:
                private = write_new_key(path)
            except FileExistsError:  # another worker made it a moment ago
                private = _read_private(path)
        logger.warning("%s is not set: letters are signed with the development key %s. Never issue real letters with it.", KEY_ENV, path)
        development = True
    hex_ = public_hex(private.public_key())
    return LoadedKey(private=private, key_id=key_id_of(hex_), public_hex=hex_, is_development=development)


def sign(key: LoadedKey, content: dict) -> str:
    return key.private.sign(canonical(content)).hex()


def signature_valid(*, public_key_hex: str, content: dict, signature_hex: str) -> bool:
    try:
        public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key_hex))
        public.verify(bytes.fromhex(signature_hex), canonical(content))
    except (InvalidSignature, ValueError):
        return False
    return True
