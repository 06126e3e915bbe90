"""Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite (W3C VC DI EdDSA 1.0).

hashData = sha256(canonical proof options) + sha256(canonical unsigned document); the
proof value is the Ed25519 signature of hashData, multibase base58btc ('z...').
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import nacl.exceptions
import nacl.signing

from .documents import canonical_nquads
from .multibase import (
    MultibaseError,
    did_key_verification_method,
    ed25519_from_multikey,
    multibase_decode,
    multibase_encode,
)

CRYPTOSUITE = "eddsa-rdfc-2022"

# Given a verification method id, the 32-byte Ed25519 public key and where it came from,
# or None when this resolver does not know the method.
KeyResolver = Callable[[str], "ResolvedKey | None"]


@dataclass(frozen=True)
class ResolvedKey:
    public_key: bytes
    source: str  # a plain-English note: "did:key", "the issuer's published keys"...
    controller: str = ""  # who the key belongs to, as far as the resolver knows
    confirmed: bool = False  # the controller itself publishes the key (not self-asserted)


class ProofError(Exception):
    """A reason, in plain English, why a proof does not hold."""


def utc_now_text() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _hash_data(unsigned: dict[str, Any], proof_options: dict[str, Any]) -> bytes:
    proof_hash = hashlib.sha256(canonical_nquads(proof_options).encode()).digest()
    doc_hash = hashlib.sha256(canonical_nquads(unsigned).encode()).digest()
    return proof_hash + doc_hash


def sign(
    document: dict[str, Any],
    *,
    seed: bytes,
    verification_method: str | None = None,
    created: str | None = None,
) -> dict[str, Any]:
    """A copy of `document` with an eddsa-rdfc-2022 proof by the Ed25519 key of `seed`."""
    signing_key = nacl.signing.SigningKey(seed)
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created or utc_now_text(),
        "verificationMethod": verification_method
        or did_key_verification_method(bytes(signing_key.verify_key)),
        "proofPurpose": "assertionMethod",
    }
    signature = signing_key.sign(
        _hash_data(unsigned, {**options, "@context": unsigned["@context"]})
    ).signature
    signed = copy.deepcopy(unsigned)
    signed["proof"] = {**options, "proofValue": multibase_encode(signature)}
    return signed


def resolve_offline(verification_method: str) -> ResolvedKey | None:
    """Keys that need no look-up: `did:key`, and a Multikey written as the fragment of
    the method id (as the 1EdTech and OB examples do). The second says nothing about who
    holds the key; the issuer's published keys or a recognised-issuers list must."""
    try:
        if verification_method.startswith("did:key:"):
            mk = verification_method[len("did:key:") :].split("#")[0]
            return ResolvedKey(ed25519_from_multikey(mk), "did:key", "did:key:" + mk, True)
        fragment = verification_method.rpartition("#")[2]
        if fragment.startswith("z6Mk"):
            return ResolvedKey(
                ed25519_from_multikey(fragment),
                "the Multikey in the verification method's own id",
                verification_method.partition("#")[0],
            )
    except MultibaseError:
        return None
    return None


@dataclass(frozen=True)
class ProofCheck:
    verification_method: str
    key: ResolvedKey
    created: str


def verify_proof(document: dict[str, Any], resolvers: list[KeyResolver]) -> ProofCheck:
    """Check the document's first eddsa-rdfc-2022 proof; raise ProofError saying why not."""
    proofs = document.get("proof")
    if not proofs:
        raise ProofError("The credential carries no proof: it is not signed.")
    proofs = proofs if isinstance(proofs, list) else [proofs]
    proof = next(
        (p for p in proofs if isinstance(p, dict) and p.get("cryptosuite") == CRYPTOSUITE), None
    )
    if proof is None or proof.get("type") != "DataIntegrityProof":
        raise ProofError(
            "The credential's proof is not an eddsa-rdfc-2022 Data Integrity proof, "
            "the only kind Capmap checks."
        )
    if proof.get("proofPurpose") != "assertionMethod":
        raise ProofError("The proof's purpose is not assertionMethod.")
    method = proof.get("verificationMethod")
    if not isinstance(method, str):
        raise ProofError("The proof does not name the key that made it.")
    key = next((k for r in resolvers if (k := r(method)) is not None), None)
    if key is None:
        raise ProofError(f"The key that signed the credential ({method}) could not be found.")
    try:
        signature = multibase_decode(proof.get("proofValue", ""))
    except MultibaseError:
        raise ProofError("The proof value is not base58btc multibase text.") from None
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    if "@context" not in unsigned:
        raise ProofError("The credential has no @context.")
    options["@context"] = unsigned["@context"]
    data = _hash_data(unsigned, options)
    try:
        nacl.signing.VerifyKey(key.public_key).verify(data, signature)
    except (nacl.exceptions.BadSignatureError, ValueError, TypeError):
        raise ProofError(
            "The signature does not match the content: the credential has been changed "
            "since it was signed, or was signed with another key."
        ) from None
    return ProofCheck(method, key, str(proof.get("created", "")))
