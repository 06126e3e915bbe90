"""The signing and verifying core on its own: other issuers' signed examples, tampered
copies, the W3C test vector, Capmap's own credentials checked by an independent path."""

import copy
import json
from datetime import UTC, datetime
from pathlib import Path

import nacl.exceptions
import pytest
from hypothesis import given
from hypothesis import strategies as st

from capmap.credentials.vc import vcjwt
from capmap.credentials.vc.dataintegrity import sign
from capmap.credentials.vc.documents import UnknownContext, canonical_nquads
from capmap.credentials.vc.multibase import multibase_decode
from capmap.credentials.vc.ob3 import Alignment, Award, achievement_credential
from capmap.credentials.vc.schema import schema_problems
from capmap.credentials.vc.statuslist import MIN_BITS, bit_is_set, encode_bits, status_entry
from capmap.credentials.vc.verify import Unreadable, verify

from .independent import independently_verified

FIXTURES = Path(__file__).resolve().parent / "fixtures"
STATUS_DIR = FIXTURES / "1edtech-validator" / "bit-string-list"
SIGNED = [
    "w3c-vc-di-eddsa/signedDataInt.json",
    "ob-spec-testvector/signed-credential.extracted.json",
    "1edtech-validator/simple.json",
    "1edtech-validator/simple-did-key-method.json",
    "1edtech-validator/endorsement-valid.json",
    # Every part of the OB 3.0 data model, with a real proof by a key in its id's fragment.
    "1edtech-validator/complete.json",
    "1edtech-validator/bit-string-list/testlist",
]
REVOCABLE = ["credential-status-revoked.json", "credential-status-revoked-blank-nodes.json"]
SEED = bytes(range(32))


def load(rel: str) -> dict:
    return json.loads((FIXTURES / rel).read_text())


def fixture_status_lists(url: str):
    if url.endswith("/bit-string-list/testlist"):
        return load("1edtech-validator/bit-string-list/testlist")
    return None


@pytest.mark.parametrize("rel", SIGNED)
def test_every_signed_example_from_other_issuers_verifies(rel):
    report = verify(load(rel))
    assert report.proof_ok, report.problems
    assert report.verified, report.problems


@pytest.mark.parametrize("name", REVOCABLE)
def test_revoked_example_verifies_its_signature_but_says_revoked(name):
    report = verify(
        load(f"1edtech-validator/bit-string-list/{name}"), status_lists=fixture_status_lists
    )
    assert report.proof_ok
    assert report.revoked
    assert not report.verified
    assert any(p.startswith("Revoked") for p in report.problems)
    assert report.as_json()["revoked"] is True


def test_revocable_example_without_its_status_list_says_status_unchecked():
    report = verify(load("1edtech-validator/bit-string-list/credential-status-revoked.json"))
    assert report.verified
    assert any("could not be checked offline" in n for n in report.notes)


@pytest.mark.parametrize(
    "rel", SIGNED + [f"1edtech-validator/bit-string-list/{n}" for n in REVOCABLE]
)
def test_tampered_copy_of_every_example_fails_with_a_clear_reason(rel):
    doc = load(rel)
    doc["validFrom"] = "2020-02-02T00:00:00Z"
    report = verify(doc)
    assert not report.verified
    assert "changed since it was signed" in report.problems[0]


def test_changed_proof_date_fails_too():
    doc = load("1edtech-validator/simple.json")
    doc["proof"][0]["created"] = "2011-01-01T19:23:24Z"
    assert "changed since it was signed" in verify(doc).problems[0]


def test_a_signed_credential_that_breaks_the_ob3_schema_fails_naming_where():
    doc = achievement_credential(award())
    del doc["credentialSubject"]["achievement"]["criteria"]  # required by the schema
    report = verify(sign(doc, seed=SEED), status_lists=lambda url: None)
    assert report.proof_ok and not report.verified
    assert report.problems == [
        "Schema: at credentialSubject/achievement: 'criteria' is a required property"
    ]


def test_unsigned_credential_says_it_is_not_signed():
    doc = load("1edtech-validator/simple.json")
    del doc["proof"]
    assert "not signed" in verify(doc).problems[0]


def test_other_issuers_vc_jwt_verifies_and_a_tampered_one_fails():
    token = (FIXTURES / "1edtech-validator/simple-jwt.extracted-from-svg.jwt").read_text()
    report = verify(token)
    assert report.verified, report.problems
    assert report.achievement == "Teamwork"
    head, payload, sig = token.strip().split(".")
    bad = f"{head}.{payload[:-4]}{'AAAA' if payload[-4:] != 'AAAA' else 'BBBB'}.{sig}"
    tampered = verify(bad)
    assert not tampered.verified
    assert "signature does not match" in tampered.problems[0]


def test_capmap_signs_the_w3c_test_vector_byte_for_byte():
    pair = load("w3c-vc-di-eddsa/keyPair.json")
    seed = multibase_decode(pair["privateKeyMultibase"])[2:]
    expected = load("w3c-vc-di-eddsa/signedDataInt.json")
    signed = sign(
        load("w3c-vc-di-eddsa/unsigned.json"),
        seed=seed,
        created=expected["proof"]["created"],
    )
    assert signed["proof"] == expected["proof"]


