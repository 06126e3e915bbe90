"""JSON-LD contexts served only from the files shipped in `capmap/credentials/contexts/`,
and RDFC-1.0 canonical N-Quads. An unknown context is an error: nothing is fetched."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from pyld import jsonld

CONTEXT_DIR = Path(__file__).resolve().parent.parent / "contexts"

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_V3_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
VC_EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
STATUS_V1 = "https://www.w3.org/ns/credentials/status/v1"

CONTEXT_FILES = {
    VC_V2: "w3c-credentials-v2.jsonld",
    VC_EXAMPLES_V2: "w3c-credentials-examples-v2.jsonld",
    OB_V3: "ob-v3p0-context-3.0.3.json",
    OB_V3_EXTENSIONS: "ob-v3p0-extensions.json",
    STATUS_V1: "w3c-bitstring-status-list-v1.jsonld",
}


class UnknownContext(ValueError):
    """The document names a JSON-LD context that Capmap does not ship."""


@cache
def _context(url: str) -> dict[str, Any]:
    return json.loads((CONTEXT_DIR / CONTEXT_FILES[url]).read_text(encoding="utf-8"))


def load_document(url: str, options: Any = None) -> dict[str, Any]:
    """pyld document loader: shipped contexts only, never the network."""
    if url not in CONTEXT_FILES:
        raise UnknownContext(
            f"The credential uses the JSON-LD context {url}, which Capmap does not hold; "
            "contexts are never fetched."
        )
    return {"contextUrl": None, "documentUrl": url, "document": _context(url)}


def canonical_nquads(document: dict[str, Any]) -> str:
    """RDFC-1.0 (URDNA2015) canonical N-Quads of a JSON-LD document."""
    try:
        return jsonld.normalize(
            document,
            {
                "algorithm": "URDNA2015",
                "format": "application/n-quads",
                "documentLoader": load_document,
            },
        )
    except jsonld.JsonLdError as error:
        cause: BaseException | None = error
        while cause is not None:
            if isinstance(cause, UnknownContext):
                raise cause from None
            cause = getattr(cause, "cause", None) or cause.__cause__
        raise
