"""The safety net: every page a persona reaches from the menu, and one level down, fits a phone.

Each demo persona signs in at 375 px, opens every menu section and every page linked from
the section's main content (one example of each kind of page: `/people/12/` and
`/people/13/` are the same page), and we note each page that scrolls sideways, answers
with a server error, or shows Django's debug page. A table may scroll inside its own
labelled region; the page itself must not.
"""

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page

from tests.system.conftest import PHONE

PERSONAS = [
    "practitioner",
    "supervisor",
    "practice_manager",
    "pcn_manager",
    "programme_lead",
    "admin",
]

# Links that leave the page for a file, sign the persona out, or belong to Django's admin.
NOT_PAGES = re.compile(
    r"(/accounts/logout|/django-admin/|/api/|/download|\.(csv|xlsx|pdf|json|svg|png)$|/export)"
)
PAGES_PER_SECTION = 12


def shape_of(path: str) -> str:
    """The kind of page a path is: its numbers and long tokens replaced by placeholders."""
    return re.sub(r"/[0-9a-f-]{8,}/|/\d+/", "/<id>/", path)


def sideways_overflow(page: Page) -> int:
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def links_in_main_content(page: Page) -> list[str]:
    hrefs = page.locator("main a[href]").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    return [href for href in hrefs if href.startswith("/") and not NOT_PAGES.search(href)]


def menu_section_links(page: Page) -> list[str]:
    menu = page.get_by_role("navigation", name="Menu")
    hrefs = menu.locator("a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return [href for href in hrefs if href.startswith("/") and not NOT_PAGES.search(href)]


def problem_with(page: Page, path: str) -> str | None:
    response = page.goto(path)
    status = response.status if response else 0
    if status >= 500:
        return f"{path} answers {status}"
    if page.locator("#traceback, #summary .exception_value").count():
        return f"{path} shows Django's debug page"
    overflow = sideways_overflow(page)
    if overflow > 0:
        return f"{path} scrolls sideways by {overflow} px"
    return None


@pytest.mark.parametrize("persona_key", PERSONAS)
def test_every_page_a_persona_reaches_fits_a_phone(page, signed_in_page, persona_key):
    # The walk opens some thirty pages, the first of them while the server is still cold.
    page.set_default_navigation_timeout(30_000)
    # Given a demo persona signed in on a 375 px phone
    page = signed_in_page(persona_key)
    page.set_viewport_size(PHONE)
    seen: set[str] = set()
    problems: list[str] = []

    def visit(path: str) -> bool:
        shape = shape_of(urlparse(path).path)
        if shape in seen:
            return False
        seen.add(shape)
        problem = problem_with(page, path)
        if problem:
            problems.append(problem)
        return True

    # When they open every section of their menu, and the pages each section links to
    sections = ["/", *menu_section_links(page)]
    one_level_down: list[list[str]] = []
    for section in sections:
        if visit(section):
            one_level_down.append(links_in_main_content(page))
    for links in one_level_down:
        visited = 0
        for path in links:
            if visited >= PAGES_PER_SECTION:
                break
            if visit(path):
                visited += 1
    # Then no page scrolls sideways, fails, or shows a debug page
    assert len(seen) > 3, f"only {sorted(seen)} were visited"
    assert not problems, f"{persona_key}, {len(seen)} pages:\n" + "\n".join(problems)
