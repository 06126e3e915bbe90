"""W3C Bitstring Status List v1.0: a GZIP-compressed bitstring, base64url with the
multibase 'u' prefix; bit i (most significant bit of byte 0 first) set = revoked."""

from __future__ import annotations

import base64
import gzip
from typing import Any

from .documents import VC_V2

MIN_BITS = 131_072  # 16 KB: the spec's minimum, for herd privacy


class StatusListError(ValueError):
    """The status list cannot be read."""


def encode_bits(revoked: set[int] | frozenset[int], size: int = MIN_BITS) -> str:
    size = max(size, MIN_BITS, (max(revoked, default=-1) + 8) // 8 * 8)
    data = bytearray(size // 8)
    for index in revoked:
        data[index // 8] |= 0x80 >> (index % 8)
    # mtime=0 keeps the list byte for byte the same for the same revocations.
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(data), mtime=0)).decode().rstrip("=")


def bit_is_set(encoded_list: str, index: int) -> bool:
    if not isinstance(encoded_list, str) or not encoded_list.startswith("u"):
        raise StatusListError("The status list is not base64url multibase text.")
    body = encoded_list[1:]
    try:
        data = gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (ValueError, OSError, EOFError):
        raise StatusListError("The status list cannot be decompressed.") from None
    if not 0 <= index < len(data) * 8:
        raise StatusListError(f"Status index {index} is outside the status list.")
    return bool(data[index // 8] & (0x80 >> (index % 8)))


def status_list_credential(
    *, url: str, issuer: dict[str, Any] | str, revoked: set[int], valid_from: str
) -> dict[str, Any]:
    """The unsigned BitstringStatusListCredential published at `url`."""
    return {
        "@context": [VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": valid_from,
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_bits(revoked),
        },
    }


def status_entry(*, list_url: str, index: int) -> dict[str, Any]:
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }
