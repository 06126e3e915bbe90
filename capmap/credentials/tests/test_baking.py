"""Baked badge images (Open Badges 3.0 SVG baking): Capmap's badges carry the signed
credential and verify from the image alone, on the page and the command line; another
issuer's baked SVG is read too; an image with nothing baked in is refused clearly."""

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from capmap.credentials import selectors, services
from capmap.credentials.vc import baking
from capmap.credentials.vc.verify import Unreadable, parse

from .helpers import signed_off
from .independent import independently_verified

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "1edtech-validator"


@pytest.fixture
def issued(w):
    return services.issue_credential(actor=w.pharmacist_user, event=signed_off(w))


def _svg(client, w, credential) -> str:
    client.force_login(w.pharmacist_user)
    response = client.get(reverse("credentials:download_svg", args=[credential.public_id]))
    assert response["Content-Type"] == "image/svg+xml"
    return response.content.decode()


def test_badge_image_carries_the_signed_credential_as_the_spec_bakes_it(w, client, issued):
    svg = _svg(client, w, issued)
    assert f'xmlns:openbadges="{baking.OB_NAMESPACE}"' in svg
    # Directly after the <svg> tag, one element holding the JSON in CDATA.
    assert svg.count("<openbadges:credential>") == 1
    assert svg.split(">", 1)[1].startswith("<openbadges:credential><![CDATA[")
    assert "MED.1 Reconcile medicines" in svg.split("<title", 1)[1]
    baked = json.loads(baking.extract_from_svg(svg))
    assert baked == issued.document
    assert independently_verified(baked)


def test_verify_page_accepts_the_badge_image(w, client, issued):
    svg = _svg(client, w, issued)
    client.logout()
    upload = io.BytesIO(svg.encode())
    upload.name = "badge.svg"
    page = client.post(reverse("credentials:verify_credential"), {"file": upload})
    text = page.content.decode()
    assert "This credential is genuine and still holds" in text
    assert "badge image (SVG)" in text


def test_a_tampered_badge_image_fails(w, client, issued):
    svg = _svg(client, w, issued).replace("Reconcile medicines", "Prescribe anything")
    report = selectors.verify_here(svg)
    assert not report.verified


def test_verify_credential_command_accepts_a_badge_image(w, client, issued, tmp_path, capsys):
    path = tmp_path / "badge.svg"
    path.write_text(_svg(client, w, issued))
    with pytest.raises(SystemExit) as leaving:
        call_command("verify_credential", str(path), "--json")
    out = json.loads(capsys.readouterr().out)
    assert leaving.value.code in (0, None) and out["verified"] is True, out


def test_another_issuers_baked_svg_with_a_vc_jwt_is_read():
    svg = (FIXTURES / "simple-jwt.svg").read_text()
    token, form = parse(svg)
    assert token == (FIXTURES / "simple-jwt.extracted-from-svg.jwt").read_text().strip()
    assert form == "a badge image (SVG) baked with a VC-JWT"


def test_an_svg_with_nothing_baked_in_is_refused_with_a_clear_reason():
    with pytest.raises(Unreadable, match="no credential baked into it"):
        parse('<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>')


def test_baking_again_replaces_the_credential_and_a_jwt_goes_in_verify():
    picture = baking.badge_svg(title="A & B", level="", issuer="X <Y>", issued_on="today")
    once = baking.bake_svg(picture, credential={"a": "]]>"})
    assert json.loads(baking.extract_from_svg(once)) == {"a": "]]>"}
    twice = baking.bake_svg(once, jwt="eyJ.a.b")
    assert twice.count("<openbadges:credential") == 1
    assert baking.extract_from_svg(twice) == "eyJ.a.b"


def test_download_all_has_the_json_and_the_badge_of_each(w, client, issued):
    client.force_login(w.pharmacist_user)
    response = client.get(reverse("credentials:download_all_credentials"))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    name = f"credential-{issued.public_id}"
    assert sorted(archive.namelist()) == [f"{name}.json", f"{name}.svg"]
    baked = baking.extract_from_svg(archive.read(f"{name}.svg").decode())
    assert json.loads(baked) == json.loads(archive.read(f"{name}.json"))


def test_another_organisations_admin_cannot_download_the_badge(w, client, issued):
    client.force_login(w.other_admin)
    url = reverse("credentials:download_svg", args=[issued.public_id])
    assert client.get(url).status_code == 404
