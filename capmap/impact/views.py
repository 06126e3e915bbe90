"""Impact pages: the dashboard, recording activity, importing a CSV, the GP time assumption."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from capmap.core.exceptions import DomainError
from capmap.core.importing import ImportRejected
from capmap.organisations.models import Organisation
from capmap.people import policy
from capmap.people.models import Person

from . import selectors, services
from .forms import (
    ActivityTypeForm,
    AssumptionForm,
    DashboardFilterForm,
    ImportActivityForm,
    RecordActivityForm,
)
from .models import ActivityType
from .presenters import ImpactPresenter


def _organisation(request, pk: int) -> Organisation:
    try:
        return selectors.get_impact_organisation(request.user, pk)
    except Organisation.DoesNotExist:
        raise Http404 from None


def _person(request, pk: int) -> Person:
    try:
        return selectors.get_person_to_record_for(request.user, pk)
    except Person.DoesNotExist:
        raise Http404 from None


def _crumbs(*items: tuple[str, str]) -> list[dict]:
    return [{"href": reverse("core:home"), "text": "Home"}] + [
        {"href": href, "text": text} for text, href in items
    ]


@login_required
def list_impact_organisations(request):
    organisations = selectors.impact_organisations(request.user)
    context = {
        "organisations": organisations,
        "may_see_activity_types": selectors.may_see_activity_types(request.user),
        "breadcrumbs": _crumbs(),
    }
    return render(request, "impact/list_impact_organisations.jinja", context)


@login_required
def show_dashboard(request, pk: int):
    organisation = _organisation(request, pk)
    form = DashboardFilterForm(request.GET or None, roles=selectors.roles_with_activity_types())
    filters = form.cleaned_data if form.is_valid() else {}
    summary = selectors.impact_summary(
        request.user,
        organisation,
        job_role=filters.get("job_role"),
        months=filters.get("months") or 12,
    )
    crumbs = _crumbs(("Impact", reverse("impact:list_impact_organisations")))
    context = {
        "impact": ImpactPresenter(summary),
        "form": form,
        "organisation": organisation,
        "may_change_assumption": policy.allows(
            request.user, policy.MANAGE_ORGANISATIONS, organisation
        ),
    }
    return render(request, "impact/show_dashboard.jinja", context | {"breadcrumbs": crumbs})


@login_required
def list_people_to_record(request):
    people = selectors.people_actor_may_record_for(request.user).select_related(
        "job_role", "employer"
    )
    crumbs = _crumbs(("Impact", reverse("impact:list_impact_organisations")))
    return render(
        request, "impact/list_people_to_record.jinja", {"people": people, "breadcrumbs": crumbs}
    )


@login_required
def record_activity(request, person_pk: int):
    person = _person(request, person_pk)
    types = selectors.activity_types_for(person.job_role)
    form = RecordActivityForm(request.POST or None, activity_types=types)
    if form.is_valid():
        try:
            services.record_activity(
                actor=request.user, person=person, **_numbers(form.cleaned_data)
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Activity saved for {person.full_name}.")
            return redirect("impact:record_activity", person_pk=person.pk)
    crumbs = _crumbs(("Record activity", reverse("impact:list_people_to_record")))
    context = {"form": form, "person": person, "breadcrumbs": crumbs}
    return render(request, "impact/record_activity.jinja", context)


def _numbers(data: dict) -> dict:
    return data | {"minutes": data.get("minutes") or 0}


@login_required
def import_activity(request):
    form = ImportActivityForm(request.POST or None, request.FILES or None)
    row_errors = []
    if form.is_valid():
        try:
            result = services.import_activity_csv(
                actor=request.user, content=form.cleaned_data["file"].read()
            )
        except ImportRejected as error:
            row_errors = error.errors
            form.add_error("file", str(error))
        except DomainError as error:
            form.add_error("file", str(error))
        else:
            messages.success(
                request, f"Imported {result.created} new and {result.updated} changed records."
            )
            return redirect("impact:import_activity")
    crumbs = _crumbs(("Record activity", reverse("impact:list_people_to_record")))
    context = {"form": form, "row_errors": row_errors, "breadcrumbs": crumbs}
    return render(request, "impact/import_activity.jinja", context)


@login_required
def edit_assumption(request, pk: int):
    organisation = _organisation(request, pk)
    if not policy.allows(request.user, policy.MANAGE_ORGANISATIONS, organisation):
        raise PermissionDenied  # admins of the organisation set it; viewers only see it
    initial = {"minutes_per_gp_appointment": selectors.minutes_per_gp_appointment(organisation)}
    form = AssumptionForm(request.POST or None, initial=initial)
    if form.is_valid():
        try:
            services.set_minutes_per_gp_appointment(
                actor=request.user,
                organisation=organisation,
                minutes=form.cleaned_data["minutes_per_gp_appointment"],
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Assumption saved.")
            return redirect("impact:show_dashboard", pk=organisation.pk)
    crumbs = _crumbs(("Impact", reverse("impact:show_dashboard", args=[organisation.pk])))
    context = {"form": form, "organisation": organisation, "breadcrumbs": crumbs}
    return render(request, "impact/edit_assumption.jinja", context)


def _activity_type(request, pk: int) -> ActivityType:
    if not selectors.may_configure_activity_types(request.user):
        raise PermissionDenied
    try:
        return selectors.get_activity_type(pk)
    except ActivityType.DoesNotExist:
        raise Http404 from None


@login_required
def list_activity_types(request):
    if not selectors.may_see_activity_types(request.user):
        raise PermissionDenied
    context = {
        "groups": selectors.activity_types_by_role(),
        "may_configure": selectors.may_configure_activity_types(request.user),
        "breadcrumbs": _crumbs(("Impact", reverse("impact:list_impact_organisations"))),
    }
    return render(request, "impact/list_activity_types.jinja", context)


@login_required
def create_activity_type(request):
    if not selectors.may_configure_activity_types(request.user):
        raise PermissionDenied
    form = ActivityTypeForm(request.POST or None)
    return _save_activity_type(request, form, services.create_activity_type)


@login_required
def edit_activity_type(request, pk: int):
    activity_type = _activity_type(request, pk)
    initial = model_to_dict(activity_type, fields=services.ACTIVITY_TYPE_FIELDS)
    form = ActivityTypeForm(request.POST or None, initial=initial)
    save = services.update_activity_type
    return _save_activity_type(request, form, save, activity_type=activity_type)


def _save_activity_type(request, form, save, **target):
    if form.is_valid():
        try:
            saved = save(actor=request.user, **target, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Activity type {saved.name} saved.")
            return redirect("impact:list_activity_types")
    crumbs = _crumbs(("Activity types", reverse("impact:list_activity_types")))
    context = {"form": form, "breadcrumbs": crumbs} | target
    return render(request, "impact/edit_activity_type.jinja", context)
