"""Issuer private keys at rest: the 32-byte Ed25519 seed is sealed with XSalsa20-Poly1305
(PyNaCl SecretBox) under a key derived from SECRET_KEY by BLAKE2b with a purpose tag.

Rotating SECRET_KEY: put the old value in SECRET_KEY_FALLBACKS; seeds sealed under it
still open, and `rotate_issuer_key` makes a new key sealed under the new secret.
docs/adr/0011-verifiable-credentials.md says why.
"""

from __future__ import annotations

import base64

import nacl.encoding
import nacl.exceptions
import nacl.hash
import nacl.secret
import nacl.utils
from django.conf import settings

PURPOSE = b"capmap-cred-key1"  # BLAKE2b personalisation: 16 bytes


class KeyUnavailable(Exception):
    """The issuer key cannot be opened with this deployment's SECRET_KEY."""


def _box(secret: str) -> nacl.secret.SecretBox:
    key = nacl.hash.blake2b(
        secret.encode(), digest_size=32, person=PURPOSE, encoder=nacl.encoding.RawEncoder
    )
    return nacl.secret.SecretBox(key)


def seal_seed(seed: bytes) -> str:
    return base64.b64encode(bytes(_box(settings.SECRET_KEY).encrypt(seed))).decode()


def open_seed(sealed: str) -> bytes:
    data = base64.b64decode(sealed)
    for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        try:
            return _box(secret).decrypt(data)
        except nacl.exceptions.CryptoError:
            continue
    raise KeyUnavailable(
        "The organisation's signing key cannot be opened: SECRET_KEY has changed. Put the "
        "old value in SECRET_KEY_FALLBACKS, or rotate the organisation's key."
    )


def new_seed() -> bytes:
    return nacl.utils.random(32)
