"""An accepted credential that counts gives the person its verified level, through the
assessments service, shown as "verified elsewhere by" its issuer; the level is withdrawn
as a correction is when the credential stops counting. Outsiders get nothing."""

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from capmap.assessments.models import CapabilityEvent, CurrentCapability
from capmap.core.exceptions import DomainError, NotPermitted
from capmap.credentials import accepting, keys, publishing, services
from capmap.credentials.models import AcceptedCredential, CountedLevel, RecognisedIssuer
from capmap.credentials.vc.dataintegrity import sign
from capmap.credentials.vc.multibase import did_key_verification_method

from .helpers import own_sign_off, recognise, signed_off

SIMPLE = Path(__file__).resolve().parent / "fixtures" / "1edtech-validator" / "simple.json"


def accept(w, person, document: dict) -> AcceptedCredential:
    return accepting.accept_credential(
        actor=w.manager, person=person, raw=json.dumps(document).encode()
    )


def resigned(credential, change) -> dict:
    """The credential changed by `change` and signed again by its issuer's key, as an
    issuer elsewhere might have written it."""
    unsigned = {k: v for k, v in credential.document.items() if k != "proof"}
    change(unsigned)
    return sign(
        unsigned,
        seed=keys.open_seed(credential.key.encrypted_seed),
        verification_method=did_key_verification_method(publishing.key_bytes(credential.key)),
    )


def level_of(person, competency) -> int | None:
    current = CurrentCapability.objects.filter(person=person, competency=competency).first()
    return current.level if current else None


def test_a_credential_that_counts_gives_its_level_verified_elsewhere(
    w, newcomer, credential, client
):
    recognise(w, credential)
    accepted = accept(w, newcomer, credential.document)
    med1 = w.competencies[0]
    assert level_of(newcomer, med1) == 3
    event = CapabilityEvent.objects.get(person=newcomer)
    assert event.verified_elsewhere_by == w.orgs.practice_a.name
    assert CountedLevel.objects.get(accepted=accepted).event == event
    assert LogEntry.objects.get_for_object(event).get().actor == w.manager
    client.force_login(w.manager)
    history = client.get(
        reverse("capability:show_competency_history", args=[newcomer.pk, med1.pk])
    ).content.decode()
    assert f"Verified elsewhere by {w.orgs.practice_a.name}" in history
    assert "Accepted credential" in history
    scope = client.get(
        reverse("assessments:show_scope_of_practice", args=[newcomer.pk])
    ).content.decode()
    assert f"Verified elsewhere by {w.orgs.practice_a.name}" in scope
    page = client.get(reverse("credentials:accept_credential", args=[newcomer.pk]))
    assert "It gives MED.1 at level 3 as a verified level." in page.content.decode()


def test_a_credential_aligned_by_its_case_url_alone_counts(w, newcomer, credential):
    def url_only(document):
        for alignment in document["credentialSubject"]["achievement"]["alignment"]:
            del alignment["targetCode"]

    recognise(w, credential)
    accept(w, newcomer, resigned(credential, url_only))
    assert level_of(newcomer, w.competencies[0]) == 3


def test_recognising_the_issuer_later_gives_the_level_and_stopping_withdraws_it(
    w, newcomer, credential
):
    accept(w, newcomer, credential.document)
    assert level_of(newcomer, w.competencies[0]) is None  # not recognised yet
    recognised = recognise(w, credential)
    assert level_of(newcomer, w.competencies[0]) == 3
    accepting.stop_recognising_issuer(actor=w.manager, recognised=recognised)
    assert level_of(newcomer, w.competencies[0]) is None
    given = CountedLevel.objects.get()
    assert given.withdrawn_at is not None
    assert given.withdrawn_because == "Its issuer is not on your recognised issuers list."
    withdrawal = CapabilityEvent.objects.get(withdraws=given.event)
    assert withdrawal.level == 0 and withdrawal.signed_by == w.manager
    assert LogEntry.objects.get_for_object(withdrawal).get().actor == w.manager
    assert not RecognisedIssuer.objects.exists()


def test_removing_the_credential_returns_the_person_to_their_own_sign_off(
    w, newcomer, credential, client
):
    med1 = w.competencies[0]
    own_sign_off(w, newcomer, med1, 1)
    recognise(w, credential)
    accepted = accept(w, newcomer, credential.document)
    assert level_of(newcomer, med1) == 3
    accepting.remove_accepted_credential(actor=w.manager, accepted=accepted)
    assert level_of(newcomer, med1) == 1
    client.force_login(w.manager)
    history = client.get(
        reverse("capability:show_competency_history", args=[newcomer.pk, med1.pk])
    ).content.decode()
    assert "Withdrawn: a level verified elsewhere no longer counts" in history
    page = client.get(reverse("credentials:accept_credential", args=[newcomer.pk]))
    assert credential.achievement_name not in page.content.decode()


def test_a_credential_found_revoked_when_checked_again_loses_its_level(w, newcomer, credential):
    recognise(w, credential)
    accepted = accept(w, newcomer, credential.document)
    assert level_of(newcomer, w.competencies[0]) == 3
    services.revoke_credential(actor=w.mentor, credential=credential, reason="Withdrawn")
    accepting.reverify_accepted_credential(actor=w.manager, accepted=accepted)
    assert level_of(newcomer, w.competencies[0]) is None
    assert CountedLevel.objects.get().withdrawn_because == "Revoked by its issuer."


def test_a_lower_level_never_lowers_what_the_person_holds(w, credential):
    recognise(w, credential)
    signed_off(w, level=4)  # the holder herself is now verified higher
    accept(w, w.pharmacist, credential.document)
    assert level_of(w.pharmacist, w.competencies[0]) == 4
    assert not CountedLevel.objects.exists()


