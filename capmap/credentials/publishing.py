"""What Capmap publishes about its issuers: stable URLs, issuer profiles with their
public keys, the did:web document of the deployment and signed status lists. Reads
only; nothing here changes state."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from capmap.organisations.models import Organisation

from . import keys
from .models import IssuedCredential, IssuerKey, Revocation, StatusList
from .vc.baking import badge_svg, bake_svg
from .vc.dataintegrity import sign, utc_now_text
from .vc.documents import OB_V3, VC_V2
from .vc.multibase import ed25519_from_multikey
from .vc.statuslist import status_list_credential


def public_url() -> str:
    return settings.CAPMAP_BASE_URL


def issuer_url(organisation_id: int) -> str:
    return f"{public_url()}/credentials/issuers/{organisation_id}"


def status_list_url(organisation_id: int, number: int) -> str:
    return f"{public_url()}/credentials/status/{organisation_id}/{number}"


def credential_url(public_id: Any) -> str:
    """The credential's id: also its public verification page (a shareable link)."""
    return f"{public_url()}/credentials/c/{public_id}"


def did_web() -> str:
    """did:web of the deployment (a port is written %3A, as did:web says)."""
    netloc = urlsplit(public_url()).netloc
    return "did:web:" + netloc.replace(":", "%3A")


def profile_ref(organisation: Organisation) -> dict[str, Any]:
    """The issuer as it appears inside a credential: an OB 3.0 Profile."""
    return {
        "id": issuer_url(organisation.pk),
        "type": ["Profile"],
        "name": organisation.name,
        "url": public_url(),
    }


def _method(key: IssuerKey) -> dict[str, Any]:
    return {
        "id": f"did:key:{key.public_key}#{key.public_key}",
        "type": "Multikey",
        "controller": issuer_url(key.organisation_id),
        "publicKeyMultibase": key.public_key,
        **({"revoked": key.retired_at.isoformat()} if key.retired_at else {}),
    }


def issuer_profile(organisation: Organisation) -> dict[str, Any]:
    """The document at the issuer URL: its OB 3.0 Profile and every key it has signed
    with, the retired ones too (marked), so earlier credentials still verify."""
    published = list(IssuerKey.objects.filter(organisation=organisation).order_by("created_at"))
    methods = [_method(k) for k in published]
    return {
        "@context": [VC_V2, OB_V3],
        **profile_ref(organisation),
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }


def did_document() -> dict[str, Any]:
    """/.well-known/did.json: the deployment's did:web, listing every issuer key."""
    did = did_web()
    methods = []
    for key in IssuerKey.objects.select_related("organisation").order_by("pk"):
        methods.append(
            {
                "id": f"{did}#key-{key.pk}",
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": key.public_key,
                "issuer": issuer_url(key.organisation_id),
            }
        )
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }


def signed_status_list(status_list: StatusList) -> dict[str, Any]:
    """The BitstringStatusListCredential, signed now by the issuer's current key."""
    from .services import current_key  # the key is made on demand

    revoked = set(
        Revocation.objects.filter(credential__status_list=status_list).values_list(
            "credential__status_index", flat=True
        )
    )
    key = current_key(status_list.organisation)
    unsigned = status_list_credential(
        url=status_list_url(status_list.organisation_id, status_list.number),
        issuer=profile_ref(status_list.organisation),
        revoked=revoked,
        valid_from=utc_now_text(),
    )
    return sign(unsigned, seed=keys.open_seed(key.encrypted_seed))


def key_bytes(key: IssuerKey) -> bytes:
    return ed25519_from_multikey(key.public_key)


def credential_file_name(credential: IssuedCredential, suffix: str = ".json") -> str:
    return f"credential-{credential.public_id}{suffix}"


def baked_badge(credential: IssuedCredential) -> str:
    """The credential's badge image (SVG) with the signed JSON credential baked in."""
    picture = badge_svg(
        title=credential.achievement_name,
        level=credential.level_name if credential.level is not None else "",
        issuer=credential.organisation.name,
        issued_on=f"Issued {credential.issued_at:%d %B %Y}",
    )
    return bake_svg(picture, credential=credential.document)


def credential_files(credential: IssuedCredential) -> list[tuple[str, str]]:
    """What a holder keeps of one credential, as (file name, text): the signed JSON and the
    badge image with that same JSON baked in. The ZIP download and `capmap credentials
    export` both write these, so the two can never drift apart."""
    return [
        (credential_file_name(credential), json.dumps(credential.document, indent=2)),
        (credential_file_name(credential, ".svg"), baked_badge(credential)),
    ]
