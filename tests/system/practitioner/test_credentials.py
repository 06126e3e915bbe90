"""Maya keeps her sign-offs as credentials: she issues and downloads them (JSON and a
baked badge image); anyone verifies one on the public page without an account and sees
who certified what; her PCN manager revokes it, and the verify page then says revoked."""

import json
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from capmap.capability.demo import load_demo_capability
from capmap.credentials.vc.baking import extract_from_svg
from capmap.people.models import Person
from tests.system.conftest import at_phone_width, check_no_sideways_scroll
from tests.system.steps import open_menu_link


@pytest.fixture
def verified_levels(demo_story, demo_stages) -> None:
    demo_stages.load(load_demo_capability)  # Maya's verified levels, signed off by her mentor


def _verify_pasted(page: Page, text: str) -> None:
    page.goto(reverse("credentials:verify_credential"))
    page.get_by_label("Paste the credential").fill(text)
    page.get_by_role("button", name="Verify").click()


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_practitioner_keeps_a_credential_anyone_verifies_and_a_manager_revokes(
    verified_levels, page: Page, signed_in_page, assert_accessible, tmp_path: Path, width
):
    # Given Maya signed in, with competencies signed off by her mentor
    page = signed_in_page("practitioner")
    if width == "phone":
        at_phone_width(page)
    # When she opens My credentials and issues them all
    open_menu_link(page, "My credentials").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My credentials")
    assert_accessible(page)
    page.get_by_role("button", name="Issue all").click()
    # Then each is listed as valid, issued by her organisation
    table = page.get_by_role("table", name="Credentials issued to you")
    expect(table).to_be_visible()
    first = table.get_by_role("row").nth(1)
    expect(first.get_by_text("Valid")).to_be_visible()
    achievement = first.get_by_role("rowheader").inner_text().split("\n")[-1].strip()
    assert_accessible(page)
    if width == "phone":
        check_no_sideways_scroll(page)
    # And she downloads its JSON and its badge image, which carries the same credential
    with page.expect_download() as json_download:
        first.get_by_role("link", name="JSON").click()
    json_path = tmp_path / "credential.json"
    json_download.value.save_as(json_path)
    credential = json.loads(json_path.read_text())
    with page.expect_download() as svg_download:
        first.get_by_role("link", name="badge image (SVG)").click()
    svg_path = tmp_path / "badge.svg"
    svg_download.value.save_as(svg_path)
    assert json.loads(extract_from_svg(svg_path.read_text())) == credential

    # When anyone, signed out, pastes it into the public verify page
    page.context.clear_cookies()
    _verify_pasted(page, json_path.read_text())
    # Then it holds, and the page says who certified what
    expect(
        page.get_by_role("heading", name="This credential is genuine and still holds")
    ).to_be_visible()
    issuer = credential["issuer"]["name"]
    expect(page.get_by_text(f"{issuer} certifies", exact=False).first).to_be_visible()
    expect(page.get_by_text(achievement).first).to_be_visible()
    assert_accessible(page)

    # When her PCN manager opens her record, follows the credentials link and revokes it
    signed_in_page("pcn_manager")
    maya = Person.objects.get(user__email__startswith="maya.chaudhry")
    page.goto(reverse("people:show_person", args=[maya.pk]))
    page.get_by_role("link", name="Credentials: accept one from elsewhere, or revoke").click()
    page.get_by_role("link", name=f"Revoke {achievement}").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revoke this credential?")
    assert_accessible(page)
    page.get_by_label("Why is the credential being revoked?").fill("Signed off in error")
    page.get_by_role("button", name="Revoke credential").click()
    expect(page.get_by_text(f"The credential {achievement} is revoked.")).to_be_visible()
    if width == "phone":
        check_no_sideways_scroll(page)

    # Then the verify page says it is revoked
    page.context.clear_cookies()
    _verify_pasted(page, json_path.read_text())
    expect(page.get_by_role("heading", name="This credential has been revoked")).to_be_visible()
    assert_accessible(page)
