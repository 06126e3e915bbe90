"""Who has which role in an organisation: list, add by e-mail, change role, remove."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from .. import presenters, scoping, selectors, services
from ..forms import AddMemberForm, ChangeRoleForm
from ._shared import membership_or_404, organisation_or_404, posted, run_service

MANAGE = scoping.MANAGE_MEMBERSHIPS


def _crumbs(organisation, *extra):
    members = reverse("organisations:list_members", args=[organisation.pk])
    return presenters.breadcrumbs_for(organisation, ("Members", members), *extra)


def _back_to_members(request, organisation, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("organisations:list_members", organisation.pk)


@login_required
@require_GET
def list_members(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_or_404(request, pk, MANAGE)
    context = {
        "organisation": organisation,
        "memberships": selectors.memberships_for(request.user, organisation),
        "grantable": scoping.grantable_roles(request.user, organisation),
        "breadcrumbs": presenters.breadcrumbs_for(organisation),
    }
    return render(request, "organisations/list_members.jinja", context)


@login_required
@require_http_methods(["GET", "POST"])
def add_member(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_or_404(request, pk, MANAGE)
    roles = scoping.grantable_roles(request.user, organisation)
    form = AddMemberForm(posted(request), roles=roles, organisation=organisation)
    if form.is_valid():
        added = run_service(
            form,
            services.add_member,
            actor=request.user,
            organisation=organisation,
            **form.cleaned_data,
        )
        if added:
            return _back_to_members(request, organisation, _added_message(added, organisation))
    context = {"organisation": organisation, "form": form, "breadcrumbs": _crumbs(organisation)}
    return render(
        request, "organisations/add_member.jinja", context, status=400 if form.errors else 200
    )


def _added_message(added: services.MemberAdded, organisation) -> str:
    membership = added.membership
    text = (
        f"{membership.user.email} is now {membership.get_role_display().lower()} at "
        f"{organisation.name}."
    )
    if added.account_created:
        text += (
            " They had no account, so one has been made without a password: they can "
            "set one with “Forgot your password?” on the sign-in page, or use NHS sign-in "
            "with this e-mail address."
        )
    return text


@login_required
@require_http_methods(["GET", "POST"])
def change_member_role(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    organisation = organisation_or_404(request, pk, MANAGE)
    membership = membership_or_404(request, organisation, membership_pk)
    roles = scoping.grantable_roles(request.user, organisation)
    form = ChangeRoleForm(
        posted(request),
        initial={"role": membership.role},
        roles=roles,
        organisation=organisation,
    )
    if form.is_valid():
        saved = run_service(
            form,
            services.change_member_role,
            actor=request.user,
            membership=membership,
            role=form.cleaned_data["role"],
        )
        if saved:
            return _back_to_members(
                request,
                organisation,
                f"{saved.user.email} is now {saved.get_role_display().lower()}.",
            )
    context = {
        "organisation": organisation,
        "membership": membership,
        "form": form,
        "breadcrumbs": _crumbs(organisation),
    }
    return render(
        request,
        "organisations/change_member_role.jinja",
        context,
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def remove_member(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    organisation = organisation_or_404(request, pk, MANAGE)
    membership = membership_or_404(request, organisation, membership_pk)
    form = forms.Form(posted(request))
    if request.method == "POST" and form.is_valid():
        run_service(form, services.revoke_membership, actor=request.user, membership=membership)
        if not form.errors:
            return _back_to_members(
                request,
                organisation,
                f"{membership.user.email} no longer has a role at {organisation.name}.",
            )
    context = {
        "organisation": organisation,
        "membership": membership,
        "form": form,
        "breadcrumbs": _crumbs(organisation),
    }
    return render(
        request, "organisations/remove_member.jinja", context, status=400 if form.errors else 200
    )
