"""The home page: what waits for the person, and a summary of what they look after.

It lives in config because it reads every app (each through its own scoped selectors);
the apps never import upward. A fixed number of queries, whatever the size of the team:
at most MAX_TEAMS team summaries, each a fixed number of set-based reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from capmap.assessments import selectors as assessments
from capmap.assessments.models import Assessment, State
from capmap.capability import cached
from capmap.capability import selectors as capability
from capmap.organisations.models import Organisation, OrganisationKind
from capmap.organisations.scoping import scope_paths
from capmap.people import policy
from capmap.people import selectors as people
from capmap.placements.selectors import progress as placements
from capmap.placements.selectors import unreleased_count
from capmap.portfolio import selectors as portfolio
from capmap.reports import selectors as reports

from .navigation import Link, landing_links

MAX_TEAMS = 3
MAX_OWN_ASSESSMENTS = 5
MAX_CYCLES = 3


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """'1 session', '3 sessions'."""
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


def _verb(n: int, singular: str, plural: str) -> str:
    return singular if n == 1 else plural


def _day(value) -> str:
    return date_format(value, "j F Y")


@dataclass(frozen=True)
class Task:
    """One thing that waits for the person: a sentence, where to do it, and a hint."""

    text: str
    href: str = ""
    hint: str = ""


@dataclass(frozen=True)
class Line:
    """One line of a summary: a linked name and what it says about it."""

    name: str
    href: str
    text: str


@dataclass
class TeamSummary:
    organisation: Organisation
    heatmap_href: str
    roles: list[Line]
    pathways: list[Line]


@dataclass
class SchemeSummary:
    title: str
    href: str
    status: str
    summary: str
    late: list[Task]


@dataclass
class HomePage:
    tasks: list[Task]
    notifications: list
    unread: int
    teams: list[TeamSummary] = field(default_factory=list)
    schemes: list[SchemeSummary] = field(default_factory=list)
    organisations: str = ""
    sections: list[Link] = field(default_factory=list)
    with_supervisor: list[Task] = field(default_factory=list)


# --- What waits for the person ----------------------------------------------------------


def _supervisor_tasks(user) -> list[Task]:
    tasks = []
    waiting = len(assessments.sign_off_queue_rows(user))
    if waiting:
        tasks.append(
            Task(
                f"{counted(waiting, 'self-assessment')} "
                f"{_verb(waiting, 'waits', 'wait')} for your sign-off",
                reverse("assessments:list_sign_off_queue"),
                "Review the ratings and evidence, then sign off or return with comments.",
            )
        )
    evidence = portfolio.evidence_owners_to_review(user)
    if evidence:
        owners = set(evidence)
        href = (
            reverse("portfolio:list_evidence", args=[owners.pop()])
            if len(owners) == 1
            else reverse("assessments:list_sign_off_queue")
        )
        tasks.append(
            Task(
                f"{counted(len(evidence), 'piece')} of evidence "
                f"{_verb(len(evidence), 'waits', 'wait')} for your review",
                href,
                "Accept the evidence or say what is missing.",
            )
        )
    sessions = placements.participations_with_sessions_to_confirm(user)
    if sessions:
        places = set(sessions)
        href = (
            reverse("placements:show_participation", args=[places.pop()])
            if len(places) == 1
            else reverse("placements:list_schemes")
        )
        tasks.append(
            Task(
                f"{counted(len(sessions), 'placement session')} "
                f"{_verb(len(sessions), 'waits', 'wait')} for you to confirm",
                href,
                "Confirm the sessions your mentee logged, so they count towards the placement.",
            )
        )
    return tasks


def _cycle_task(user, cycle) -> Task:
    progress = assessments.cycle_progress(user, cycle)
    started = progress.team - progress.not_started
    waiting = progress.counts.get(State.SUBMITTED, 0)
    text = f"{cycle.title}: {started} of {counted(progress.team, 'person', 'people')} "
    text += f"{_verb(started, 'has', 'have')} started their self-assessment"
    hint = f"It closes on {_day(cycle.closes_on)}."
    if waiting:
        hint += f" {counted(waiting, 'self-assessment')} {_verb(waiting, 'waits', 'wait')} "
        hint += "for sign-off."
    return Task(text, reverse("assessments:show_cycle", args=[cycle.pk]), hint)


def _manager_tasks(user) -> list[Task]:
    open_cycles = assessments.open_cycles_opened_by(user, MAX_CYCLES)
    tasks = [_cycle_task(user, cycle) for cycle in open_cycles]
    unreleased = unreleased_count(user)
    if unreleased:
        tasks.append(
            Task(
                f"{counted(unreleased, 'placement application')} "
                f"{_verb(unreleased, 'waits', 'wait')} for you to release the applicant",
                reverse("placements:list_releases"),
                "Confirm that the practice can release them for their placement sessions.",
            )
        )
    return tasks


def _state(assessment: Assessment) -> str:
    return assessment.state  # type: ignore[attr-defined]  # annotated by with_status


def _own_assessment_tasks(user, own: list[Assessment]) -> list[Task]:
    today = timezone.localdate()
    tasks = []
    unfinished = [a for a in own if _state(a) in (State.DRAFT, State.RETURNED)]
    for assessment in unfinished[:MAX_OWN_ASSESSMENTS]:
        href = reverse("assessments:show_assessment", args=[assessment.pk])
        profile = assessment.role_profile
        cycle = assessment.cycle
        if _state(assessment) == State.RETURNED:
            text = f"Your supervisor returned your self-assessment against {profile}"
            hint = "Read their comments, change your ratings and submit it again."
        elif cycle is not None and cycle.closes_on < today:
            text = f"Your self-assessment for {cycle.title} is overdue"
            hint = f"It was due on {_day(cycle.closes_on)}. Finish your ratings and submit it."
        else:
            text = f"Finish your self-assessment against {profile}"
            hint = f"Due on {_day(cycle.closes_on)}." if cycle is not None else ""
            hint = f"{hint} Rate yourself on each competency, then submit it.".strip()
        tasks.append(Task(text, href, hint))
    for cycle in assessments.cycles_to_start(user):
        tasks.append(
            Task(
                f"Start your self-assessment for {cycle.title}",
                reverse("assessments:list_my_assessments"),
                f"{cycle.organisation} asks for it by {_day(cycle.closes_on)}.",
            )
        )
    return tasks


def _survey_and_report_tasks(user) -> list[Task]:
    tasks = []
    surveys = placements.surveys_to_answer(user).count()
    if surveys:
        tasks.append(
            Task(
                f"{counted(surveys, 'feedback survey')} {_verb(surveys, 'waits', 'wait')} "
                "for your answers",
                "",
                "Follow the link in the e-mail we sent you. Each link works once.",
            )
        )
    ready = reports.ready_reports(user).count()
    if ready:
        tasks.append(
            Task(
                f"{counted(ready, 'report')} {_verb(ready, 'is', 'are')} ready to download",
                reverse("reports:list_reports"),
                "Reports are kept for a limited time, then removed.",
            )
        )
    return tasks


def tasks_for(user, own: list[Assessment]) -> list[Task]:
    return [
        *_supervisor_tasks(user),
        *_manager_tasks(user),
        *_own_assessment_tasks(user, own),
        *_survey_and_report_tasks(user),
    ]


def _names(users) -> str:
    """'Daniel Osei', 'Daniel Osei or Priya Shah', 'A, B or C'."""
    names = sorted({str(user) for user in users})
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def _who_signs_off(person) -> str:
    """Whom the person's submitted self-assessment waits on: their active supervisors by
    name (they are the ones asked to sign it off), or "your supervisor" when they have
    none today and a manager will take it."""
    if person is None:
        return "your supervisor"
    supervisors = people.active_supervisors_of(person)
    return _names(supervisors) if supervisors else "your supervisor"


def with_supervisor_for(user, own: list[Assessment]) -> list[Task]:
    """What of the person's own waits on their supervisor: each self-assessment submitted for
    sign-off (naming who holds it, linked to the assessment) and evidence awaiting review.
    Without it her home would say "Nothing waits for you" and leave her guessing."""
    tasks = []
    # Her own staff record (one a user), already read for the rest of her home.
    person = assessments.my_person(user)
    submitted = sorted((a for a in own if _state(a) == State.SUBMITTED), key=lambda a: a.pk)[
        :MAX_OWN_ASSESSMENTS
    ]
    if submitted:
        holder = _who_signs_off(person)
        for assessment in submitted:
            tasks.append(
                Task(
                    f"Your self-assessment against {assessment.role_profile} "
                    f"is with {holder} for sign-off",
                    reverse("assessments:show_assessment", args=[assessment.pk]),
                    "Nothing to do for now: you will be told when it is signed off or returned.",
                )
            )
    evidence = portfolio.my_evidence_awaiting_review(user)
    if evidence:
        tasks.append(
            Task(
                f"{counted(evidence, 'piece')} of your evidence "
                f"{_verb(evidence, 'waits', 'wait')} for your supervisor to review",
                reverse("portfolio:list_evidence", args=[person.pk]),  # type: ignore[union-attr]
                "They accept it or tell you what is missing.",
            )
        )
    return tasks


# --- The teams a manager looks after -----------------------------------------------------


def _teams_at(caller, paths: tuple[str, ...]):
    return capability.team_organisations(caller).filter(path__in=paths).order_by("path")


_TEAMS_AT = policy.per_scope(_teams_at)  # every manager's home (ADR 0029)


def _outermost_teams(user) -> list[Organisation]:
    """The organisations at the top of the user's staff scope (a PCN, not each practice)."""
    return _TEAMS_AT(user, tuple(scope_paths(user, policy.VIEW_PEOPLE)[:MAX_TEAMS]))


