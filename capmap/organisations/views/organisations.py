"""The organisation tree: list, show, add, change and delete organisations."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from .. import presenters, scoping, selectors, services
from ..forms import OrganisationForm, OrganisationSearchForm
from ..ods_import import may_import_organisations
from ._shared import organisation_or_404, posted, run_service

MANAGE = scoping.MANAGE_ORGANISATIONS


@login_required
@require_GET
def list_organisations(request: HttpRequest) -> HttpResponse:
    form = OrganisationSearchForm(request.GET)
    query = form.cleaned_data if form.is_valid() else {}
    organisations = selectors.organisation_tree(
        request.user, search=query.get("q", ""), kind=query.get("kind", "")
    )
    context = {
        "form": form,
        "rows": presenters.tree_rows(request.user, organisations),
        "filtered": bool(query.get("q") or query.get("kind")),
        "can_add": scoping.can_anywhere(request.user, MANAGE),
        "can_import": may_import_organisations(request.user),
        "breadcrumbs": presenters.breadcrumbs_for(None)[:1],
    }
    return render(request, "organisations/list_organisations.jinja", context)


@login_required
@require_GET
def show_organisation(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_or_404(request, pk)
    user = request.user
    context = {
        "organisation": organisation,
        "children": presenters.tree_rows(user, selectors.children_of(user, organisation)),
        "can_manage": scoping.can(user, MANAGE, organisation),
        "can_manage_members": scoping.can(user, scoping.MANAGE_MEMBERSHIPS, organisation),
        "breadcrumbs": presenters.breadcrumbs_for(presenters.visible_parent(user, organisation)),
    }
    return render(request, "organisations/show_organisation.jinja", context)


def _render_form(request, form, organisation=None, status=200) -> HttpResponse:
    context = {
        "form": form,
        "organisation": organisation,
        "breadcrumbs": presenters.breadcrumbs_for(organisation),
    }
    template = (
        "organisations/edit_organisation.jinja"
        if organisation
        else ("organisations/create_organisation.jinja")
    )
    return render(request, template, context, status=status)


def _saved(request, organisation, verb: str) -> HttpResponse:
    messages.success(request, f"{organisation.name} {verb}.")
    if scoping.can(request.user, scoping.VIEW_ORGANISATION, organisation):
        return redirect("organisations:show_organisation", organisation.pk)
    return redirect("organisations:list_organisations")


@login_required
@require_http_methods(["GET", "POST"])
def create_organisation(request: HttpRequest) -> HttpResponse:
    if not scoping.can_anywhere(request.user, MANAGE):
        raise PermissionDenied
    parents = selectors.parent_choices(request.user)
    initial = {"parent": request.GET.get("parent", "")}
    form = OrganisationForm(
        posted(request),
        initial=initial,
        parents=parents,
        top_level_allowed=services.may_add_top_level_organisations(request.user),
    )
    if form.is_valid():
        organisation = run_service(
            form, services.create_organisation, actor=request.user, **form.cleaned_data
        )
        if organisation:
            return _saved(request, organisation, "has been added")
    return _render_form(request, form, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def edit_organisation(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_or_404(request, pk, MANAGE)
    initial = {**forms.model_to_dict(organisation), "parent": organisation.parent_id}
    form = OrganisationForm(
        posted(request),
        initial=initial,
        editing=organisation,
        parents=selectors.parent_choices(request.user, organisation),
    )
    if form.is_valid():
        data = {"parent": organisation.parent, **form.cleaned_data}
        saved = run_service(
            form,
            services.update_organisation,
            actor=request.user,
            organisation=organisation,
            **data,
        )
        if saved:
            return _saved(request, saved, "has been updated")
    return _render_form(request, form, organisation, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def delete_organisation(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_or_404(request, pk, MANAGE)
    form = forms.Form(posted(request))
    if request.method == "POST" and form.is_valid():
        parent = presenters.visible_parent(request.user, organisation)
        run_service(
            form, services.delete_organisation, actor=request.user, organisation=organisation
        )
        if not form.errors:
            messages.success(request, f"{organisation.name} has been deleted.")
            if parent:
                return redirect("organisations:show_organisation", parent.pk)
            return redirect("organisations:list_organisations")
    context = {
        "organisation": organisation,
        "form": form,
        "blockers": services.deletion_blockers(organisation),
        "member_count": selectors.memberships_for(request.user, organisation).count(),
        "breadcrumbs": presenters.breadcrumbs_for(organisation),
    }
    return render(
        request,
        "organisations/delete_organisation.jinja",
        context,
        status=400 if form.errors else 200,
    )
