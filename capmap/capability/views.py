"""Capability pages: circles, team heatmaps, training needs and pathway coverage."""

import re

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from capmap.core.spreadsheets import write_workbook
from capmap.frameworks.models import CarePathway, Competency
from capmap.organisations.models import Organisation
from capmap.people.models import Person

from . import cached, circle, history, selectors
from .forms import HeatmapFilterForm, TrainingNeedsFilterForm
from .presenters import (
    CirclePresenter,
    CompetencyHistoryPresenter,
    CoveragePresenter,
    HeatmapPresenter,
    TeamCirclePresenter,
    TrainingNeedsPresenter,
    compare_choices,
    compare_date,
    default_compare,
    standalone_svg,
    team_rows,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _organisation(request, pk: int) -> Organisation:
    try:
        return selectors.get_team_organisation(request.user, pk)
    except Organisation.DoesNotExist:
        raise Http404 from None


def _pathway(request, slug: str) -> CarePathway:
    try:
        return selectors.get_pathway(request.user, slug)
    except CarePathway.DoesNotExist:
        raise Http404 from None


def _crumbs(*items: tuple[str, str]) -> list[dict]:
    home = [{"href": reverse("core:home"), "text": "Home"}]
    return home + [{"href": href, "text": text} for text, href in items]


def _xlsx(sheet, filename: str) -> HttpResponse:
    response = HttpResponse(write_workbook([sheet]), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _capability_crumb() -> tuple[str, str]:
    return ("Capability", reverse("capability:list_teams"))


@login_required
def list_teams(request):
    context = {
        "organisations": team_rows(selectors.team_list(request.user)),
        # Someone who sees no team (a practitioner) still has a circle of their own.
        "own_person": selectors.own_person(request.user),
        "breadcrumbs": _crumbs(),
    }
    return render(request, "capability/list_teams.jinja", context)


def _heatmap(request, pk: int):
    organisation = _organisation(request, pk)
    roles, profiles = selectors.heatmap_roles_and_profiles(request.user, organisation)
    form = HeatmapFilterForm(
        request.GET or None,
        organisations=selectors.team_names(request.user),
        roles=roles,
        pathways=selectors.pathway_list(request.user),
        stages=selectors.team_stages(request.user, organisation),
    )
    view = form.view()
    heatmap = selectors.team_heatmap(
        request.user,
        organisation,
        job_role=view.job_role,
        pathway=view.pathway,
        profiles=profiles,
        **form.filters(),
    )
    cell_links = request.GET.get("links") == "cells"
    query = {key: value for key, value in request.GET.items() if key != "page"}
    presenter = HeatmapPresenter(
        heatmap, view, cell_links=cell_links, page=request.GET.get("page"), query=query
    )
    return organisation, form, presenter


INDENTATION = re.compile(rb"\n[ \t\r\n]+")


@login_required
def show_heatmap(request, pk: int):
    organisation, form, heatmap = _heatmap(request, pk)
    crumbs = _crumbs(_capability_crumb())
    context = {"organisation": organisation, "form": form, "heatmap": heatmap}
    response = render(request, "capability/show_heatmap.jinja", context | {"breadcrumbs": crumbs})
    # The templates' indentation (the team picker's hundreds of options above all) was a
    # tenth of the page; a browser collapses it to one space anyway. No <pre> here.
    response.content = INDENTATION.sub(b"\n", response.content)
    return response


@login_required
def export_heatmap(request, pk: int):
    organisation, _, heatmap = _heatmap(request, pk)
    return _xlsx(heatmap.sheet(), f"team-heatmap-{organisation.pk}.xlsx")


@login_required
def show_competency_history(request, pk: int, competency: int):
    """One heatmap cell: the person's sign-offs and self-ratings in one competency."""
    try:
        person = selectors.get_person(request.user, pk)
        found = history.get_competency(request.user, competency)
    except (Person.DoesNotExist, Competency.DoesNotExist):
        raise Http404 from None
    presenter = CompetencyHistoryPresenter(history.competency_history(request.user, person, found))
    crumbs = _crumbs(
        _capability_crumb(),
        (person.employer.name, reverse("capability:show_heatmap", args=[person.employer_id])),
        (person.full_name, reverse("capability:show_circle", args=[person.pk])),
    )
    context = {"history": presenter, "breadcrumbs": crumbs}
    return render(request, "capability/show_competency_history.jinja", context)


@login_required
def choose_heatmap(request):
    """The organisation filter of the heatmap form: go to the organisation chosen."""
    organisation = _organisation(request, _int(request.GET.get("organisation")))
    query = request.GET.copy()
    query.pop("organisation", None)
    url = reverse("capability:show_heatmap", args=[organisation.pk])
    return redirect(f"{url}?{query.urlencode()}" if query else url)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def _training_needs(request, pk: int):
    organisation = _organisation(request, pk)
    form = TrainingNeedsFilterForm(request.GET or None)
    job_role = form.cleaned_data.get("job_role") if form.is_valid() else None
    needs = cached.training_needs(request.user, organisation, job_role=job_role)
    return organisation, form, TrainingNeedsPresenter(organisation, needs)


@login_required
def show_training_needs(request, pk: int):
    organisation, form, needs = _training_needs(request, pk)
    crumbs = _crumbs(
        _capability_crumb(), (organisation.name, reverse("capability:show_heatmap", args=[pk]))
    )
    context = {"organisation": organisation, "form": form, "needs": needs}
    return render(
        request, "capability/show_training_needs.jinja", context | {"breadcrumbs": crumbs}
    )


@login_required
def export_training_needs(request, pk: int):
    organisation, _, needs = _training_needs(request, pk)
    return _xlsx(needs.sheet(), f"training-needs-{organisation.pk}.xlsx")


def _person(request, pk: int) -> Person:
    try:
        return selectors.get_person(request.user, pk)
    except Person.DoesNotExist:
        raise Http404 from None


def _svg_file(drawn, filename: str) -> HttpResponse:
    response = HttpResponse(standalone_svg(drawn), content_type="image/svg+xml")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def show_circle(request, pk: int):
    person = _person(request, pk)
    today = timezone.localdate()
    first = selectors.first_verified_on(person)
    choice = request.GET.get("compare") or default_compare(first, today)
    then_on = compare_date(choice, first=first, today=today)
    now = selectors.person_capability(request.user, person)
    then = selectors.capability_on(now, then_on) if then_on else None
    presenter = CirclePresenter(now, then)
    context = {
        "person": person,
        "circle": presenter,
        "compare": {"value": choice, "choices": compare_choices(first, today)},
        # The circle is verified levels; the plan behind it is the person's own record.
        "can_see_plan": request.user.has_perm("people.view_record", person),
        "breadcrumbs": _crumbs(_capability_crumb()),
    }
    return render(request, "capability/show_circle.jinja", context)


@login_required
def export_circle(request, pk: int):
    person = _person(request, pk)
    presenter = CirclePresenter(selectors.person_capability(request.user, person))
    drawn = circle.circle_of_competence(
        presenter.sectors,
        top_level=presenter.capability.top_level,
        title=presenter.circle.title,
        standalone=True,
        focusable=False,
    )
    return _svg_file(drawn, f"circle-of-competence-{slugify(person.full_name)}.svg")


@login_required
def choose_pathway(request, pk: int):
    organisation = _organisation(request, pk)
    pathways = selectors.pathways_for(request.user)
    crumbs = _crumbs(
        _capability_crumb(), (organisation.name, reverse("capability:show_heatmap", args=[pk]))
    )
    context = {"organisation": organisation, "pathways": pathways, "breadcrumbs": crumbs}
    return render(request, "capability/choose_pathway.jinja", context)


@login_required
def show_pathway_coverage(request, pk: int, slug: str):
    organisation = _organisation(request, pk)
    pathway = _pathway(request, slug)
    coverage = selectors.pathway_coverage(request.user, organisation, pathway)
    crumbs = _crumbs(
        _capability_crumb(),
        (organisation.name, reverse("capability:show_heatmap", args=[pk])),
        ("Care pathways", reverse("capability:choose_pathway", args=[pk])),
    )
    context = {"organisation": organisation, "coverage": CoveragePresenter(coverage)}
    return render(
        request, "capability/show_pathway_coverage.jinja", context | {"breadcrumbs": crumbs}
    )


def _team_circle(request, pk: int):
    organisation = _organisation(request, pk)
    roles = selectors.team_job_roles(request.user, organisation)
    if request.GET.get("job_role"):
        chosen = _int(request.GET["job_role"])
        job_role = next((r for r, _ in roles if r.pk == chosen), None)
        if job_role is None:
            raise Http404
        team = selectors.team_capability(request.user, organisation, job_role=job_role)
    else:
        # By default the largest role that has a role profile, so there is a circle to draw.
        for job_role, _ in roles or [(None, 0)]:
            team = selectors.team_capability(request.user, organisation, job_role=job_role)
            if team.lines:
                break
    return organisation, roles, TeamCirclePresenter(team)


@login_required
def show_team_circle(request, pk: int):
    organisation, roles, presenter = _team_circle(request, pk)
    crumbs = _crumbs(
        _capability_crumb(), (organisation.name, reverse("capability:show_heatmap", args=[pk]))
    )
    context = {"organisation": organisation, "roles": roles, "team": presenter}
    return render(request, "capability/show_team_circle.jinja", context | {"breadcrumbs": crumbs})


@login_required
def export_team_circle(request, pk: int):
    organisation, _, presenter = _team_circle(request, pk)
    drawn = circle.circle_of_competence(
        presenter.sectors,
        top_level=presenter.team.top_level,
        title=presenter.title,
        team=True,
        standalone=True,
        focusable=False,
    )
    role = presenter.team.job_role.name if presenter.team.job_role else "team"
    return _svg_file(drawn, f"team-circle-{organisation.pk}-{slugify(role)}.svg")
