"""Small, readable steps shared by the persona journeys."""

from urllib.parse import urlparse

from playwright.sync_api import Page, expect

from capmap.demo.story import persona
from tests.system.conftest import wait_for_the_header_to_settle


def menu_links(page: Page) -> list[str]:
    """The link texts of the header's main menu, in order, including those the NHS.UK
    header has folded under its "More" button for want of width."""
    links = page.get_by_role("navigation", name="Menu").get_by_role("link", include_hidden=True)
    return [" ".join(text.split()) for text in links.all_text_contents()]


def open_menu_link(page: Page, text: str):
    """The menu's link called `text`, opening the "More" list first when it is folded there."""
    menu = page.get_by_role("navigation", name="Menu")
    link = menu.get_by_role("link", name=text, exact=True, include_hidden=True)
    wait_for_the_header_to_settle(page)
    if not link.is_visible():
        menu.locator(".nhsuk-header__menu-toggle").click()
    expect(link).to_be_visible()
    return link


def then_they_land_on_home_greeted_by_name(page: Page, persona_key: str) -> None:
    assert urlparse(page.url).path == "/"
    _, first_name = persona(persona_key)
    expect(page.get_by_role("heading", level=1)).to_contain_text(first_name)


def then_their_menu_offers(page: Page, *, offers: list[str], hides: list[str] = ()) -> None:
    links = menu_links(page)
    missing = [text for text in offers if text not in links]
    shown = [text for text in hides if text in links]
    assert not missing, f"menu {links} lacks {missing}"
    assert not shown, f"menu {links} should not offer {shown}"


def when_they_follow_the_menu_to(page: Page, text: str) -> None:
    open_menu_link(page, text).click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def given_the_demo_assessments_and_scheme(demo_stages) -> None:
    """On top of the demo story: verified capability, the assessment cycle (Maya's
    self-assessment waits for Daniel) and the running placement scheme."""
    from capmap.assessments.demo import load_demo_assessments
    from capmap.development.demo import load_demo_development
    from capmap.placements.demo import load_demo_scheme

    demo_stages.load(load_demo_development, load_demo_assessments, load_demo_scheme)


def what_waits(page: Page) -> list[str]:
    """The lines of the home page's "What waits for you" list."""
    section = page.get_by_role("region", name="What waits for you")
    return [" ".join(t.split()) for t in section.locator(".app-todo__item").all_inner_texts()]


def then_one_menu_section_is_current(page: Page, text: str) -> None:
    menu = page.get_by_role("navigation", name="Menu")
    current = menu.locator(".nhsuk-header__navigation-item--current")
    expect(current).to_have_count(1)
    expect(current.get_by_role("link", include_hidden=True)).to_contain_text(text)
