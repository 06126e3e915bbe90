"""Two-factor sign-in with an authenticator app (TOTP), and the rule that admins must use one."""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)

from capmap.accounts.mfa import must_set_up_authenticator_app
from capmap.accounts.tests.factories import PASSWORD, UserFactory
from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory, tree
from capmap.people import policy

pytestmark = pytest.mark.django_db

ACTIVATE = "/accounts/2fa/totp/activate/"


@pytest.fixture(autouse=True)
def _mfa_settings(settings):
    settings.CAPMAP_REQUIRE_MFA_FOR_ADMINS = True
    # Accept the neighbouring 30-second window too, so a test that straddles a boundary passes.
    settings.MFA_TOTP_TOLERANCE = 1


def current_code(secret: str, step: int = 0) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + step))


def with_authenticator_app(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def sign_in(client, user):
    return client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})


def sign_in_with_code(client, user, secret: str) -> None:
    """Sign in fully, then confirm the password as allauth asks before any security change."""
    sign_in(client, user)
    client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})


def test_admin_without_authenticator_app_is_sent_to_set_one_up_and_then_reaches_home(client):
    admin = MembershipFactory(organisation=tree().ics, role=Role.ADMIN).user
    sign_in(client, admin)
    assert client.get("/")["Location"] == ACTIVATE
    assert client.get("/people/")["Location"] == ACTIVATE

    # allauth asks for the password again before any security change, even just after sign-in.
    confirm = client.get(ACTIVATE)["Location"]
    assert confirm.startswith("/accounts/reauthenticate/")
    assert "Confirm it is you" in client.get(confirm).content.decode()
    assert client.post(confirm, {"password": PASSWORD})["Location"] == ACTIVATE
    page = client.get(ACTIVATE).content.decode()
    assert "Set up an authenticator app" in page
    assert "Organisation admins must use an authenticator app" in page
    secret = re.search(r'id="authenticator-secret">([A-Z2-7]+)<', page).group(1)

    activated = client.post(ACTIVATE, {"code": current_code(secret)})

    assert activated.status_code == 302
    assert Authenticator.objects.filter(user=admin, type=Authenticator.Type.TOTP).exists()
    assert "Recovery codes" in client.get(activated["Location"]).content.decode()
    assert client.get("/").status_code == 200


def test_admin_waiting_to_set_up_can_still_sign_out_and_reach_health_checks(client):
    admin = MembershipFactory(organisation=tree().ics, role=Role.ADMIN).user
    client.force_login(admin)
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/2fa/").status_code == 200
    assert client.get("/accounts/logout/").status_code == 200


def test_a_health_check_by_an_admin_waiting_to_set_up_reads_no_session_or_user(
    client, django_assert_num_queries
):
    """Load balancers and monitors may send a session cookie: a health check must stay
    as cheap as when signed out, whoever's cookie it carries."""
    admin = MembershipFactory(organisation=tree().ics, role=Role.ADMIN).user
    client.force_login(admin)
    with django_assert_num_queries(0):
        assert client.get("/healthz").status_code == 200
    assert client.get("/people/")["Location"] == ACTIVATE


def test_wrong_setup_code_shows_an_error_summary(client):
    admin = MembershipFactory(organisation=tree().ics, role=Role.ADMIN).user
    sign_in(client, admin)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})

    page = client.post(ACTIVATE, {"code": "000000"}).content.decode()

    assert "There is a problem" in page
    assert 'href="#id_code"' in page
    assert not Authenticator.objects.filter(user=admin).exists()


def test_practitioner_is_not_forced_to_set_up_an_authenticator_app(client):
    user = MembershipFactory(organisation=tree().practice_a, role=Role.PRACTITIONER).user
    sign_in(client, user)
    assert client.get("/").status_code == 200


def test_the_admin_check_costs_no_query_beyond_the_memberships_the_policy_reads(
    django_assert_num_queries,
):
    """Every signed-in request asks whether the user must set up an app; the memberships
    the access policy reads for the page answer it for everyone but an admin."""
    t = tree()
    practitioner = MembershipFactory(organisation=t.practice_a, role=Role.PRACTITIONER).user
    admin = MembershipFactory(organisation=t.ics, role=Role.ADMIN).user
    for user, expected, queries in ((practitioner, False, 1), (admin, True, 2)):
        fresh = type(user).objects.get(pk=user.pk)
        with django_assert_num_queries(queries):  # memberships (+ the admin's authenticator)
            assert must_set_up_authenticator_app(fresh) is expected
            policy.allows_anywhere(fresh, policy.VIEW_PEOPLE)  # the page's scope: read
    with_authenticator_app(admin)
    assert must_set_up_authenticator_app(type(admin).objects.get(pk=admin.pk)) is False


