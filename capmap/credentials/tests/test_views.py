"""The credential pages: the holder's list, downloads and issue button; the public
verification page, shareable link, issuer profile, status list and did:web document.
People from another organisation get nothing of the holder's."""

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

from capmap.credentials import selectors, services
from capmap.credentials.models import IssuedCredential

from .helpers import signed_off
from .independent import independently_verified

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "1edtech-validator"


@pytest.fixture
def issued(w):
    return services.issue_credential(actor=w.pharmacist_user, event=signed_off(w))


def test_holder_issues_a_sign_off_from_my_credentials_and_downloads_it(w, client):
    event = signed_off(w)
    client.force_login(w.pharmacist_user)
    page = client.get(reverse("credentials:list_my_credentials"))
    assert "Signed off, not yet issued" in page.content.decode()
    response = client.post(reverse("credentials:issue_my_credentials"), {"event": event.pk})
    assert response.status_code == 302
    credential = IssuedCredential.objects.get(capability_event=event)
    page = client.get(reverse("credentials:list_my_credentials")).content.decode()
    assert "MED.1 Reconcile medicines" in page and "Valid" in page
    download = client.get(reverse("credentials:download_credential", args=[credential.public_id]))
    assert independently_verified(json.loads(download.content))
    jwt = client.get(reverse("credentials:download_jwt", args=[credential.public_id]))
    assert jwt.content.decode().startswith("eyJ")
    as_jwt = selectors.verify_here(jwt.content)
    assert as_jwt.verified and as_jwt.form == "VC-JWT", as_jwt.problems
    assert as_jwt.achievement == "MED.1 Reconcile medicines"


def test_holder_downloads_all_as_a_zip(w, client, issued):
    client.force_login(w.pharmacist_user)
    response = client.get(reverse("credentials:download_all_credentials"))
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert names == [f"credential-{issued.public_id}.json", f"credential-{issued.public_id}.svg"]


def test_other_organisation_gets_nothing_of_the_holders_credentials(w, client, issued):
    for outsider in (w.other_admin, w.mentor, w.manager):
        client.force_login(outsider)
        url = reverse("credentials:download_credential", args=[issued.public_id])
        assert client.get(url).status_code == 404
        assert (
            client.get(reverse("credentials:download_jwt", args=[issued.public_id])).status_code
            == 404
        )
        listing = client.get(reverse("credentials:list_my_credentials")).content.decode()
        assert "Reconcile medicines" not in listing
        archive = client.get(reverse("credentials:download_all_credentials")).content
        assert zipfile.ZipFile(io.BytesIO(archive)).namelist() == []
        client.post(
            reverse("credentials:issue_my_credentials"), {"event": issued.capability_event_id}
        )
    assert IssuedCredential.objects.count() == 1


def test_outsider_cannot_issue_someone_elses_sign_off(w, client):
    event = signed_off(w)
    client.force_login(w.other_admin)
    response = client.post(reverse("credentials:issue_my_credentials"), {"event": event.pk})
    assert response.status_code == 404
    assert not IssuedCredential.objects.exists()


def test_public_page_verifies_a_pasted_credential_without_an_account(w, client, issued):
    response = client.post(
        reverse("credentials:verify_credential"), {"text": json.dumps(issued.document)}
    )
    page = response.content.decode()
    assert "This credential is genuine and still holds" in page
    assert f"{w.pharmacist.employer.name} certifies MED.1 Reconcile medicines, at Level 3" in page


def test_public_page_says_revoked_after_a_revocation(w, client, issued):
    services.revoke_credential(actor=w.mentor, credential=issued, reason="Signed in error")
    upload = io.BytesIO(json.dumps(issued.document).encode())
    upload.name = "credential.json"
    page = client.post(reverse("credentials:verify_credential"), {"file": upload}).content.decode()
    assert "This credential has been revoked" in page


def test_public_page_verifies_another_issuers_example_and_refuses_junk(client, db):
    text = (FIXTURES / "simple.json").read_text()
    page = client.post(reverse("credentials:verify_credential"), {"text": text}).content.decode()
    assert "Example Corp certifies Teamwork." in page
    tampered = text.replace("Teamwork Badge", "Leadership Badge")
    page = client.post(reverse("credentials:verify_credential"), {"text": tampered}).content
    assert "changed since it was signed" in page.decode()
    page = client.post(reverse("credentials:verify_credential"), {"text": "hello"}).content
    assert "This is not a credential" in page.decode()
    empty = client.post(reverse("credentials:verify_credential"), {"text": ""}).content
    assert "Paste the credential, or choose its file" in empty.decode()


def test_public_page_refuses_an_upload_over_the_limit(client, db, settings):
    settings.CAPMAP_MAX_CREDENTIAL_BYTES = 1024
    upload = io.BytesIO(b"{" + b" " * 2000 + b"}")
    upload.name = "big.json"
    page = client.post(reverse("credentials:verify_credential"), {"file": upload}).content
    assert "larger than 1 KB" in page.decode()


def test_shareable_link_shows_the_credential_verified_now(w, client, issued):
    url = reverse("credentials:show_shared_credential", args=[issued.public_id])
    assert issued.document["id"].endswith(url)
    page = client.get(url).content.decode()
    assert "This credential is genuine and still holds" in page
    as_json = client.get(url, HTTP_ACCEPT="application/ld+json")
    assert as_json.json() == issued.document


def test_issuer_profile_status_list_and_did_document_are_published(w, client, issued):
    org = w.pharmacist.employer
    profile = client.get(reverse("credentials:show_issuer", args=[org.pk])).json()
    assert profile["name"] == org.name
    assert profile["id"] == issued.document["issuer"]["id"]
    assert profile["verificationMethod"][0]["publicKeyMultibase"] == issued.key.public_key
    listed = client.get(reverse("credentials:show_status_list", args=[org.pk, 1])).json()
    assert listed["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert independently_verified(listed)
    did = client.get("/.well-known/did.json").json()
    assert did["id"] == "did:web:capmap.example.nhs.uk"
    assert did["verificationMethod"][0]["publicKeyMultibase"] == issued.key.public_key


def test_an_organisation_that_never_issued_has_no_public_profile(w, client):
    assert client.get(reverse("credentials:show_issuer", args=[w.orgs.pcn_b.pk])).status_code == 404
    url = reverse("credentials:show_status_list", args=[w.orgs.pcn_b.pk, 1])
    assert client.get(url).status_code == 404
