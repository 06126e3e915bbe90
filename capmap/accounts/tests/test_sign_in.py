"""Signing in and out with an e-mail address and password, the lock-out, and password reset."""

import re

import pytest
from django.core import mail

from capmap.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def sign_in(client, email: str, password: str):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_sign_in_page_uses_nhs_form_components(client):
    page = client.get("/accounts/login/").content.decode()
    assert "<h1>Sign in to Capmap</h1>" in page
    assert re.search(r'class="nhsuk-label"\s+for="id_login"\s*>\s*Email address', page)
    assert 'autocomplete="current-password"' in page
    assert "placeholder" not in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_staff_member_signs_in_with_email_and_password(client):
    user = UserFactory(email="robin@example.nhs.uk")
    response = sign_in(client, "Robin@example.nhs.uk", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_wrong_password_shows_an_error_summary(client):
    UserFactory(email="robin@example.nhs.uk")
    response = sign_in(client, "robin@example.nhs.uk", "not-the-password")
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter the email address and password of your Capmap account." in page
    assert "_auth_user_id" not in client.session


def test_sixth_attempt_after_five_wrong_passwords_is_refused_even_when_right(client):
    UserFactory(email="robin@example.nhs.uk")
    for _ in range(5):
        assert sign_in(client, "robin@example.nhs.uk", "not-the-password").status_code == 200

    response = sign_in(client, "robin@example.nhs.uk", PASSWORD)

    page = response.content.decode()
    assert "_auth_user_id" not in client.session
    assert "Too many wrong passwords have been entered for this email address" in page
    assert "Wait 5 minutes and try again, or reset your password." in page


def test_lock_out_of_one_address_does_not_lock_out_a_colleague(client):
    UserFactory(email="robin@example.nhs.uk")
    colleague = UserFactory(email="kim@example.nhs.uk")
    for _ in range(5):
        sign_in(client, "robin@example.nhs.uk", "not-the-password")

    sign_in(client, "kim@example.nhs.uk", PASSWORD)

    assert client.session["_auth_user_id"] == str(colleague.pk)


def test_sign_out_asks_for_confirmation_then_signs_out(client):
    client.force_login(UserFactory())
    page = client.get("/accounts/logout/").content.decode()
    assert "Are you sure you want to sign out?" in page

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_by_email_end_to_end(client):
    user = UserFactory(email="robin@example.nhs.uk")
    page = client.get("/accounts/password/reset/").content.decode()
    assert "<h1>Reset your password</h1>" in page

    response = client.post("/accounts/password/reset/", {"email": "robin@example.nhs.uk"})
    assert response.status_code == 302
    assert "Check your email" in client.get(response["Location"]).content.decode()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["robin@example.nhs.uk"]
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[0].body)

    # allauth swaps the key in the link for a session-held one, then shows the form.
    form_page = client.get(link.group(1), follow=True)
    assert "<h1>Set a new password</h1>" in form_page.content.decode()
    new_password = "a-much-longer-new-passphrase"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"password1": new_password, "password2": new_password},
        follow=True,
    )
    assert "Your password has been changed" in done.content.decode()

    client.logout()
    assert sign_in(client, "robin@example.nhs.uk", PASSWORD).status_code == 200
    sign_in(client, "robin@example.nhs.uk", new_password)
    assert client.session["_auth_user_id"] == str(user.pk)


def test_password_reset_link_cannot_be_used_twice(client):
    UserFactory(email="robin@example.nhs.uk")
    client.post("/accounts/password/reset/", {"email": "robin@example.nhs.uk"})
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[0].body)
    form_page = client.get(link.group(1), follow=True)
    new_password = "a-much-longer-new-passphrase"
    client.post(
        form_page.redirect_chain[-1][0], {"password1": new_password, "password2": new_password}
    )
    client.logout()

    again = client.get(link.group(1), follow=True).content.decode()

    assert "This link does not work" in again


def test_password_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.nhs.uk"})
    assert response.status_code == 302
    assert "Check your email" in client.get(response["Location"]).content.decode()
    assert all("reset" not in message.body.lower() for message in mail.outbox)


def test_short_new_password_is_refused_with_an_error_summary(client):
    UserFactory(email="robin@example.nhs.uk")
    client.post("/accounts/password/reset/", {"email": "robin@example.nhs.uk"})
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[0].body)
    form_page = client.get(link.group(1), follow=True)

    response = client.post(
        form_page.redirect_chain[-1][0], {"password1": "short", "password2": "short"}
    )

    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_password1"' in page


def test_changing_your_password_from_the_security_page(client):
    user = UserFactory(email="robin@example.nhs.uk")
    client.force_login(user)
    assert 'href="/accounts/password/change/"' in client.get("/accounts/2fa/").content.decode()
    assert "Change your password" in client.get("/accounts/password/change/").content.decode()
    new_password = "a-much-longer-new-passphrase"

    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": new_password, "password2": new_password},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/accounts/2fa/"
    assert "nhsuk-notification-banner" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_wrong_current_password_is_explained_when_changing_it(client):
    client.force_login(UserFactory())
    page = client.post(
        "/accounts/password/change/",
        {"oldpassword": "wrong", "password1": "x" * 14, "password2": "x" * 14},
    ).content.decode()
    assert "There is a problem" in page
    assert 'href="#id_oldpassword"' in page


def test_someone_who_signs_in_with_nhs_account_only_can_set_a_password(client):
    user = UserFactory()
    user.set_unusable_password()
    user.save()
    client.force_login(user)
    assert 'href="/accounts/password/set/"' in client.get("/accounts/2fa/").content.decode()
    new_password = "a-much-longer-new-passphrase"

    client.post("/accounts/password/set/", {"password1": new_password, "password2": new_password})

    user.refresh_from_db()
    assert user.check_password(new_password)


def test_lock_out_holds_whichever_host_name_the_wrong_passwords_came_in_on(client):
    # Behind a load balancer, or when the service answers to two names, the five tries are
    # counted for the address, not for each name.
    UserFactory(email="robin@example.nhs.uk")
    for attempt in range(5):
        host = "127.0.0.1:8001" if attempt % 2 else "localhost:8002"
        client.post(
            "/accounts/login/",
            {"login": "robin@example.nhs.uk", "password": "not-the-password"},
            HTTP_HOST=host,
        )

    response = sign_in(client, "robin@example.nhs.uk", PASSWORD)

    assert "_auth_user_id" not in client.session
    assert "Too many wrong passwords have been entered" in response.content.decode()