def test_admin_is_not_forced_when_the_setting_is_off(client, settings):
    settings.CAPMAP_REQUIRE_MFA_FOR_ADMINS = False
    admin = MembershipFactory(organisation=tree().ics, role=Role.ADMIN).user
    sign_in(client, admin)
    assert client.get("/").status_code == 200


def test_sign_in_with_an_authenticator_app_asks_for_the_code(client):
    admin = MembershipFactory(organisation=tree().ics, role=Role.ADMIN).user
    secret = with_authenticator_app(admin)

    response = sign_in(client, admin)

    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "Enter the code from your authenticator app" in page
    assert 'autocomplete="one-time-code"' in page
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"}).content.decode()
    assert "There is a problem" in wrong
    assert "_auth_user_id" not in client.session

    client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})

    assert client.session["_auth_user_id"] == str(admin.pk)
    assert client.get("/").status_code == 200


def test_recovery_code_signs_in_when_the_phone_is_lost(client):
    user = UserFactory()
    with_authenticator_app(user)
    codes = RecoveryCodes(Authenticator.objects.get(user=user, type="recovery_codes"))
    sign_in(client, user)

    client.post("/accounts/2fa/authenticate/", {"code": codes.get_unused_codes()[0]})

    assert client.session["_auth_user_id"] == str(user.pk)


def test_security_page_shows_whether_the_authenticator_app_is_on(client):
    user = UserFactory()
    client.force_login(user)
    page = client.get("/accounts/2fa/").content.decode()
    assert "<h1>Security</h1>" in page
    assert "Set up" in page

    with_authenticator_app(user)
    page = client.get("/accounts/2fa/").content.decode()
    assert "Turn off" in page
    assert "10 unused codes" in page


def test_turning_off_the_authenticator_app(client):
    user = UserFactory()
    secret = with_authenticator_app(user)
    sign_in_with_code(client, user, secret)

    page = client.get("/accounts/2fa/totp/deactivate/").content.decode()
    assert "Turn off your authenticator app" in page
    client.post("/accounts/2fa/totp/deactivate/")

    assert not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def test_turning_off_asks_someone_not_recently_signed_in_to_confirm_it_is_them(client):
    user = UserFactory()
    with_authenticator_app(user)
    client.force_login(user)

    response = client.get("/accounts/2fa/totp/deactivate/")

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Confirm it is you" in page


def test_recovery_codes_page_shows_only_your_own_codes(client):
    places = tree()
    owner = MembershipFactory(organisation=places.pcn_a, role=Role.PRACTITIONER).user
    other = MembershipFactory(organisation=places.pcn_b, role=Role.PRACTITIONER).user
    secret = with_authenticator_app(owner)
    owner_codes = RecoveryCodes(
        Authenticator.objects.get(user=owner, type="recovery_codes")
    ).get_unused_codes()
    sign_in_with_code(client, owner, secret)
    page = client.get("/accounts/2fa/recovery-codes/").content.decode()
    assert owner_codes[0] in page

    client.logout()
    client.force_login(other)
    response = client.get("/accounts/2fa/recovery-codes/")

    assert response.status_code == 404
    assert not any(code in response.content.decode() for code in owner_codes)


def test_making_new_recovery_codes(client):
    user = UserFactory()
    secret = with_authenticator_app(user)
    old = RecoveryCodes(Authenticator.objects.get(user=user, type="recovery_codes"))
    old_codes = old.get_unused_codes()
    sign_in_with_code(client, user, secret)
    assert (
        "Make new recovery codes"
        in client.get("/accounts/2fa/recovery-codes/generate/").content.decode()
    )

    client.post("/accounts/2fa/recovery-codes/generate/")

    new = RecoveryCodes(Authenticator.objects.get(user=user, type="recovery_codes"))
    assert set(new.get_unused_codes()).isdisjoint(old_codes)
