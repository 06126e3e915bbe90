"""A real browser reads the pages sent as Brotli, padding and all, to their last line."""

from playwright.sync_api import Page, expect


def test_the_browser_reads_pages_sent_as_brotli_to_the_end(signed_in_page):
    # Given a signed-in practitioner (Chromium offers "gzip, deflate, br, zstd", also to
    # the test's plain-HTTP server on localhost)
    page: Page = signed_in_page("practitioner")
    # When she opens her home page
    response = page.goto("/")
    # Then it came as Brotli, with the padding a decoder skips after the page's bytes
    assert response is not None and response.header_value("content-encoding") == "br"
    # And the browser read all of it (one it could not decode fails the whole navigation):
    # the heading at the top and the footer at the end
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("contentinfo")).to_be_visible()
