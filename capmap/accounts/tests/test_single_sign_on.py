"""NHS sign-in (OpenID Connect) end to end against a real provider running on localhost.

Django's test client plays the browser towards Capmap; `requests` plays it towards the
provider. allauth fetches discovery, exchanges the code and reads userinfo over real
HTTPS, exactly as it would with NHSmail or NHS CIS2.
"""

import re
from urllib.parse import urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.test import override_settings

from capmap.accounts.models import User
from capmap.accounts.tests.factories import UserFactory
from capmap.accounts.tests.oidc_provider import TestIdentityProvider
from capmap.config.settings.base import _oidc_apps
from capmap.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

CALLBACK = "http://testserver/accounts/oidc/{provider}/login/callback/"


@pytest.fixture
def identity_provider():
    server = TestIdentityProvider().start()
    yield server
    server.stop()


@pytest.fixture
def nhsmail(identity_provider, monkeypatch):
    """NHSmail configured the way an operator would: through environment variables."""
    monkeypatch.setenv("ENTRA_CLIENT_ID", "capmap-entra")
    monkeypatch.setenv("ENTRA_CLIENT_SECRET", "entra-secret")
    monkeypatch.setenv("ENTRA_SERVER_URL", identity_provider.url)
    monkeypatch.setenv("CIS2_CLIENT_ID", "capmap-cis2")
    monkeypatch.setenv("CIS2_CLIENT_SECRET", "cis2-secret")
    monkeypatch.setenv("CIS2_SERVER_URL", identity_provider.url)
    # allauth's HTTP calls must trust the provider's self-signed certificate.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(identity_provider.ca_file))
    identity_provider.add_client("capmap-entra", "entra-secret", CALLBACK.format(provider="entra"))
    identity_provider.add_client("capmap-cis2", "cis2-secret", CALLBACK.format(provider="cis2"))
    with override_settings(SOCIALACCOUNT_PROVIDERS={"openid_connect": {"APPS": _oidc_apps()}}):
        yield identity_provider


def sign_in_with(client, provider_id: str, ca_file) -> "requests.Response":
    """Press the sign-in button, let the provider approve, and return to Capmap's callback."""
    start = client.post(f"/accounts/oidc/{provider_id}/login/", {"process": "login"})
    assert start.status_code == 302
    approval = requests.get(start["Location"], allow_redirects=False, verify=ca_file, timeout=10)
    assert approval.status_code == 302, approval.text
    callback = urlsplit(approval.headers["Location"])
    assert callback.path == f"/accounts/oidc/{provider_id}/login/callback/"
    return client.get(f"{callback.path}?{callback.query}")


def test_sign_in_page_offers_nhsmail_and_cis2_when_configured(client, nhsmail):
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with NHSmail" in page
    assert "Sign in with NHS CIS2" in page
    assert 'action="/accounts/oidc/entra/login/?process=login"' in page


def test_sign_in_page_has_no_nhs_buttons_when_none_is_configured(client):
    with override_settings(SOCIALACCOUNT_PROVIDERS={"openid_connect": {"APPS": []}}):
        page = client.get("/accounts/login/").content.decode()
    assert "Sign in with NHSmail" not in page
    assert "Sign in with NHS CIS2" not in page


def test_nhsmail_sign_in_signs_in_the_capmap_user_with_the_same_address(client, nhsmail):
    user = UserFactory(email="sam.jones@nhs.net")
    # Entra ID sends no email_verified claim: nhs.net addresses count as verified by setting.
    nhsmail.sign_in_as("entra-oid-1", email="Sam.Jones@nhs.net", given_name="Sam")

    response = sign_in_with(client, "entra", nhsmail.ca_file)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(user.pk)
    account = SocialAccount.objects.get(provider="entra")
    assert (account.uid, account.user) == ("entra-oid-1", user)
    assert client.get("/").status_code == 200


def test_second_nhsmail_sign_in_uses_the_linked_account(client, nhsmail):
    user = UserFactory(email="sam.jones@nhs.net")
    nhsmail.sign_in_as("entra-oid-1", email="sam.jones@nhs.net")
    sign_in_with(client, "entra", nhsmail.ca_file)
    client.logout()

    response = sign_in_with(client, "entra", nhsmail.ca_file)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert SocialAccount.objects.filter(user=user).count() == 1


def test_cis2_sign_in_with_verified_email_signs_in_the_capmap_user(client, nhsmail):
    user = UserFactory(email="alex.patel@example.nhs.uk")
    nhsmail.sign_in_as("cis2-uuid-7", email="alex.patel@example.nhs.uk", email_verified=True)

    response = sign_in_with(client, "cis2", nhsmail.ca_file)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert SocialAccount.objects.get(provider="cis2").user == user


def test_nhs_sign_in_opens_an_account_for_a_known_staff_record(client, nhsmail):
    PersonFactory(email="new.starter@nhs.net")
    nhsmail.sign_in_as("entra-oid-2", email="new.starter@nhs.net")

    response = sign_in_with(client, "entra", nhsmail.ca_file)

    assert response.status_code == 302
    user = User.objects.get(email="new.starter@nhs.net")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_nhs_sign_in_with_an_unknown_address_is_refused_with_a_clear_page(client, nhsmail):
    nhsmail.sign_in_as("entra-oid-3", email="stranger@nhs.net")

    response = sign_in_with(client, "entra", nhsmail.ca_file)

    page = response.content.decode()
    assert response.status_code == 200
    assert "You cannot sign in to Capmap with this account" in page
    assert "Ask an admin of your organisation" in page
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(email="stranger@nhs.net").exists()
    assert client.get("/").status_code == 302


def test_cis2_address_without_verification_does_not_take_over_an_account(client, nhsmail):
    user = UserFactory(email="alex.patel@example.nhs.uk")
    nhsmail.sign_in_as("cis2-uuid-8", email="alex.patel@example.nhs.uk")  # not verified

    response = sign_in_with(client, "cis2", nhsmail.ca_file)

    assert response.status_code == 200
    assert "You cannot sign in to Capmap with this account" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.filter(user=user).exists()


def test_opening_the_nhs_sign_in_link_asks_before_leaving_capmap(client, nhsmail):
    page = client.get("/accounts/oidc/entra/login/").content.decode()
    assert "We will send you to NHSmail (Microsoft Entra ID) to sign in" in page


def test_cancelling_at_the_provider_explains_nothing_happened(client, nhsmail):
    start = client.post("/accounts/oidc/entra/login/", {"process": "login"})
    state = re.search(r"state=([^&]+)", start["Location"]).group(1)

    page = client.get(
        f"/accounts/oidc/entra/login/callback/?error=access_denied&state={state}", follow=True
    ).content.decode()

    assert "You did not sign in" in page
    assert "_auth_user_id" not in client.session


def test_provider_error_shows_a_clear_page(client, nhsmail):
    start = client.post("/accounts/oidc/entra/login/", {"process": "login"})
    state = re.search(r"state=([^&]+)", start["Location"]).group(1)

    page = client.get(
        f"/accounts/oidc/entra/login/callback/?error=server_error&state={state}"
    ).content.decode()

    assert "Sign in did not work" in page
    assert "_auth_user_id" not in client.session
