import json

from capmap.core.actors import SYSTEM
from capmap.frameworks.services import import_framework

SMALL_CSV = (
    "domain,code,title,description,indicators\n"
    "Medicines,MED.1,Reconcile medicines,Checks the list after discharge,Uses two sources; "
    "Records changes\n"
    "Medicines,MED.2,Run a structured medication review,,\n"
    "Leadership > Teaching,LEAD.1,Teach the practice team,Runs sessions,\n"
)


def small_package(doc_id: str = "d1") -> dict:
    return {
        "CFDocument": {"identifier": doc_id, "title": "Small framework", "creator": "Test"},
        "CFItems": [
            {"identifier": "i1", "fullStatement": "Clinical practice", "humanCodingScheme": "A"},
            {"identifier": "i2", "fullStatement": "Takes a history", "humanCodingScheme": "A.1"},
        ],
        "CFAssociations": [
            {
                "identifier": "a1",
                "associationType": "isChildOf",
                "originNodeURI": {"identifier": "i1"},
                "destinationNodeURI": {"identifier": doc_id},
            },
            {
                "identifier": "a2",
                "associationType": "isChildOf",
                "originNodeURI": {"identifier": "i2"},
                "destinationNodeURI": {"identifier": "i1"},
                "sequenceNumber": 1,
            },
        ],
    }


def framework(*, owner=None, slug=None, package=None, actor=SYSTEM):
    """A published framework imported from a small CASE package."""
    raw = json.dumps(package or small_package()).encode()
    return import_framework(actor=actor, raw=raw, filename="small.json", owner=owner, slug=slug)
