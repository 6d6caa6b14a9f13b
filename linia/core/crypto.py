"""Authenticated encryption for secrets at rest (the credential vault, license keys).

Keys come from the environment variable `LINIA_ENCRYPTION_KEYS` (read into the setting of the
same name): a comma-separated list of url-safe base64 keys of 32 bytes, the first one current.
Every ciphertext carries the id of the key that sealed it, so older keys keep decrypting
while `linia rotate-encryption-key` re-seals everything under the current key; remove an
old key only after the rotation has finished.

In the embedded mode, without the variable, a key is generated on first use into
`VAR_DIR/encryption.key` (permissions 0600). Back that file up with the database: without
it the vault cannot be read.

Token layout: version (1 byte) | key id (4 bytes) | nonce (12 bytes) | AES-256-GCM ciphertext
and tag. The header and a purpose string are authenticated as associated data, so a token
cannot be moved between purposes unnoticed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

VERSION = 1
HEADER_LENGTH = 1 + 4 + 12
KEY_FILE_NAME = "encryption.key"
ENV_VARIABLE = "LINIA_ENCRYPTION_KEYS"


class DecryptionError(Exception):
    """The token is damaged, forged, or sealed with a key that is no longer configured.

    The message never contains the token or any plaintext."""


@dataclass(frozen=True)
class Key:
    key_id: bytes
    cipher: AESGCM

    @property
    def hex_id(self) -> str:
        return self.key_id.hex()


@dataclass(frozen=True)
class Keyring:
    keys: tuple[Key, ...]

    @property
    def current(self) -> Key:
        return self.keys[0]

    def find(self, key_id: bytes) -> Key | None:
        return next((key for key in self.keys if key.key_id == key_id), None)


def generate_key() -> str:
    """A new random key in the format `LINIA_ENCRYPTION_KEYS` expects."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def key_id_of(raw: bytes) -> bytes:
    return hashlib.sha256(b"linia-key-id:" + raw).digest()[:4]


def _decode_key(text: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError) as error:
        raise ImproperlyConfigured(
            f"{ENV_VARIABLE}: a key is not valid url-safe base64."
        ) from error
    if len(raw) != 32:
        raise ImproperlyConfigured(f"{ENV_VARIABLE}: every key must be 32 bytes (base64-encoded).")
    return raw


@lru_cache(maxsize=8)
def _build_keyring(texts: tuple[str, ...]) -> Keyring:
    keys = []
    seen: set[bytes] = set()
    for text in texts:
        raw = _decode_key(text)
        key_id = key_id_of(raw)
        if key_id in seen:
            continue
        seen.add(key_id)
        keys.append(Key(key_id=key_id, cipher=AESGCM(raw)))
    if not keys:
        raise ImproperlyConfigured(f"{ENV_VARIABLE} holds no key.")
    return Keyring(keys=tuple(keys))


def configured_key_texts() -> list[str]:
    """The configured keys, current first: the setting (from the environment), else the key
    file of the embedded mode (created on first use)."""
    configured: Any = settings.LINIA_ENCRYPTION_KEYS or []
    if isinstance(configured, str):  # set by hand in a settings file
        configured = configured.split(",")
    texts = [str(text).strip() for text in configured if text and str(text).strip()]
    if texts:
        return texts
    return [_embedded_key_text(Path(settings.VAR_DIR) / KEY_FILE_NAME)]


def _embedded_key_text(path: Path) -> str:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it first: read theirs
        else:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(generate_key() + "\n")
    return path.read_text().strip().split(",")[0].strip()


def keyring() -> Keyring:
    return _build_keyring(tuple(configured_key_texts()))


def _aad(header: bytes, purpose: str) -> bytes:
    return header + b"|" + purpose.encode("utf-8")


def encrypt(plaintext: str, *, purpose: str) -> bytes:
    """Seal `plaintext` under the current key. A new random nonce each time."""
    key = keyring().current
    nonce = secrets.token_bytes(12)
    header = bytes([VERSION]) + key.key_id
    sealed = key.cipher.encrypt(nonce, plaintext.encode("utf-8"), _aad(header, purpose))
    return header + nonce + sealed


def decrypt(token: bytes | memoryview, *, purpose: str) -> str:
    """Open a token sealed by `encrypt` under any configured key. Raises DecryptionError."""
    data = bytes(token)
    if len(data) < HEADER_LENGTH + 16 or data[0] != VERSION:
        raise DecryptionError("Not a Linia ciphertext.")
    header, nonce, sealed = data[:5], data[5:HEADER_LENGTH], data[HEADER_LENGTH:]
    key = keyring().find(header[1:5])
    if key is None:
        raise DecryptionError(f"Sealed with key {header[1:5].hex()}, which is not configured.")
    try:
        return key.cipher.decrypt(nonce, sealed, _aad(header, purpose)).decode("utf-8")
    except InvalidTag as error:
        raise DecryptionError("The ciphertext failed authentication.") from error


def key_id_of_token(token: bytes | memoryview) -> str:
    """The hex id of the key that sealed `token` ("" for something that is not a token)."""
    data = bytes(token)
    if len(data) < 5 or data[0] != VERSION:
        return ""
    return data[1:5].hex()


def needs_rotation(token: bytes | memoryview) -> bool:
    return key_id_of_token(token) != keyring().current.hex_id


def rotate(token: bytes | memoryview, *, purpose: str) -> bytes:
    """The same plaintext sealed under the current key."""
    return encrypt(decrypt(token, purpose=purpose), purpose=purpose)


# Apps that seal secrets of their own (e.g. the e-mail channel's mailbox passwords) register
# how to re-seal them, so that `linia rotate-encryption-key` covers every secret without the
# directory importing the apps above it. A rotator takes the batch size and returns how many
# secrets it re-sealed.
Rotator = Callable[[int], int]
_rotators: dict[str, Rotator] = {}


def register_rotator(name: str, rotator: Rotator) -> None:
    _rotators[name] = rotator


def registered_rotators() -> dict[str, Rotator]:
    return dict(_rotators)
