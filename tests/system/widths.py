"""Check a page as a desktop and as a phone user sees it."""

from playwright.sync_api import Page

from tests.system.conftest import DESKTOP, PHONE, check_accessible


def then_it_is_accessible_on_desktop_and_phone(page: Page) -> None:
    """No serious axe finding and no sideways scroll at 1280 px, then at 375 px; back to desktop."""
    page.set_viewport_size(DESKTOP)
    check_accessible(page)
    page.set_viewport_size(PHONE)
    check_accessible(page)
    page.set_viewport_size(DESKTOP)
