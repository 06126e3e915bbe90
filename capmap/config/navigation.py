"""Role-aware navigation: what each person sees in the header and on their landing page.

It lives in config because it knows every app; apps themselves never import upward.
"""

from dataclasses import dataclass

from django.urls import reverse

from capmap.organisations import scoping


@dataclass(frozen=True)
class Link:
    text: str
    href: str
    description: str = ""


def navigation_links(user) -> list[Link]:
    if not user.is_authenticated:
        return []
    links = [Link("Home", reverse("core:home"))]
    if scoping.can_anywhere(user, scoping.VIEW_ORGANISATION):
        links.append(Link("Organisations", reverse("organisations:list_organisations")))
    if scoping.can_anywhere(user, scoping.VIEW_PEOPLE):
        links.append(Link("People", reverse("people:list_people")))
    if scoping.can_anywhere(user, scoping.VIEW_ORGANISATION):
        links.append(Link("Frameworks", reverse("frameworks:list_frameworks")))
        links.append(Link("Impact", reverse("impact:list_impact_organisations")))
        links.append(Link("Reports", reverse("reports:list_reports")))
    if scoping.can_anywhere(user, scoping.VIEW_AUDIT):
        links.append(Link("Audit trail", reverse("organisations:list_audit_events")))
    return links


def landing_links(user) -> list[Link]:
    descriptions = {
        "Organisations": "Your organisation tree, its ODS codes and who has which role.",
        "People": "Staff records: job roles, registration, bands and employment dates.",
        "Frameworks": "Competency frameworks, role profiles and import or export.",
        "Audit trail": "Who changed what, and when.",
        "Impact": "What each role adds: activity, trends and GP time released.",
        "Reports": "PDF and spreadsheet reports, made in the background.",
    }
    links = [
        Link(link.text, link.href, descriptions.get(link.text, ""))
        for link in navigation_links(user)
        if link.text != "Home"
    ]
    person = getattr(user, "person", None) if user.is_authenticated else None
    if person is not None:
        links.insert(
            0,
            Link(
                "My record",
                reverse("people:show_person", args=[person.pk]),
                "Your staff record, role and registration.",
            ),
        )
    return links
