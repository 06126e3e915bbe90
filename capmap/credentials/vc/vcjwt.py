"""VC-JWT: the credential as the payload of a compact JWS (VC-JOSE-COSE, `vc+jwt`),
signed with EdDSA (Ed25519) by the same issuer key as the Data Integrity proof."""

from __future__ import annotations

import base64
import json
import warnings
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError, SecurityWarning
from joserfc.jwk import OKPKey, RSAKey
from joserfc.jws import JWSRegistry

from .dataintegrity import KeyResolver, ProofError, ResolvedKey
from .multibase import did_key_verification_method

ALGORITHMS = ["EdDSA", "Ed25519", "RS256", "ES256"]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _okp_key(public_key: bytes, seed: bytes | None = None) -> OKPKey:
    data: dict[str, str | list[str]] = {"kty": "OKP", "crv": "Ed25519", "x": _b64(public_key)}
    if seed is not None:
        data["d"] = _b64(seed)
    return OKPKey.import_key(data)


def _registry() -> JWSRegistry:
    # "EdDSA" is what VC-JWT verifiers understand today; RFC 9864's "Ed25519" is read too.
    warnings.filterwarnings("ignore", "EdDSA is deprecated", SecurityWarning)
    registry = JWSRegistry(algorithms=ALGORITHMS)
    registry.max_header_length = 8192  # an issuer may embed its (RSA) key in the header
    return registry


def encode(
    credential: dict[str, Any], *, seed: bytes, public_key: bytes, kid: str | None = None
) -> str:
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    header = {
        "alg": "EdDSA",
        "typ": "vc+jwt",
        "cty": "vc",
        "kid": kid or did_key_verification_method(public_key),
    }
    payload = json.dumps(unsigned, separators=(",", ":"), ensure_ascii=False).encode()
    return jws.serialize_compact(header, payload, _okp_key(public_key, seed), registry=_registry())


def looks_like_jwt(text: str) -> bool:
    parts = text.strip().split(".")
    return len(parts) == 3 and all(parts[:2]) and text.strip().startswith("eyJ")


def decode(token: str, resolvers: list[KeyResolver]) -> tuple[dict[str, Any], ResolvedKey, str]:
    """(credential, key, key id) of a VC-JWT whose signature holds; ProofError if not."""
    token = token.strip()
    try:
        header = json.loads(_unb64(token.split(".")[0]))
    except (ValueError, IndexError):
        raise ProofError("The token's header cannot be read.") from None
    if not isinstance(header, dict):
        raise ProofError("The token's header cannot be read.")
    kid = str(header.get("kid", ""))
    key: Any
    resolved = next((k for r in resolvers if (k := r(kid)) is not None), None) if kid else None
    try:
        if resolved is not None:
            key = _okp_key(resolved.public_key)
        elif isinstance(header.get("jwk"), dict):
            jwk = header["jwk"]
            key = RSAKey.import_key(jwk) if jwk.get("kty") == "RSA" else OKPKey.import_key(jwk)
            resolved = ResolvedKey(b"", "the key embedded in the token's own header")
        else:
            raise ProofError("The key that signed the token could not be found.")
        obj = jws.deserialize_compact(token, key, registry=_registry())
    except ProofError:
        raise
    except (JoseError, ValueError, TypeError) as error:
        raise ProofError(
            "The token's signature does not match its content: it has been changed since it "
            f"was signed, or was signed with another key ({type(error).__name__})."
        ) from None
    try:
        payload = json.loads(obj.payload)
    except ValueError:
        raise ProofError("The token's payload is not JSON.") from None
    if isinstance(payload, dict) and isinstance(payload.get("vc"), dict):
        payload = payload["vc"]  # VC-JWT of VC Data Model 1.1
    if not isinstance(payload, dict):
        raise ProofError("The token does not hold a credential.")
    return payload, resolved, kid or "embedded key"
