"""Issuing, revoking and keys: a sign-off becomes a credential that verifies (with
Capmap's verifier and independently), and stops verifying once revoked."""

import pytest

from capmap.core.actors import SYSTEM
from capmap.core.exceptions import DomainError, NotPermitted
from capmap.credentials import keys, publishing, selectors, services
from capmap.credentials.models import IssuedCredential, IssuerKey, Revocation

from .helpers import signed_off
from .independent import independently_verified


def test_sign_off_becomes_a_credential_that_verifies_here_and_independently(w):
    event = signed_off(w)
    credential = services.issue_credential(actor=w.pharmacist_user, event=event)
    doc = credential.document
    assert doc["issuer"]["name"] == w.pharmacist.employer.name
    assert doc["issuer"]["id"] == (
        f"https://capmap.example.nhs.uk/credentials/issuers/{w.pharmacist.employer.pk}"
    )
    assert doc["credentialSubject"]["achievement"]["name"] == "MED.1 Reconcile medicines"
    assert "mentor" in doc["credentialSubject"]["achievement"]["criteria"]["narrative"]
    assert independently_verified(doc)
    report = selectors.verify_here(doc)
    assert report.verified, report.problems
    assert report.notes == []  # the key is confirmed as the issuer's and the status checked
    assert report.level.startswith("Level 3")


def test_revoking_makes_verification_fail_with_revoked(w):
    credential = services.issue_credential(actor=w.pharmacist_user, event=signed_off(w))
    services.revoke_credential(actor=w.mentor, credential=credential, reason="Signed in error")
    report = selectors.verify_here(credential.document)
    assert report.revoked and not report.verified
    assert report.as_json()["problems"] == [
        "Revoked: the issuer has withdrawn this credential; it no longer holds."
    ]


def test_a_correction_to_a_lower_level_revokes_the_credential(w):
    credential = services.issue_credential(actor=w.pharmacist_user, event=signed_off(w, level=3))
    signed_off(w, level=1)  # the mentor corrects the level downwards
    revocation = Revocation.objects.get(credential=credential)
    assert "Corrected" in revocation.reason
    assert selectors.verify_here(credential.document).revoked


def test_a_later_higher_level_leaves_the_earlier_credential_standing(w):
    credential = services.issue_credential(actor=w.pharmacist_user, event=signed_off(w, level=2))
    signed_off(w, level=3)
    assert selectors.verify_here(credential.document).verified


def test_issuing_twice_returns_the_same_credential(w):
    event = signed_off(w)
    first = services.issue_credential(actor=w.pharmacist_user, event=event)
    assert services.issue_credential(actor=w.mentor, event=event) == first
    assert IssuedCredential.objects.count() == 1


def test_only_the_person_or_their_verifiers_may_issue(w):
    event = signed_off(w)
    for outsider in (w.other_admin, w.viewer):
        with pytest.raises(NotPermitted):
            services.issue_credential(actor=outsider, event=event)
    with pytest.raises(NotPermitted):
        services.issue_missing_credentials(actor=w.other_admin, person=w.pharmacist)


def test_person_from_another_organisation_cannot_revoke(w):
    credential = services.issue_credential(actor=w.pharmacist_user, event=signed_off(w))
    with pytest.raises(NotPermitted):
        services.revoke_credential(actor=w.other_admin, credential=credential, reason="No")
    with pytest.raises(NotPermitted):  # nor the holder themself
        services.revoke_credential(actor=w.pharmacist_user, credential=credential, reason="No")


def test_a_replaced_level_cannot_be_issued(w):
    old = signed_off(w, level=2)
    signed_off(w, level=3)
    with pytest.raises(DomainError, match="replaced"):
        services.issue_credential(actor=w.pharmacist_user, event=old)


def test_issue_missing_issues_each_current_level_once(w):
    signed_off(w, w.competencies[0])
    signed_off(w, w.competencies[1], level=2)
    made = services.issue_missing_credentials(actor=w.pharmacist_user, person=w.pharmacist)
    assert len(made) == 2
    assert services.issue_missing_credentials(actor=w.pharmacist_user, person=w.pharmacist) == []
    indexes = sorted(c.status_index for c in made)
    assert indexes == [0, 1]


def test_private_key_is_encrypted_at_rest_and_rotation_keeps_old_credentials_valid(w):
    credential = services.issue_credential(actor=w.pharmacist_user, event=signed_off(w))
    key = IssuerKey.objects.get(organisation=w.pharmacist.employer)
    seed = keys.open_seed(key.encrypted_seed)
    assert seed.hex() not in key.encrypted_seed and len(seed) == 32
    with pytest.raises(NotPermitted):
        services.rotate_issuer_key(actor=w.other_admin, organisation=w.pharmacist.employer)
    new = services.rotate_issuer_key(actor=SYSTEM, organisation=w.pharmacist.employer)
    assert new.public_key != key.public_key
    assert selectors.verify_here(credential.document).verified
    later = services.issue_credential(
        actor=w.pharmacist_user, event=signed_off(w, w.competencies[1], level=2)
    )
    assert later.key == new
    assert selectors.verify_here(later.document).verified
    # Both keys stay published at the issuer's stable URL, the retired one marked with
    # when it stopped signing, so anyone can still check the earlier credential.
    profile = publishing.issuer_profile(w.pharmacist.employer)
    published = {m["publicKeyMultibase"]: m for m in profile["verificationMethod"]}
    assert set(published) == {key.public_key, new.public_key}
    assert "revoked" in published[key.public_key] and "revoked" not in published[new.public_key]
    assert credential.document["proof"]["verificationMethod"] in profile["assertionMethod"]


def test_key_sealed_under_another_secret_opens_only_with_it_as_a_fallback(w, settings):
    sealed = keys.seal_seed(b"k" * 32)
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-secret"
    with pytest.raises(keys.KeyUnavailable):
        keys.open_seed(sealed)
    settings.SECRET_KEY_FALLBACKS = [old]
    assert keys.open_seed(sealed) == b"k" * 32


def test_demo_issues_the_practitioners_levels_once(w):
    from capmap.credentials.demo import load_demo_credentials

    signed_off(w)
    assert load_demo_credentials(email=w.pharmacist_user.email)
    assert not load_demo_credentials(email=w.pharmacist_user.email)
    assert not load_demo_credentials(email="nobody@example.org")
    credential = IssuedCredential.objects.get(person=w.pharmacist)
    assert selectors.verify_here(credential.document).verified