def test_an_unrecognised_credential_never_counts(w, newcomer, credential):
    accept(w, newcomer, credential.document)
    assert not CurrentCapability.objects.filter(person=newcomer).exists()


def test_a_revoked_credential_never_counts(w, newcomer, credential):
    recognise(w, credential)
    services.revoke_credential(actor=w.mentor, credential=credential, reason="Withdrawn")
    accept(w, newcomer, credential.document)
    assert not CurrentCapability.objects.filter(person=newcomer).exists()


def test_an_expired_credential_never_counts(w, newcomer, credential):
    def expired(document):
        past = datetime.now(UTC) - timedelta(days=1)
        document["validUntil"] = past.replace(microsecond=0).isoformat().replace("+00:00", "Z")

    recognise(w, credential)
    accepted = accept(w, newcomer, resigned(credential, expired))
    assert not accepted.verified
    assert not CurrentCapability.objects.filter(person=newcomer).exists()


def test_an_unaligned_credential_never_counts(w, newcomer, credential, client):
    def unaligned(document):
        del document["credentialSubject"]["achievement"]["alignment"]

    recognise(w, credential)
    accept(w, newcomer, resigned(credential, unaligned))
    # A recognised issuer's badge for something no competency of the role names.
    accepting.recognise_issuer(
        actor=w.manager,
        organisation=w.orgs.pcn_a,
        issuer_id="https://example.com/issuers/876543",
        name="Example",
    )
    simple = accepting.accept_credential(actor=w.manager, person=newcomer, raw=SIMPLE.read_bytes())
    assert simple.verified
    assert not CurrentCapability.objects.filter(person=newcomer).exists()
    client.force_login(w.manager)
    page = client.get(reverse("credentials:accept_credential", args=[newcomer.pk]))
    assert "It gives no verified level" in page.content.decode()


def test_another_organisation_can_neither_accept_for_nor_see_the_person(
    w, newcomer, credential, client
):
    recognise(w, credential)
    with pytest.raises(NotPermitted):
        accepting.accept_credential(
            actor=w.other_admin, person=newcomer, raw=json.dumps(credential.document).encode()
        )
    client.force_login(w.other_admin)
    url = reverse("credentials:accept_credential", args=[newcomer.pk])
    upload = io.BytesIO(json.dumps(credential.document).encode())
    upload.name = "credential.json"
    assert client.post(url, {"file": upload}).status_code == 404
    assert not AcceptedCredential.objects.exists()
    accept(w, newcomer, credential.document)  # their own manager does
    med1 = w.competencies[0]
    for page in (
        reverse("capability:show_competency_history", args=[newcomer.pk, med1.pk]),
        reverse("assessments:show_scope_of_practice", args=[newcomer.pk]),
        reverse("capability:show_circle", args=[newcomer.pk]),
        url,
    ):
        response = client.get(page)
        assert response.status_code in (403, 404)
        assert "Verified elsewhere" not in response.content.decode()
    with pytest.raises(NotPermitted):
        accepting.remove_accepted_credential(
            actor=w.other_admin, accepted=AcceptedCredential.objects.get()
        )
    assert level_of(newcomer, med1) == 3


def test_a_level_verified_elsewhere_is_not_issued_again_here(w, newcomer, credential):
    recognise(w, credential)
    accept(w, newcomer, credential.document)
    event = CapabilityEvent.objects.get(person=newcomer)
    with pytest.raises(DomainError, match="verified elsewhere by"):
        services.issue_credential(actor=w.manager, event=event)
    assert services.issue_missing_credentials(actor=w.manager, person=newcomer) == []


def test_a_withdrawn_level_and_its_withdrawal_are_removed_together(w, newcomer, credential):
    recognise(w, credential)
    accepting.remove_accepted_credential(
        actor=w.manager, accepted=accept(w, newcomer, credential.document)
    )
    # As retention and erasure remove a person's whole history (privacy.erasure).
    CurrentCapability.objects.filter(person=newcomer).delete()
    CapabilityEvent.objects.filter(person=newcomer).delete()
    assert not CapabilityEvent.objects.filter(person=newcomer).exists()


def test_manager_removes_a_credential_and_stops_recognising_its_issuer_on_the_pages(
    w, newcomer, credential, client
):
    recognised = recognise(w, credential)
    accepted = accept(w, newcomer, credential.document)
    page = reverse("credentials:accept_credential", args=[newcomer.pk])
    check = reverse("credentials:check_accepted_credential", args=[newcomer.pk, accepted.pk])
    remove = reverse("credentials:remove_accepted_credential", args=[newcomer.pk, accepted.pk])
    stop = reverse("credentials:stop_recognising_issuer", args=[w.orgs.pcn_a.pk, recognised.pk])
    # Another organisation's admin and a viewer change nothing.
    client.force_login(w.other_admin)
    assert [client.post(url).status_code for url in (check, remove, stop)] == [404] * 3
    client.force_login(w.viewer)
    assert [client.post(url).status_code for url in (check, remove, stop)] == [403] * 3
    assert level_of(newcomer, w.competencies[0]) == 3
    client.force_login(w.manager)
    assert (
        "Stop recognising"
        in client.get(
            reverse("credentials:list_recognised_issuers", args=[w.orgs.pcn_a.pk])
        ).content.decode()
    )
    assert client.post(check).status_code == 302
    assert level_of(newcomer, w.competencies[0]) == 3  # still holds
    assert client.post(stop).status_code == 302
    assert level_of(newcomer, w.competencies[0]) is None
    assert "Its issuer is not on your recognised issuers list." in client.get(page).content.decode()
    assert client.post(remove).status_code == 302
    assert credential.achievement_name not in client.get(page).content.decode()
