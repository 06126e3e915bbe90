"""A second, independent check of a credential's proof for the tests: plain PyNaCl over
pyld's canonical form, sharing no code with `capmap.credentials.vc`."""

import hashlib
import json
from pathlib import Path

import nacl.signing
from pyld import jsonld

CONTEXTS = Path(__file__).resolve().parent.parent / "contexts"
FILES = {
    "https://www.w3.org/ns/credentials/v2": "w3c-credentials-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-context-3.0.3.json",
}
ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _loader(url, options=None):
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": json.loads((CONTEXTS / FILES[url]).read_text()),
    }


def _b58(text: str) -> bytes:
    n = 0
    for c in text:
        n = n * 58 + ALPHABET.index(c)
    # Each leading "1" stands for a leading zero byte, which the number alone loses.
    zeros = len(text) - len(text.lstrip("1"))
    return b"\x00" * zeros + n.to_bytes((n.bit_length() + 7) // 8, "big")


def _canon(doc) -> bytes:
    return jsonld.normalize(
        doc, {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": _loader}
    ).encode()


def independently_verified(credential: dict) -> bool:
    """True when the did:key proof holds; raises nacl's BadSignatureError when not."""
    proof = dict(credential["proof"])
    signature = _b58(proof.pop("proofValue")[1:])
    proof["@context"] = credential["@context"]
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    data = hashlib.sha256(_canon(proof)).digest() + hashlib.sha256(_canon(unsigned)).digest()
    multikey = proof["verificationMethod"].split("#")[0].removeprefix("did:key:")
    raw = _b58(multikey[1:])
    assert raw[:2] == b"\xed\x01"
    nacl.signing.VerifyKey(raw[2:]).verify(data, signature)
    return True
