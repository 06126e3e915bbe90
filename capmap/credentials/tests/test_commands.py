"""`capmap verify-credential` and `capmap credentials export`: exit codes, JSON shape, and
exported files (JSON and baked badge) that verify when read back."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from capmap.credentials import selectors, services
from capmap.credentials.vc import baking

from .helpers import signed_off
from .independent import independently_verified

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "1edtech-validator"
KEYS = ["verified", "revoked", "issuer", "achievement", "problems"]


def run(capsys, *args) -> tuple[int, str]:
    with pytest.raises(SystemExit) as stopped:
        call_command("verify_credential", *args)
    return stopped.value.code, capsys.readouterr().out


@pytest.mark.django_db
def test_verify_credential_json_for_another_issuers_example(capsys):
    code, out = run(capsys, str(FIXTURES / "simple.json"), "--json")
    result = json.loads(out)
    assert code == 0
    assert list(result) == KEYS
    assert result == {
        "verified": True,
        "revoked": False,
        "issuer": "Example Corp (https://example.com/issuers/876543)",
        "achievement": "Teamwork",
        "problems": [],
    }


@pytest.mark.django_db
def test_verify_credential_exits_1_for_a_tampered_copy(capsys, tmp_path):
    doc = json.loads((FIXTURES / "simple.json").read_text())
    doc["name"] = "Leadership Badge"
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(doc))
    code, out = run(capsys, str(path), "--json")
    assert code == 1
    assert "changed since it was signed" in json.loads(out)["problems"][0]


@pytest.mark.django_db
def test_verify_credential_with_a_saved_status_list_says_revoked(capsys):
    code, out = run(
        capsys,
        str(FIXTURES / "bit-string-list" / "credential-status-revoked.json"),
        "--status-list",
        str(FIXTURES / "bit-string-list" / "testlist"),
        "--json",
    )
    assert code == 1
    assert json.loads(out)["revoked"] is True


@pytest.mark.django_db
def test_verify_credential_exits_2_when_the_file_cannot_be_read(capsys, tmp_path):
    assert run(capsys, str(tmp_path / "missing.json"), "--json")[0] == 2
    junk = tmp_path / "junk.json"
    junk.write_text("not a credential")
    code, out = run(capsys, str(junk), "--json")
    assert code == 2 and json.loads(out)["verified"] is False


@pytest.mark.django_db
def test_verify_credential_in_words(capsys):
    code, out = run(capsys, str(FIXTURES / "simple-jwt.extracted-from-svg.jwt"))
    assert code == 0
    assert out.splitlines()[0] == "Example Corp certifies Teamwork."


def test_export_writes_each_credential_as_json_and_as_a_baked_badge_that_verifies(
    w, tmp_path, capsys
):
    made = [
        services.issue_credential(actor=w.pharmacist_user, event=signed_off(w, c))
        for c in w.competencies[:2]
    ]
    call_command("credentials", "export", w.pharmacist_user.email.upper(), "--out", str(tmp_path))
    stems = {f"credential-{c.public_id}" for c in made}
    assert {f.name for f in tmp_path.iterdir()} == {
        f"{stem}{suffix}" for stem in stems for suffix in (".json", ".svg")
    }
    assert "Wrote 2 credentials" in capsys.readouterr().out
    for credential in made:
        stem = tmp_path / f"credential-{credential.public_id}"
        # The badge is read back from disk: the credential inside it is the signed one,
        # verified by Capmap's verifier and by the independent path.
        baked = json.loads(baking.extract_from_svg(stem.with_suffix(".svg").read_text()))
        assert baked == json.loads(stem.with_suffix(".json").read_text()) == credential.document
        report = selectors.verify_here(baked)
        assert report.verified, report.problems
        assert report.achievement == credential.achievement_name
        assert independently_verified(baked)
    code, out = run(capsys, str(stem.with_suffix(".svg")), "--json")
    assert code == 0 and json.loads(out)["verified"] is True, out
    code, out = run(capsys, str(stem.with_suffix(".json")), "--json")
    assert code == 0, out


def test_export_of_an_unknown_address_says_so(db, tmp_path):
    with pytest.raises(CommandError, match="No one"):
        call_command("credentials", "export", "nobody@example.org", "--out", str(tmp_path))