def _role_line(organisation: Organisation, line: capability.RoleCoverage) -> Line:
    query = urlencode({"show": f"role:{line.job_role.slug}"})
    href = f"{reverse('capability:show_heatmap', args=[organisation.pk])}?{query}"
    text = (
        f"{line.meeting} of {line.people} {_verb(line.meeting, 'meets', 'meet')} every "
        "essential requirement"
    )
    if line.biggest_gap is not None:
        text += (
            f"; biggest gap: {line.biggest_gap.title} "
            f"({counted(line.biggest_gap_short, 'person', 'people')} short)"
        )
    name = f"{line.job_role.name} ({counted(line.people, 'person', 'people')})"
    return Line(name, href, text)


def _pathway_line(organisation: Organisation, summary: capability.PathwaySummary) -> Line:
    href = reverse("capability:show_pathway_coverage", args=[organisation.pk, summary.pathway.slug])
    text = (
        f"{summary.covered} of {counted(summary.capabilities, 'capability', 'capabilities')} "
        "held by enough people"
    )
    if summary.biggest_gap is not None:
        text += (
            f"; biggest gap: {summary.biggest_gap.title} "
            f"({counted(summary.biggest_gap_short, 'more person', 'more people')} needed)"
        )
    return Line(summary.pathway.title, href, text)


