"""Role-aware navigation: what each person sees in the header and on their landing page.

It lives in config because it knows every app; apps themselves never import upward.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from capmap.core.links import page_url
from capmap.impact import selectors as impact_selectors
from capmap.people import policy


@dataclass(frozen=True)
class Link:
    text: str
    href: str
    description: str = ""


@dataclass(frozen=True)
class _Section:
    text: str
    url_name: str
    description: str
    shown_to: Callable[[object], bool]


def _holds(permission: str) -> Callable[[object], bool]:
    return lambda user: policy.allows_anywhere(user, permission)


def _has_staff_record(user) -> bool:
    return getattr(user, "person", None) is not None


def _supervises_someone(user) -> bool:
    return bool(policy.supervisions(user))


# In the order people meet them: their own work first, then the workforce they look after.
SECTIONS = [
    _Section(
        "My assessments",
        "assessments:list_my_assessments",
        "Rate yourself against your role profile, add evidence, submit.",
        _has_staff_record,
    ),
    _Section(
        "Sign-off queue",
        "assessments:list_sign_off_queue",
        "Self-assessments waiting for your review and sign-off.",
        _supervises_someone,
    ),
    _Section(
        "Organisations",
        "organisations:list_organisations",
        "Your organisation tree, its ODS codes and who has which role.",
        _holds(policy.VIEW_ORGANISATION),
    ),
    _Section(
        "People",
        "people:list_people",
        "Staff records: job roles, registration, bands and employment dates.",
        _holds(policy.VIEW_PEOPLE),
    ),
    _Section(
        "Frameworks",
        "frameworks:list_frameworks",
        "Competency frameworks, role profiles and import or export.",
        _holds(policy.VIEW_ORGANISATION),
    ),
    _Section(
        "Capability",
        "capability:list_teams",
        "Team heatmaps, circles of competence, training needs and pathway cover.",
        _holds(policy.VIEW_ORGANISATION),
    ),
    _Section(
        "Assessment cycles",
        "assessments:list_cycles",
        "Open a cycle for a team and follow its progress and calibration.",
        _holds(policy.MANAGE_PEOPLE),
    ),
    _Section(
        "Placement schemes",
        "placements:list_schemes",
        "Mentored placements: apply, allocate, log and confirm sessions.",
        _holds(policy.VIEW_ORGANISATION),
    ),
    _Section(
        "Impact",
        "impact:list_impact_organisations",
        "What each role adds: activity, trends and GP time released.",
        impact_selectors.may_use_impact,
    ),
    _Section(
        "Population need",
        "population:list_need",
        "Patients on QOF registers against the people verified to care for them.",
        _holds(policy.VIEW_PEOPLE),
    ),
    _Section(
        "Reports",
        "reports:list_reports",
        "PDF and spreadsheet reports, made in the background.",
        _holds(policy.VIEW_ORGANISATION),
    ),
    _Section(
        "Audit trail",
        "organisations:list_audit_events",
        "Who changed what, and when.",
        _holds(policy.VIEW_AUDIT),
    ),
    _Section(
        "My credentials",
        "credentials:list_my_credentials",
        "Your signed-off competencies as credentials you keep and share.",
        _has_staff_record,
    ),
]


def _sections_for(user) -> list[Link]:
    if not user.is_authenticated:
        return []
    # Worked out once a request: the header menu and the home page's list both ask.
    return list(policy.remembered(user, "navigation sections", lambda: _sections_shown_to(user)))


def _sections_shown_to(user) -> tuple[Link, ...]:
    return tuple(
        Link(section.text, page_url(section.url_name), section.description)
        for section in SECTIONS
        if section.shown_to(user)
    )


def navigation_links(user) -> list[Link]:
    if not user.is_authenticated:
        return []
    return [Link("Home", page_url("core:home")), *_sections_for(user)]


def landing_links(user) -> list[Link]:
    links = _sections_for(user)
    if _has_staff_record(user):
        my_record = Link(
            "My record",
            reverse("people:show_person", args=[user.person.pk]),
            "Your staff record, role and registration.",
        )
        links.insert(0, my_record)
    return links


def current_href(links: list[Link], path: str) -> str | None:
    """The one menu link whose section the page at `path` belongs to: the longest link
    that is the path itself or a folder above it. Home ("/") counts only for itself, so
    the sign-off queue (/assessments/queue/) is under "Sign-off queue" alone, not under
    "My assessments" (/assessments/) too."""
    matches = [
        link.href
        for link in links
        if path == link.href
        or (link.href != "/" and link.href.endswith("/") and path.startswith(link.href))
    ]
    return max(matches, key=len, default=None)


def menu_items(user, path: str) -> list[dict]:
    """The header menu's items for the NHS.UK header macro, with the one current section
    marked: `current` (aria-current="page") on the section's own page, `active`
    (aria-current="true") on a page inside it."""
    links = navigation_links(user)
    section = current_href(links, path)
    return [
        {
            "href": link.href,
            "text": link.text,
            "current": link.href == section and link.href == path,
            "active": link.href == section and link.href != path,
        }
        for link in links
    ]
