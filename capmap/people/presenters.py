"""View-models for the people pages: summary rows, sortable headings and pagination."""

from dataclasses import dataclass

from django.core.paginator import Page
from django.http import QueryDict
from django.urls import reverse
from django.utils.formats import date_format

from .models import Person


def _date(value) -> str:
    return date_format(value, "j F Y") if value else ""


def _organisation(organisation) -> str:
    if organisation.ods_code:
        return f"{organisation.name} ({organisation.ods_code})"
    return organisation.name


def person_summary_rows(person: Person) -> list[dict]:
    """Rows of the NHS.UK summary list on a person's page."""
    registration = (
        f"{person.registration_body} {person.registration_number}"
        if person.registration_number
        else "Not registered"
    )
    sites = [_organisation(site) for site in person.sites.all()]
    rows = [
        ("Name", person.full_name),
        ("E-mail address", person.email or "Not recorded"),
        ("Linked user account", person.user.email if person.user else "None"),
        ("Job role", person.job_role.name),
        ("Stage", person.stage or "Not recorded"),
        ("Registration", registration),
        ("Agenda for Change band", person.get_afc_band_display()),
        ("Employer", _organisation(person.employer)),
        ("Sites", "; ".join(sites) if sites else "None recorded"),
        ("Start date", _date(person.start_date)),
        ("End date", _date(person.end_date) or "In post"),
    ]
    return [{"key": {"text": key}, "value": {"text": value}} for key, value in rows]


def person_actions(user, person: Person) -> list[dict]:
    if not user.has_perm("people.change_person", person):
        return []
    return [
        {"text": "Change details", "href": reverse("people:edit_person", args=[person.pk])},
        {"text": "End employment", "href": reverse("people:end_employment", args=[person.pk])},
        {"text": "Delete record", "href": reverse("people:delete_person", args=[person.pk])},
    ]


@dataclass(frozen=True)
class RecordLinks:
    """Which of the person's other pages the viewer may open from their staff record.

    `levels`: verified levels, as the circle of competence and the scope of practice
    (whoever sees the staff record); `record`: calibration, evidence portfolio,
    development plan and supervisors (the person, their active supervisors and mentors,
    their managers); `manage`: assigning and ending supervisors. Answered by the `rules`
    permissions the access policy registers (people/rules.py).
    """

    levels: bool
    record: bool
    manage: bool

    @property
    def any(self) -> bool:
        return self.levels or self.record


def record_links(user, person: Person) -> RecordLinks:
    return RecordLinks(
        levels=user.has_perm("people.view_levels", person),
        record=user.has_perm("people.view_record", person),
        manage=user.has_perm("people.change_person", person),
    )


@dataclass(frozen=True)
class SortHeading:
    text: str
    href: str
    aria_sort: str  # "ascending", "descending" or "none"


SORT_HEADINGS = [
    ("name", "Name"),
    ("role", "Job role"),
    ("employer", "Employer"),
    ("start", "Start date"),
]


def _with(query: QueryDict, **changes) -> str:
    params = query.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


def sort_headings(query: QueryDict, current: str) -> list[SortHeading]:
    headings = []
    for key, text in SORT_HEADINGS:
        if current == key:
            headings.append(SortHeading(text, _with(query, sort=f"-{key}", page=""), "ascending"))
        elif current == f"-{key}":
            headings.append(SortHeading(text, _with(query, sort=key, page=""), "descending"))
        else:
            headings.append(SortHeading(text, _with(query, sort=key, page=""), "none"))
    return headings


def pagination(page: Page, query: QueryDict) -> dict | None:
    """Parameters of the NHS.UK pagination component, keeping the search in every link."""
    if page.paginator.num_pages < 2:
        return None
    items = []
    for number in page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1):
        if number == page.paginator.ELLIPSIS:
            items.append({"ellipsis": True})
        else:
            items.append(
                {
                    "number": number,
                    "href": _with(query, page=str(number)),
                    "current": number == page.number,
                }
            )
    params: dict = {"items": items}
    if page.has_previous():
        params["previous"] = {"href": _with(query, page=str(page.previous_page_number()))}
    if page.has_next():
        params["next"] = {"href": _with(query, page=str(page.next_page_number()))}
    return params


def import_outcome(plan) -> str:
    created, updated, unchanged = len(plan.to_create), len(plan.to_update), len(plan.unchanged)
    return f"Staff imported: {created} added, {updated} updated, {unchanged} unchanged."