def test_a_context_capmap_does_not_ship_is_refused_never_fetched():
    doc = load("1edtech-validator/simple.json")
    doc["@context"].append("https://example.org/unknown-context.jsonld")
    with pytest.raises(UnknownContext):
        canonical_nquads({k: v for k, v in doc.items() if k != "proof"})
    report = verify(doc)
    assert "does not hold" in report.problems[0] and "never fetched" in report.problems[0]


def test_text_that_is_not_a_credential_is_unreadable():
    with pytest.raises(Unreadable):
        verify("hello")
    with pytest.raises(Unreadable):
        verify("[1, 2]")


def award(**changes) -> Award:
    values = {
        "credential_id": "https://capmap.test/credentials/c/1",
        "issuer": {
            "id": "https://capmap.test/credentials/issuers/7",
            "type": ["Profile"],
            "name": "Riverside PCN",
        },
        "valid_from": "2026-11-30T10:00:00Z",
        "achievement_id": "https://capmap.test/frameworks/competencies/42",
        "achievement_name": "Medicines reconciliation",
        "achievement_description": "Reconciles medicines at transfers of care.",
        "criteria": "Signed off by the practitioner's supervisor on evidence.",
        "holder_email": "sam@example.org",
        "holder_salt": "s4lt",
        "level_value": 3,
        "level_name": "Level 3: Proficient",
        "scale_name": "Capmap proficiency scale",
        "alignments": (
            Alignment("Medicines reconciliation", "urn:uuid:1234", "MR1", "GP pharmacist"),
        ),
        "status": status_entry(list_url="https://capmap.test/credentials/status/7", index=3),
    }
    return Award(**{**values, **changes})


def test_capmap_credential_is_schema_valid_and_verifies_by_an_independent_path():
    signed = sign(achievement_credential(award()), seed=SEED)
    assert schema_problems(signed) == []
    assert independently_verified(signed)
    report = verify(signed, status_lists=lambda url: None)
    assert report.proof_ok
    assert report.level == "Level 3: Proficient"
    assert report.sentences()[0] == (
        "Riverside PCN certifies Medicines reconciliation, at Level 3: Proficient."
    )


def test_independent_path_rejects_a_tampered_capmap_credential():
    signed = sign(achievement_credential(award()), seed=SEED)
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["achievement"]["name"] = "Prescribing"
    with pytest.raises(nacl.exceptions.BadSignatureError):
        independently_verified(tampered)


def test_capmap_credential_revoked_in_its_own_status_list_fails_with_revoked():
    signed = sign(achievement_credential(award()), seed=SEED)
    issuer = signed["issuer"]
    from capmap.credentials.vc.statuslist import status_list_credential

    def lists(revoked):
        listed = status_list_credential(
            url="https://capmap.test/credentials/status/7",
            issuer=issuer,
            revoked=revoked,
            valid_from="2026-11-30T10:00:00Z",
        )
        return lambda url: sign(listed, seed=SEED)

    assert verify(signed, status_lists=lists(set())).verified
    revoked = verify(signed, status_lists=lists({3}))
    assert revoked.revoked and not revoked.verified
    assert revoked.as_json()["problems"][0].startswith("Revoked")


def test_status_list_signed_by_another_key_is_not_believed():
    signed = sign(achievement_credential(award()), seed=SEED)
    from capmap.credentials.vc.statuslist import status_list_credential

    forged = status_list_credential(
        url="https://capmap.test/credentials/status/7",
        issuer=signed["issuer"],
        revoked=set(),
        valid_from="2026-11-30T10:00:00Z",
    )
    forged = sign(forged, seed=SEED)
    forged["credentialSubject"]["encodedList"] = encode_bits({1})
    report = verify(signed, status_lists=lambda url: forged)
    assert any("status list's signature does not hold" in p for p in report.problems)


def test_expired_and_not_yet_valid_credentials_fail():
    signed = sign(achievement_credential(award(valid_from="2030-01-01T00:00:00Z")), seed=SEED)
    report = verify(signed, now=datetime(2026, 12, 1, tzinfo=UTC))
    assert report.proof_ok and "Not valid yet" in report.problems[0]
    doc = achievement_credential(award())
    doc["validUntil"] = "2026-01-01T00:00:00Z"
    assert "Expired on 01 January 2026" in verify(sign(doc, seed=SEED)).problems[0]


def test_capmap_vc_jwt_verifies_and_carries_the_same_credential():
    import nacl.signing

    credential = achievement_credential(award())
    public = bytes(nacl.signing.SigningKey(SEED).verify_key)
    token = vcjwt.encode(credential, seed=SEED, public_key=public)
    report = verify(token, status_lists=lambda url: None)
    assert report.proof_ok and report.form == "VC-JWT"
    assert report.credential == credential


@given(
    st.sets(st.integers(min_value=0, max_value=MIN_BITS - 1), max_size=30),
    st.integers(0, MIN_BITS - 1),
)
def test_status_list_bit_is_set_exactly_for_revoked_indexes(revoked, probe):
    encoded = encode_bits(revoked)
    for index in revoked:
        assert bit_is_set(encoded, index)
    assert bit_is_set(encoded, probe) == (probe in revoked)
