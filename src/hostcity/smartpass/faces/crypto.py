"""Templates encrypted at rest: AES-256-GCM with rotating keys named by a key id.

Keys come from ``settings.smartpass.template_keys`` (key id -> base64 of 32 bytes); the last
key encrypts and every key decrypts. With no key configured, a per-install key is derived
from ``settings.secret_key`` with HKDF-SHA256 under the key id ``derived``: changing the
secret key then makes stored templates unreadable, so production should set explicit keys.
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass

import numpy as np
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from numpy.typing import NDArray

from hostcity.core.errors import ConfigError, StorageError

DERIVED_KEY_ID = "derived"
NONCE_BYTES = 12
HKDF_INFO = b"hostcity smartpass face templates v1"


@dataclass(frozen=True)
class Sealed:
    """An encrypted template: the key id that sealed it and nonce + ciphertext + tag."""

    key_id: str
    blob: bytes


def derive_key(secret_key: str) -> bytes:
    """The 32-byte per-install key derived from the platform secret with HKDF-SHA256."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=HKDF_INFO)
    return hkdf.derive(secret_key.encode())


class KeyRing:
    """The template keys by id; the last one added encrypts."""

    def __init__(self, keys: dict[str, bytes]) -> None:
        if not keys:
            raise ConfigError("a key ring needs at least one key")
        for key_id, key in keys.items():
            if len(key) != 32:
                raise ConfigError(
                    f"template key {key_id!r} is {len(key)} bytes; AES-256 needs 32",
                    hint="make one with: python -c 'import os,base64;"
                    "print(base64.b64encode(os.urandom(32)).decode())'",
                )
        self._keys = dict(keys)
        self.current_id = list(keys)[-1]

    @classmethod
    def from_settings(cls, template_keys: dict[str, str], secret_key: str) -> KeyRing:
        """Decode configured base64 keys, or derive one from the secret key.

        Raises:
            ConfigError: for a key that is not base64 of 32 bytes.
        """
        if not template_keys:
            return cls({DERIVED_KEY_ID: derive_key(secret_key)})
        decoded: dict[str, bytes] = {}
        for key_id, text in template_keys.items():
            try:
                decoded[key_id] = base64.b64decode(text, validate=True)
            except (binascii.Error, ValueError):
                raise ConfigError(
                    f"template key {key_id!r} is not valid base64",
                    hint="set HOSTCITY_SMARTPASS__TEMPLATE_KEYS to a JSON object of base64 keys",
                ) from None
        # Keep the derived key readable so templates sealed before keys were configured
        # can still be opened (and re-sealed by a rotation).
        keys = {DERIVED_KEY_ID: derive_key(secret_key), **decoded}
        return cls(keys)

    def seal(self, template: NDArray[np.float32], *, aad: bytes) -> Sealed:
        """Encrypt a template with the current key; ``aad`` binds it to its row (holder id)."""
        nonce = os.urandom(NONCE_BYTES)
        plain = np.asarray(template, dtype="<f4").tobytes()
        blob = nonce + AESGCM(self._keys[self.current_id]).encrypt(nonce, plain, aad)
        return Sealed(self.current_id, blob)

    def seal_bytes(self, data: bytes, *, aad: bytes) -> bytes:
        """Encrypt any bytes (a kept photo) with the current key: key id, NUL, nonce, ciphertext."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self._keys[self.current_id]).encrypt(nonce, data, aad)
        return self.current_id.encode() + b"\0" + nonce + sealed

    def open(self, sealed: Sealed, *, aad: bytes) -> NDArray[np.float32]:
        """Decrypt a template.

        Raises:
            StorageError: when the key id is unknown or the ciphertext was tampered with.
        """
        key = self._keys.get(sealed.key_id)
        if key is None:
            raise StorageError(
                f"face template sealed with unknown key id {sealed.key_id!r}",
                hint="add that key back to smartpass.template_keys (keep old keys when rotating)",
            )
        try:
            plain = AESGCM(key).decrypt(sealed.blob[:NONCE_BYTES], sealed.blob[NONCE_BYTES:], aad)
        except InvalidTag:
            raise StorageError(
                "a face template failed its integrity check (wrong key or tampered row)",
                hint="re-enrol the holder; check that smartpass.template_keys did not change",
            ) from None
        return np.frombuffer(plain, dtype="<f4").astype(np.float32)
