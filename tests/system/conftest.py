"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

One Chromium runs per test session (per xdist worker); each test gets a fresh browser
context, so cookies never leak between personas. The live server reads the test
database, so each test loads the demo story itself: a transactional test, whose data
is put back as migrations left it afterwards. Loading is slow, so each stage of the demo
is loaded once and copied back for later tests (`DemoStages`).
"""

import os
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.db import connections
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect, sync_playwright

from capmap.demo.story import DEMO_PASSWORD, load_demo_story, persona
from tests.database_copies import DatabaseCopy, put_back, take_copy

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


class DemoStages:
    """The demo, loaded in stages (the story, then its capability, assessments, scheme...).

    Loading the story alone takes seconds; its later stages far longer. The first test to
    reach a stage loads it and keeps a copy of the database; a later test reaching the same
    stage, by the same loaders in the same order on the same day, gets that copy back.
    Only load stages before a test changes anything: a copy replaces the whole database.
    """

    def __init__(self) -> None:
        self._copies: dict[tuple, DatabaseCopy] = {}
        self._stage: tuple[str, ...] = ()

    def begin(self, *loaders: Callable[[], object]) -> None:
        self._stage = ()
        self.load(*loaders)

    def load(self, *loaders: Callable[[], object]) -> None:
        self._stage += tuple(f"{loader.__module__}.{loader.__qualname__}" for loader in loaders)
        # The demo's dates count from today: a run that passes midnight loads afresh.
        key = (self._stage, timezone.localdate())
        if key in self._copies:
            put_back(self._copies[key])
            return
        for loader in loaders:
            loader()
        self._copies[key] = take_copy()


@pytest.fixture(scope="session")
def demo_stages() -> DemoStages:
    return DemoStages()


@pytest.fixture
def demo_story(transactional_db, live_server, demo_stages: DemoStages) -> None:
    """Given the demo story, served by the live server (and gone after the test)."""
    demo_stages.begin(load_demo_story)


PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}


class BrowserProblems:
    """What the browser complained about while a test ran: console errors, uncaught
    exceptions and sub-resources (scripts, styles, images) that failed to load.

    A refused page (403, 404) is something tests ask for on purpose, so the document's
    own status is not a problem; Chromium's console line for it is ignored too.
    """

    def __init__(self, page: Page) -> None:
        self.problems: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught: {error}"))
        page.on("response", self._on_response)
        page.on("requestfailed", self._on_request_failed)

    def _on_console(self, message) -> None:
        if message.type != "error" or message.text.startswith("Failed to load resource"):
            return
        self.problems.append(f"console error on {message.location.get('url')}: {message.text}")

    def _on_response(self, response) -> None:
        if response.status >= 400 and response.request.resource_type not in {
            "document",
            "fetch",
            "xhr",
        }:
            self.problems.append(f"{response.status} for {response.url}")

    def _on_request_failed(self, request) -> None:
        if request.resource_type != "document" and request.failure != "net::ERR_ABORTED":
            self.problems.append(f"failed to load {request.url}: {request.failure}")


@pytest.fixture(scope="session")
def warm_live_server(django_db_setup, django_db_blocker, live_server) -> None:
    """Render a page once before any test's browser asks for one: the first render compiles
    the page templates, which on a busy machine takes longer than a test waits. The
    not-found page draws the whole layout; the session and sign-in middleware may touch
    the database, which pytest-django only allows inside a test, so allow it here."""
    with django_db_blocker.unblock():
        try:
            urllib.request.urlopen(f"{live_server.url}/no-such-page/", timeout=120)
        except urllib.error.HTTPError as error:
            assert error.code == 404, error


@pytest.fixture
def page(browser: Browser, live_server, warm_live_server, demo_story) -> Iterator[Page]:
    """A fresh browser tab at desktop width; the test fails if the browser logged an
    error, threw, or could not load a script, style or image on any page it visited."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport=DESKTOP)
    # Generous: CI shares two cores between the server, the browser and the tests.
    context.set_default_timeout(30_000)
    page = context.new_page()
    watcher = BrowserProblems(page)
    yield page
    context.close()
    if watcher.problems:
        pytest.fail("The browser reported problems:\n" + "\n".join(watcher.problems), pytrace=False)


def at_phone_width(page: Page) -> Page:
    """Resize the tab to a 375 px phone (the narrowest width the NHS.UK frontend supports)."""
    page.set_viewport_size(PHONE)
    wait_for_the_header_to_settle(page)
    return page


def wait_for_the_header_to_settle(page: Page) -> None:
    """The NHS.UK header folds the menu links that do not fit under "More" a moment after a
    resize (a resize observer and a timer): until then its link list overflows. A step that
    looks for a link before then may find it shown, and lose it as the header folds."""
    page.wait_for_function(
        """() => {
            const links = document.querySelector('.nhsuk-header__navigation-list');
            return !links || links.scrollWidth <= links.clientWidth;
        }"""
    )


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
    """Fail on any axe violation of serious or critical impact, listing each readably,
    and on a page wider than the window (at 375 px a table must not push the page sideways)."""
    # The NHS.UK header folds its menu under "More" from script after a load or a resize:
    # let two frames pass so axe reads the settled header, not one caught mid-layout.
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    results = Axe().run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
    if blocking:
        report = "\n".join(_describe(v) for v in blocking)
        pytest.fail(f"Accessibility problems on {page.url}:\n{report}", pytrace=False)
    check_no_sideways_scroll(page)


def check_no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if overflow > 0:
        width = page.viewport_size["width"] if page.viewport_size else "?"
        pytest.fail(
            f"{page.url} scrolls sideways by {overflow} px at {width} px wide", pytrace=False
        )


@pytest.fixture
def assert_accessible() -> Callable[[Page], None]:
    return check_accessible


def first_name(persona_key: str) -> str:
    return persona(persona_key)[1]