def teams_for(user) -> list[TeamSummary]:
    teams = []
    for organisation in _outermost_teams(user):
        # ICS-wide these are two aggregations over every verified level: served from the
        # cache, keyed by the data version, whenever nothing they read has changed.
        roles, pathways = cached.team_summaries(user, organisation)
        if not roles and not pathways:
            continue  # nothing to summarise: no role profiles, no pathway cover
        teams.append(
            TeamSummary(
                organisation,
                reverse("capability:show_heatmap", args=[organisation.pk]),
                [_role_line(organisation, line) for line in roles],
                [_pathway_line(organisation, summary) for summary in pathways],
            )
        )
    return teams


# --- Schemes a programme lead runs ---------------------------------------------------------


def _late(progress: placements.SchemeProgress) -> list[Task]:
    pk = progress.scheme.pk
    late = []
    if progress.allocation_unpublished:
        late.append(
            Task(
                "The allocation is not confirmed yet",
                reverse("placements:show_allocation", args=[pk]),
                "Applicants hear where they are placed once you confirm it.",
            )
        )
    if progress.sessions_unconfirmed:
        n = progress.sessions_unconfirmed
        late.append(
            Task(
                f"{counted(n, 'logged session')} {_verb(n, 'waits', 'wait')} for a mentor "
                "to confirm",
                reverse("placements:show_scheme", args=[pk]),
            )
        )
    if progress.participants_behind:
        n = progress.participants_behind
        late.append(
            Task(
                f"{n} of {counted(progress.participants, 'participant')} "
                f"{_verb(n, 'has', 'have')} not completed their sessions",
                reverse("placements:show_report", args=[pk]),
            )
        )
    if progress.invitations_closing:
        n = progress.invitations_closing
        late.append(
            Task(
                f"{counted(n, 'survey invitation')} unanswered, closing within a week",
                reverse("placements:list_surveys", args=[pk]),
            )
        )
    return late


