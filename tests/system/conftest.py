"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

One Chromium runs per test session (per xdist worker); each test gets a fresh browser
context, so cookies never leak between personas. The live server reads the test
database, so each test loads the demo story itself: a transactional test, whose data
is flushed afterwards (the story puts back any starter job roles an earlier flush
removed).
"""

import os
from collections.abc import Callable, Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.db import connections
from playwright.sync_api import Browser, Page, expect, sync_playwright

from capmap.demo.story import DEMO_PASSWORD, load_demo_story, persona

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="session")
def browser(django_db_setup) -> Iterator[Browser]:
    # Playwright's sync API leaves an event loop running in this thread: Django must
    # allow its (synchronous) database calls from the tests all the same. (With a loop
    # running, Django also keeps connections per context rather than per thread, so
    # the tests get connections of their own from here on: close them at the end.)
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
        connections.close_all()


@pytest.fixture
def demo_story(transactional_db, live_server) -> None:
    """Given the demo story, served by the live server (and flushed after the test)."""
    load_demo_story()


@pytest.fixture
def page(browser: Browser, live_server, demo_story) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def signed_in_page(page: Page) -> Callable[[str], Page]:
    """Sign a demo persona in through the real sign-in form; returns the page on home."""

    def sign_in(persona_key: str) -> Page:
        email, _ = persona(persona_key)
        page.goto("/accounts/login/")
        page.locator('input[name="login"]').fill(email)
        page.locator('input[name="password"]').fill(DEMO_PASSWORD)
        page.locator('input[name="password"]').press("Enter")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        expect(page.locator("h1")).to_be_visible()
        return page

    return sign_in


def _describe(violation: dict) -> str:
    lines = [
        f"- {violation['id']} ({violation['impact']}): {violation['help']}",
        f"  {violation['helpUrl']}",
    ]
    for node in violation["nodes"]:
        target = " ".join(str(part) for part in node["target"])
        lines.append(f"    at {target}")
        summary = (node.get("failureSummary") or "").strip().replace("\n", "\n      ")
        if summary:
            lines.append(f"      {summary}")
    return "\n".join(lines)


def check_accessible(page: Page) -> None:
    """Fail on any axe violation of serious or critical impact, listing each readably."""
    results = Axe().run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
    if blocking:
        report = "\n".join(_describe(v) for v in blocking)
        pytest.fail(f"Accessibility problems on {page.url}:\n{report}", pytrace=False)


@pytest.fixture
def assert_accessible() -> Callable[[Page], None]:
    return check_accessible


def first_name(persona_key: str) -> str:
    return persona(persona_key)[1]
