"""JSON-LD processing with bundled contexts only (R-VE-4).

Every context a credential of ours (or the W3C test vector) uses is a file in
``contexts/``; ``bundled_document_loader`` serves exactly those URLs and refuses
any other, so canonicalizing a credential someone hands us never reaches the
network or the disk outside that folder. Parsed contexts are cached per process
in a cache of our own (not PyLD's shared one).
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

from cachetools import LRUCache
from pyld import jsonld
from pyld.context_resolver import ContextResolver

CONTEXT_DIR = Path(__file__).resolve().parent / "contexts"
CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
CREDENTIALS_EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
# Our own terms (certificate number, USMLE ID, dates). A fixed identifier, bundled
# here and served by the portal at /credentials/contexts/certificate/v1 for readers.
CERTIFICATE_CONTEXT_V1 = "https://www.ecfmg.org/credentials/certificate/v1"

BUNDLED_CONTEXTS: dict[str, str] = {
    CREDENTIALS_V2: "credentials-v2.jsonld",
    CREDENTIALS_EXAMPLES_V2: "credentials-examples-v2.jsonld",
    CERTIFICATE_CONTEXT_V1: "ecfmg-certificate-v1.jsonld",
}
_resolved_contexts: LRUCache[str, Any] = LRUCache(maxsize=32)


class ContextNotBundled(ValueError):
    """A JSON-LD context that is not one of ours: never fetched."""


@functools.cache
def bundled_context(url: str) -> Any:
    name = BUNDLED_CONTEXTS.get(url)
    if name is None:
        raise ContextNotBundled(f"JSON-LD context not bundled: {url[:80]}")
    return json.loads((CONTEXT_DIR / name).read_text(encoding="utf-8"))


def bundled_document_loader(url: str, options: Any = None) -> dict[str, Any]:
    """PyLD document loader: bundled contexts only, a fresh copy each time.

    Tagged ``static`` (they never change): PyLD then keeps the resolved context in the
    shared cache under its URL. Untagged, it cached it for one operation only, so every
    canonicalization loaded, copied and resolved the VC 2.0 context again."""
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": copy.deepcopy(bundled_context(url)),
        "tag": "static",
    }


def canonical_nquads(document: dict[str, Any]) -> str:
    """RDF Dataset Canonicalization (RDFC-1.0, published by PyLD as URDNA2015) of a
    JSON-LD document, as N-Quads. Raises ``jsonld.JsonLdError`` (a context that is
    not bundled among its causes) for anything it cannot process."""
    result = jsonld.normalize(
        document,
        {
            "algorithm": "URDNA2015",
            "format": "application/n-quads",
            "documentLoader": bundled_document_loader,
            "contextResolver": ContextResolver(_resolved_contexts, bundled_document_loader),
            "base": "",
        },
    )
    return str(result)


JsonLdError = jsonld.JsonLdError
