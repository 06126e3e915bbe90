"""A manager imports a credential from elsewhere as evidence (its file, or its link on this
Capmap); it counts only when it verifies, is not revoked and its issuer is recognised.
Outsiders get nothing."""

import html
import io
import ipaddress
import json
from pathlib import Path

from django.urls import reverse

from capmap.core import fetching
from capmap.credentials import services
from capmap.credentials.models import AcceptedCredential, RecognisedIssuer

from .helpers import signed_off

SIMPLE = Path(__file__).resolve().parent / "fixtures" / "1edtech-validator" / "simple.json"


def upload(data: bytes, name: str = "credential.json"):
    f = io.BytesIO(data)
    f.name = name
    return f


def test_manager_imports_a_credential_that_counts_once_its_issuer_is_recognised(w, client):
    client.force_login(w.manager)
    url = reverse("credentials:accept_credential", args=[w.pharmacist.pk])
    response = client.post(url, {"file": upload(SIMPLE.read_bytes())})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Teamwork" in page and "Example Corp" in page
    assert "Its issuer is not on your recognised issuers list." in page
    issuers = reverse("credentials:list_recognised_issuers", args=[w.orgs.pcn_a.pk])
    client.post(issuers, {"issuer_id": "https://example.com/issuers/876543", "name": "Example"})
    assert RecognisedIssuer.objects.filter(organisation=w.orgs.pcn_a).count() == 1
    page = client.get(url).content.decode()
    assert ">Counts<" in page


def test_a_revoked_credential_never_counts(w, client):
    credential = services.issue_credential(actor=w.pharmacist_user, event=signed_off(w))
    services.revoke_credential(actor=w.mentor, credential=credential, reason="Withdrawn")
    client.force_login(w.manager)
    client.post(
        reverse("credentials:list_recognised_issuers", args=[w.orgs.pcn_a.pk]),
        {"issuer_id": credential.document["issuer"]["id"], "name": "Us"},
    )
    url = reverse("credentials:accept_credential", args=[w.pharmacist.pk])
    client.post(url, {"file": upload(json.dumps(credential.document).encode())})
    accepted = AcceptedCredential.objects.get()
    assert accepted.revoked and not accepted.verified
    assert "Revoked by its issuer." in client.get(url).content.decode()


def test_a_tampered_credential_is_refused_with_the_reason(w, client):
    client.force_login(w.manager)
    tampered = SIMPLE.read_bytes().replace(b"Teamwork Badge", b"Leadership Badge")
    url = reverse("credentials:accept_credential", args=[w.pharmacist.pk])
    page = client.post(url, {"file": upload(tampered)}).content.decode()
    assert "changed since it was signed" in page
    assert not AcceptedCredential.objects.exists()


def test_other_organisation_gets_nothing_and_a_viewer_cannot_import(w, client):
    url = reverse("credentials:accept_credential", args=[w.pharmacist.pk])
    issuers = reverse("credentials:list_recognised_issuers", args=[w.orgs.pcn_a.pk])
    client.force_login(w.other_admin)
    assert client.get(url).status_code == 404
    assert client.post(url, {"file": upload(SIMPLE.read_bytes())}).status_code == 404
    assert client.get(issuers).status_code == 404
    assert client.post(issuers, {"issuer_id": "x", "name": "y"}).status_code == 404
    client.force_login(w.viewer)
    assert client.get(url).status_code == 200
    assert client.post(url, {"file": upload(SIMPLE.read_bytes())}).status_code == 403
    assert client.post(issuers, {"issuer_id": "x", "name": "y"}).status_code == 403
    assert not AcceptedCredential.objects.exists() and not RecognisedIssuer.objects.exists()


def test_manager_imports_a_credential_of_this_capmap_by_its_verification_link(w, client):
    credential = services.issue_credential(actor=w.pharmacist_user, event=signed_off(w))
    client.force_login(w.manager)
    url = reverse("credentials:accept_credential", args=[w.pharmacist.pk])
    link = credential.document["id"] + "/?from=email"  # as the holder pasted it
    assert client.post(url, {"link": link}).status_code == 302
    accepted = AcceptedCredential.objects.get()
    assert accepted.document == credential.document
    assert accepted.verified and accepted.issuer_name == w.pharmacist.employer.name
    assert "MED.1 Reconcile medicines" in client.get(url).content.decode()


def test_a_link_that_cannot_be_fetched_is_refused_with_the_reason(w, client, monkeypatch):
    private = [ipaddress.ip_address("10.0.0.5")]
    monkeypatch.setattr(fetching, "_resolve", lambda url, host, port, limits: private)
    client.force_login(w.manager)
    url = reverse("credentials:accept_credential", args=[w.pharmacist.pk])
    link = "https://intranet.example.org/credentials/c/5d8e2f1a"
    page = client.post(url, {"link": link}).content.decode()
    assert f"The address {link} is on a private network (10.0.0.5), so it was not fetched." in (
        html.unescape(page)
    )
    page = client.post(url, {"link": "http://other.example.org/c/1"}).content.decode()
    assert "is not an https address" in page
    page = client.post(
        url, {"link": "https://capmap.example.nhs.uk/credentials/c/not-a-credential"}
    ).content.decode()
    assert "This link is not a credential issued on this Capmap." in page
    page = client.post(url, {"link": ""}).content.decode()
    assert "Choose the credential file to import, or enter its link." in page
    assert not AcceptedCredential.objects.exists()


def test_another_organisations_admin_cannot_import_by_link(w, client):
    credential = services.issue_credential(actor=w.pharmacist_user, event=signed_off(w))
    client.force_login(w.other_admin)
    url = reverse("credentials:accept_credential", args=[w.pharmacist.pk])
    assert client.post(url, {"link": credential.document["id"]}).status_code == 404
    assert not AcceptedCredential.objects.exists()
