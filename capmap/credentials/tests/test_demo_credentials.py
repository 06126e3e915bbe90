"""Issue 12's "done when", on the demo itself: the practitioner's sign-offs, issued as the
demo issues them, verify with Capmap's verifier and with the independent path (plain
PyNaCl over pyld), are aligned to CASE items this deployment serves, and once her PCN
manager revokes one, the verifier and `capmap verify-credential` both say "revoked"."""

import json
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from capmap.accounts.models import User
from capmap.capability.demo import load_demo_capability
from capmap.credentials import selectors, services
from capmap.credentials.demo import load_demo_credentials
from capmap.credentials.models import IssuedCredential
from capmap.credentials.vc.schema import schema_problems
from capmap.demo.story import load_demo_story, persona

from .independent import independently_verified

BASE = "https://capmap.example.nhs.uk"


@pytest.fixture
def demo(db, settings):
    settings.CAPMAP_BASE_URL = BASE
    load_demo_story()
    load_demo_capability()  # the practitioner's levels, signed off by her mentor


def test_a_demo_sign_off_verifies_here_and_independently_until_it_is_revoked(
    demo, client, tmp_path, capsys
):
    assert load_demo_credentials(email=persona("practitioner")[0])
    issued = list(
        IssuedCredential.objects.filter(person__user__email=persona("practitioner")[0])
        .select_related("competency")
        .order_by("pk")
    )
    assert issued
    for credential in issued:
        assert schema_problems(credential.document) == []
        assert independently_verified(credential.document)
        report = selectors.verify_here(credential.document)
        assert report.verified, report.problems
        assert report.notes == []  # key confirmed as the issuer's, status list checked

    credential = issued[0]
    # Aligned to the competency's CASE item: its identifier, and a URI that this
    # deployment's CASE API answers with that item.
    [alignment] = credential.document["credentialSubject"]["achievement"]["alignment"]
    assert alignment["targetType"] == "CFItem"
    assert alignment["targetCode"] == credential.competency.case_identifier
    assert alignment["targetUrl"].startswith(BASE + "/ims/case/v1p0/CFItems/")
    item = client.get(urlsplit(alignment["targetUrl"]).path)
    assert item.status_code == 200
    assert item.json()["identifier"] == credential.competency.case_identifier

    manager = User.objects.get(email=persona("pcn_manager")[0])
    services.revoke_credential(actor=manager, credential=credential, reason="Signed in error")
    report = selectors.verify_here(credential.document)
    assert report.revoked and not report.verified
    assert report.problems[0].startswith("Revoked")
    path = tmp_path / "credential.json"
    path.write_text(json.dumps(credential.document))
    with pytest.raises(SystemExit) as stopped:
        call_command("verify_credential", str(path), "--json")
    assert stopped.value.code == 1
    assert json.loads(capsys.readouterr().out)["revoked"] is True
    # The signature itself still holds: revoked, not forged.
    assert independently_verified(credential.document)
