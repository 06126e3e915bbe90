"""Revoking a credential from the web: a manager over the holder confirms with a reason;
the holder sees it revoked, the public verification page says so, the audit trail keeps
who and why. Another organisation's admin finds nothing."""

import json

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from capmap.credentials import services
from capmap.credentials.models import Revocation

from .helpers import signed_off


@pytest.fixture
def issued(w):
    return services.issue_credential(actor=w.pharmacist_user, event=signed_off(w))


def test_manager_revokes_a_credential_with_a_reason_after_confirming(w, client, issued):
    client.force_login(w.manager)
    url = reverse("credentials:revoke_credential", args=[issued.public_id])
    confirm = client.get(url).content.decode()
    assert "Revoke this credential?" in confirm and "MED.1 Reconcile medicines" in confirm
    assert not Revocation.objects.exists()  # opening the confirm step changes nothing
    response = client.post(url, {"reason": "Signed off against the wrong framework"})
    assert response.status_code == 302
    revocation = Revocation.objects.get(credential=issued)
    assert revocation.revoked_by == w.manager
    assert revocation.reason == "Signed off against the wrong framework"
    assert LogEntry.objects.get_for_object(revocation).get().actor == w.manager

    client.force_login(w.pharmacist_user)
    mine = client.get(reverse("credentials:list_my_credentials")).content.decode()
    assert "Revoked" in mine
    verify = client.post(
        reverse("credentials:verify_credential"), {"text": json.dumps(issued.document)}
    ).content.decode()
    assert "This credential has been revoked" in verify


def test_revoking_needs_a_reason(w, client, issued):
    client.force_login(w.manager)
    url = reverse("credentials:revoke_credential", args=[issued.public_id])
    page = client.post(url, {"reason": "  "}).content.decode()
    assert "Enter why the credential is being revoked." in page
    assert not Revocation.objects.exists()


def test_another_organisations_admin_gets_404_and_revokes_nothing(w, client, issued):
    client.force_login(w.other_admin)
    url = reverse("credentials:revoke_credential", args=[issued.public_id])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "Mischief"}).status_code == 404
    assert not Revocation.objects.exists()


def test_the_holder_cannot_revoke_their_own_credential(w, client, issued):
    client.force_login(w.pharmacist_user)
    url = reverse("credentials:revoke_credential", args=[issued.public_id])
    assert client.get(url).status_code == 404


def test_persons_page_links_a_manager_to_their_credentials_with_revoke(w, client, issued):
    client.force_login(w.manager)
    page = client.get(reverse("people:show_person", args=[w.pharmacist.pk])).content.decode()
    accept_url = reverse("credentials:accept_credential", args=[w.pharmacist.pk])
    assert accept_url in page
    credentials_page = client.get(accept_url).content.decode()
    assert "MED.1 Reconcile medicines" in credentials_page
    assert reverse("credentials:revoke_credential", args=[issued.public_id]) in credentials_page


def test_persons_page_has_no_credentials_link_for_a_viewer(w, client, issued):
    client.force_login(w.viewer)
    page = client.get(reverse("people:show_person", args=[w.pharmacist.pk])).content.decode()
    assert reverse("credentials:accept_credential", args=[w.pharmacist.pk]) not in page
