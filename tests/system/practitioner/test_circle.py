"""Maya, a PCN clinical pharmacist, reads her own circle of competence."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from capmap.assessments.demo import load_demo_assessments
from capmap.development.demo import load_demo_development
from tests.system.conftest import at_phone_width


@pytest.fixture
def capability_demo(demo_story, demo_stages) -> None:
    # Maya's verified levels, and her self-assessment: her own ratings
    demo_stages.load(load_demo_development, load_demo_assessments)


@pytest.fixture
def patient_page(page: Page) -> Page:
    """The circle pages draw several SVGs; give a busy machine longer than the default."""
    page.set_default_timeout(45_000)
    return page


def _focused_label(page: Page) -> str:
    return page.evaluate("() => document.activeElement.getAttribute('aria-label') || ''")


def test_practitioner_reads_her_circle_segment_by_segment_and_downloads_it(
    capability_demo, patient_page, signed_in_page, assert_accessible, tmp_path: Path
):
    # Given Maya signed in, with verified levels and her own self-ratings
    page: Page = signed_in_page("practitioner")
    # When she opens her record and then her circle of competence
    page.get_by_role("link", name="My record").click()
    page.get_by_role("link", name="Circle of competence").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Circle of competence: Maya Chaudhry")
    circle = page.locator("#circle-svg")
    expect(circle).to_be_visible()
    # Then every domain is named in full beside the circle, never cut short
    expect(
        circle.locator("text.app-circle__label").filter(has_text="Working in the")
    ).to_have_count(1)
    expect(
        page.get_by_role("list").filter(has_text="Working in the team and the system").first
    ).to_be_visible()
    assert_accessible(page)
    # And moving through it with the keyboard names each segment and its levels
    segments = circle.locator(".app-circle__segment[tabindex='0']")
    assert segments.count() >= 12
    segments.first.focus()
    first = _focused_label(page)
    assert ": verified level " in first and " of 4" in first
    # (her own ratings sit beside the verified levels where she gave them)
    assert circle.locator(".app-circle__segment[aria-label*='self-rated']").count() > 0
    expect(page.locator(".app-circle-figure__caption").first).to_have_text(first)
    page.keyboard.press("Tab")
    second = _focused_label(page)
    assert second != first and ": verified level " in second
    expect(page.locator(".app-circle-figure__caption").first).to_have_text(second)
    # And the segment in focus is marked, its levels shown in the middle of the circle
    tip = circle.locator(".app-circle__segment:focus .app-circle__tip")
    expect(tip).to_be_visible()
    # And she sees how she has grown: the circle at her first sign-off beside today's
    expect(page.get_by_role("heading", name="Growth")).to_be_visible()
    expect(page.locator("#circle-then-svg")).to_be_visible()
    expect(page.locator("#circle-now-svg")).to_be_visible()
    # And every number is in a table too
    expect(
        page.get_by_role("table", name="Circle of competence: Maya Chaudhry (table)")
    ).to_be_visible()
    # And she downloads the picture as SVG and as PNG
    with page.expect_download() as svg_download:
        page.get_by_role("link", name="Download the circle as SVG").click()
    svg_path = tmp_path / "circle.svg"
    svg_download.value.save_as(svg_path)
    assert svg_download.value.suggested_filename == "circle-of-competence-maya-chaudhry.svg"
    assert "<svg" in svg_path.read_text() and "Person-centred" in svg_path.read_text()
    with page.expect_download() as png_download:
        page.get_by_role("button", name="Download as PNG").click()
    png_path = tmp_path / "circle.png"
    png_download.value.save_as(png_path)
    assert png_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png_path.stat().st_size > 10_000


def test_practitioner_reads_her_circle_on_a_phone(
    capability_demo, patient_page, signed_in_page, assert_accessible
):
    # Given Maya signed in on a phone
    page: Page = at_phone_width(signed_in_page("practitioner"))
    page.get_by_role("link", name="My record").click()
    page.get_by_role("link", name="Circle of competence").click()
    # Then she sees the numbered circle sized to her screen, with the key naming each number
    expect(page.locator("#circle-compact-svg")).to_be_visible()
    expect(page.locator("#circle-svg")).to_be_hidden()
    width = page.locator("#circle-compact-svg").bounding_box()["width"]
    assert 300 <= width <= 375
    expect(page.locator(".app-circle-key").first).to_contain_text("Person-centred consultation")
    # And a segment still names itself when she moves to it
    page.locator("#circle-compact-svg .app-circle__segment").first.focus()
    assert ": verified level " in _focused_label(page)
    # And nothing scrolls sideways, tables included
    assert_accessible(page)
