"""Base58btc multibase, Ed25519 Multikeys and `did:key` identifiers."""

from __future__ import annotations

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
B58_INDEX = {c: i for i, c in enumerate(B58)}
ED25519_PUB = b"\xed\x01"  # multicodec ed25519-pub, varint 0xed


class MultibaseError(ValueError):
    """The value is not base58btc multibase text."""


def b58encode(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = []
    while n:
        n, r = divmod(n, 58)
        out.append(B58[r])
    zeros = len(data) - len(data.lstrip(b"\x00"))
    return "1" * zeros + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    n = 0
    for c in text:
        try:
            n = n * 58 + B58_INDEX[c]
        except KeyError:
            raise MultibaseError(f"{c!r} is not a base58 character.") from None
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\x00" * (len(text) - len(text.lstrip("1"))) + raw


def multibase_encode(data: bytes) -> str:
    """'z' + base58btc, the encoding of proof values and Multikeys."""
    return "z" + b58encode(data)


def multibase_decode(text: str) -> bytes:
    if not isinstance(text, str) or not text.startswith("z"):
        raise MultibaseError("Only base58btc multibase values (starting with 'z') are understood.")
    return b58decode(text[1:])


def public_key_multibase(public_key: bytes) -> str:
    """The Multikey text of a 32-byte Ed25519 public key ('z6Mk...')."""
    if len(public_key) != 32:
        raise MultibaseError("An Ed25519 public key is 32 bytes.")
    return multibase_encode(ED25519_PUB + public_key)


def ed25519_from_multikey(multikey: str) -> bytes:
    raw = multibase_decode(multikey)
    if raw[:2] != ED25519_PUB or len(raw) != 34:
        raise MultibaseError("The key is not an Ed25519 Multikey.")
    return raw[2:]


def did_key(public_key: bytes) -> str:
    return "did:key:" + public_key_multibase(public_key)


def did_key_verification_method(public_key: bytes) -> str:
    mk = public_key_multibase(public_key)
    return f"did:key:{mk}#{mk}"