def _scheme_summary(progress: placements.SchemeProgress) -> str:
    scheme = progress.scheme
    text = f"From {_day(scheme.starts_on)} to {_day(scheme.ends_on)}"
    if progress.participants:
        text += (
            f"; {progress.participants_done} of "
            f"{counted(progress.participants, 'participant')} "
            f"{_verb(progress.participants_done, 'has', 'have')} completed their sessions"
        )
    return text + "."


def schemes_for(user) -> list[SchemeSummary]:
    return [
        SchemeSummary(
            progress.scheme.title,
            reverse("placements:show_scheme", args=[progress.scheme.pk]),
            progress.status_label,
            _scheme_summary(progress),
            _late(progress),
        )
        for progress in placements.lead_scheme_progress(user)
    ]


# --- An admin's organisations --------------------------------------------------------------

KIND_NAMES = {
    OrganisationKind.ICS: ("integrated care system", "integrated care systems"),
    OrganisationKind.TRUST: ("NHS trust", "NHS trusts"),
    OrganisationKind.PCN: ("primary care network", "primary care networks"),
    OrganisationKind.FEDERATION: ("GP federation", "GP federations"),
    OrganisationKind.PRACTICE: ("GP practice", "GP practices"),
    OrganisationKind.SITE: ("site", "sites"),
}


def _admin_summary(user) -> tuple[str, list[Task]]:
    summary = people.organisation_summary(user)
    kinds = ", ".join(counted(n, *KIND_NAMES[OrganisationKind(kind)]) for kind, n in summary.kinds)
    text = f"{kinds}; {counted(summary.staff_in_post, 'person', 'people')} in post."
    tasks = []
    if summary.leavers_with_access:
        n = summary.leavers_with_access
        tasks.append(
            Task(
                f"{counted(n, 'person', 'people')} who left can still sign in",
                f"{reverse('people:list_people')}?{urlencode({'status': people.LEFT})}",
                "Remove their roles so they no longer see your organisation's data.",
            )
        )
    return text, tasks


# --- The page ---------------------------------------------------------------------------


def home_page(user) -> HomePage:
    # Read once, for what waits for them (drafts, returned) and on their supervisor.
    own = assessments.my_open_assessments(user)
    notifications, unread = assessments.unread_notifications_and_count(user)
    page = HomePage(
        tasks=tasks_for(user, own),
        notifications=notifications,
        unread=unread,
        sections=landing_links(user),
        with_supervisor=with_supervisor_for(user, own),
    )
    if policy.allows_anywhere(user, policy.VIEW_PEOPLE):
        page.teams = teams_for(user)
    if policy.allows_anywhere(user, policy.RUN_SCHEMES):
        page.schemes = schemes_for(user)
    if policy.allows_anywhere(user, policy.MANAGE_ORGANISATIONS):
        page.organisations, admin_tasks = _admin_summary(user)
        page.tasks.extend(admin_tasks)
    return page


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.jinja", {"home": home_page(request.user)})
