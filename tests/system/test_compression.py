"""A real browser takes the pages as Brotli and draws them as they were written."""

from playwright.sync_api import Page, expect


def test_the_browser_gets_pages_as_brotli_and_the_padding_never_shows(signed_in_page):
    # Given a signed-in practitioner (Chromium offers "gzip, deflate, br, zstd")
    page: Page = signed_in_page("practitioner")
    # When she opens her home page
    response = page.goto("/")
    # Then it came compressed with Brotli, and reads as the page itself
    assert response is not None and response.header_value("content-encoding") == "br"
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    # And the padding after the page is a comment, never text on the page
    assert "<!--" not in page.locator("body").inner_text()
    assert "-->" not in page.locator("body").inner_text()
