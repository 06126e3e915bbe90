"""A role profile completed only because a level came from another issuer's credential:
Capmap issues the completion, its evidence names that credential and its issuer, and the
completion is revoked when that level stops counting (docs/adr/0016)."""

import json

import pytest
from django.urls import reverse

from capmap.accounts.tests.factories import UserFactory
from capmap.credentials import accepting, completions, selectors
from capmap.credentials.models import CountedLevel, Revocation
from capmap.credentials.vc.schema import schema_problems

from .helpers import own_sign_off, recognise
from .independent import independently_verified
from .test_settling_an_issuer import holder


@pytest.fixture
def newcomer(w):
    """Verified here at the profile's level 2 in MED.2 and LEAD.1; MED.1 comes from elsewhere."""
    person = holder(w)
    for competency in w.competencies[1:]:
        own_sign_off(w, person, competency, 2)
    return person


def completed_with_elsewhere(w, newcomer, credential):
    recognise(w, credential)
    accepted = accepting.accept_credential(
        actor=w.manager, person=newcomer, raw=json.dumps(credential.document).encode()
    )
    issued = completions.issue_completion(
        actor=w.manager, person=newcomer, subject_key=f"role_profile:{w.profile.pk}"
    )
    return accepted, issued


def test_a_completion_resting_on_a_level_verified_elsewhere_names_its_issuer(
    w, newcomer, credential
):
    accepted, issued = completed_with_elsewhere(w, newcomer, credential)
    document = issued.document
    [evidence] = document["evidence"]
    assert evidence["id"] == credential.document["id"]
    assert evidence["type"] == ["Evidence"]
    assert evidence["name"] == "MED.1 verified elsewhere"
    issuer = credential.document["issuer"]
    assert f"verified by {issuer['name']} ({issuer['id']})" in evidence["description"]
    assert "at level 3" in evidence["description"]
    criteria = document["credentialSubject"]["achievement"]["criteria"]["narrative"]
    assert criteria.endswith("1 of them verified by other issuers, each named in the evidence.")
    assert schema_problems(document) == []
    assert independently_verified(document)
    report = selectors.verify_here(document)
    assert report.verified, report.problems
    assert list(issued.rests_on.all()) == [CountedLevel.objects.get(accepted=accepted)]


def test_removing_the_credential_revokes_the_completion_even_when_own_levels_suffice(
    w, newcomer, credential
):
    own_sign_off(w, newcomer, w.competencies[0], 2)  # enough on their own
    accepted, issued = completed_with_elsewhere(w, newcomer, credential)
    assert len(issued.document["evidence"]) == 1
    accepting.remove_accepted_credential(actor=w.manager, accepted=accepted)
    issued.refresh_from_db()
    assert issued.revocation.reason == (
        f"A level it rests on, verified elsewhere by {w.orgs.practice_a.name}, no longer "
        "counts: Removed from the person's record."
    )
    assert selectors.verify_here(issued.document).revoked
    again = completions.issue_completion(
        actor=w.manager, person=newcomer, subject_key=f"role_profile:{w.profile.pk}"
    )
    assert again.pk != issued.pk
    assert "evidence" not in again.document
    assert not again.rests_on.exists()


def test_stopping_recognising_the_issuer_revokes_the_completion(w, newcomer, credential):
    _, issued = completed_with_elsewhere(w, newcomer, credential)
    recognised = selectors.recognised_issuers(w.orgs.pcn_a).get()
    accepting.stop_recognising_issuer(actor=w.manager, recognised=recognised)
    issued.refresh_from_db()
    assert issued.revocation.reason.endswith(
        "no longer counts: Its issuer is not on your recognised issuers list."
    )


def test_another_organisation_gets_nothing_of_the_completion(w, newcomer, credential, client):
    _, issued = completed_with_elsewhere(w, newcomer, credential)
    client.force_login(w.other_admin)
    for url in (
        reverse("credentials:download_credential", args=[issued.public_id]),
        reverse("credentials:revoke_credential", args=[issued.public_id]),
        reverse("credentials:accept_credential", args=[newcomer.pk]),
    ):
        response = client.get(url)
        assert response.status_code in (403, 404)
        assert "verified elsewhere" not in response.content.decode()
    assert client.post(
        reverse("credentials:revoke_credential", args=[issued.public_id]), {"reason": "No"}
    ).status_code in (403, 404)
    assert not Revocation.objects.filter(credential=issued).exists()


def test_my_credentials_says_which_completion_rests_on_levels_verified_elsewhere(
    w, newcomer, credential, client
):
    _, issued = completed_with_elsewhere(w, newcomer, credential)
    newcomer.user = UserFactory()
    newcomer.save(update_fields=["user"])
    client.force_login(newcomer.user)
    page = client.get(reverse("credentials:list_my_credentials")).content.decode()
    assert issued.achievement_name in page
    assert f"Rests on levels verified elsewhere by {w.orgs.practice_a.name}" in page
    client.force_login(w.other_admin)
    other = client.get(reverse("credentials:list_my_credentials")).content.decode()
    assert issued.achievement_name not in other
