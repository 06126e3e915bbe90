import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from capmap.accounts.tests.factories import UserFactory
from capmap.api.models import ApiToken

pytestmark = pytest.mark.django_db


def create(capsys, *args) -> str:
    call_command("token", "create", *args)
    return capsys.readouterr().out.strip()


def test_token_create_prints_a_working_token_once(capsys):
    user = UserFactory(email="ada@example.nhs.uk")
    raw = create(capsys, "ADA@example.nhs.uk", "--name", "reporting")
    token = ApiToken.objects.get(user=user)
    assert token.name == "reporting"
    assert raw.startswith(f"{token.prefix}.")
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.json()["email"] == "ada@example.nhs.uk"


def test_token_revoke_stops_the_token_working(capsys):
    UserFactory(email="ada@example.nhs.uk")
    raw = create(capsys, "ada@example.nhs.uk")
    call_command("token", "revoke", raw.split(".")[0])
    assert "Revoked" in capsys.readouterr().out
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_token_create_for_an_unknown_user_fails_clearly():
    with pytest.raises(CommandError, match=r"No user has the e-mail address nobody@x\.nhs\.uk"):
        call_command("token", "create", "nobody@x.nhs.uk")


def test_token_revoke_of_an_unknown_prefix_fails_clearly():
    with pytest.raises(CommandError, match="No API token has the prefix abc"):
        call_command("token", "revoke", "abc")
