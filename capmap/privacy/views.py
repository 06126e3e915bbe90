"""Pages for people's rights over their data: a person's data page, the subject access
export (request, progress, download) and the erasure preview and confirmation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from capmap.core.exceptions import DomainError, NotPermitted
from capmap.organisations.models import Organisation
from capmap.people.models import Person

from . import presenters, selectors, services
from .forms import CorrectionForm, EraseForm, RetentionForm
from .models import CorrectionRequest, SubjectAccessExport


def _crumbs(person: Person | None = None) -> list[dict]:
    crumbs = [{"href": reverse("core:home"), "text": "Home"}]
    if person is not None:
        crumbs.append(
            {"href": reverse("privacy:show_person_data", args=[person.pk]), "text": "Their data"}
        )
    return crumbs


def _person(request, pk: int) -> Person:
    try:
        return selectors.person_to_export(request.user, pk)
    except Person.DoesNotExist:
        raise Http404 from None


def _export(request, public_id) -> SubjectAccessExport:
    try:
        return selectors.get_export(request.user, public_id)
    except SubjectAccessExport.DoesNotExist:
        raise Http404 from None


@login_required
def my_data(request):
    person = getattr(request.user, "person", None)
    if person is None:
        return render(request, "privacy/no_record.jinja", {"breadcrumbs": _crumbs()})
    return redirect("privacy:show_person_data", person.pk)


@login_required
def show_person_data(request, person: int, correction_form=None, status: int = 200):
    record = _person(request, person)
    context = {
        "person": record,
        "own": record.user_id == request.user.pk,
        "exports": selectors.exports_of(request.user, record)[:20],
        "may_erase": selectors.may_erase(request.user, record),
        "erasure": selectors.erasure_of(record),
        "corrections": selectors.corrections_of(record)[:50],
        "may_decide": selectors.may_decide_corrections(request.user, record),
        "correction_form": correction_form or CorrectionForm(),
        "breadcrumbs": [{"href": reverse("core:home"), "text": "Home"}],
    }
    return render(request, "privacy/show_person_data.jinja", context, status=status)


@login_required
@require_POST
def request_export(request, person: int):
    record = _person(request, person)
    export = services.request_export(actor=request.user, person=record)
    messages.success(request, "The export has been requested. It is being prepared.")
    return redirect("privacy:show_export", public_id=export.public_id)


@login_required
def show_export(request, public_id):
    export = _export(request, public_id)
    context = {"export": export, "breadcrumbs": _crumbs(export.person)}
    return render(request, "privacy/show_export.jinja", context)


@login_required
def show_export_progress(request, public_id):
    return render(request, "privacy/_progress.jinja", {"export": _export(request, public_id)})


@login_required
def download_export(request, public_id):
    export = _export(request, public_id)
    try:
        export = services.record_download(actor=request.user, export=export)
    except DomainError:
        raise Http404 from None
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=export.filename,
        content_type="application/zip",
    )


@login_required
@require_http_methods(["GET", "POST"])
def erase_person(request, person: int):
    try:
        record = selectors.person_to_erase(request.user, person)
    except Person.DoesNotExist:
        raise Http404 from None
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        erased = services.erase_person(
            actor=request.user, person=record, reason=form.cleaned_data["reason"]
        )
        messages.success(request, f"The person has been erased. They are now {erased.pseudonym}.")
        return redirect("privacy:show_person_data", record.pk)
    plan = services.preview_erasure(actor=request.user, person=record)
    context = {
        "person": record,
        "plan": plan,
        "tables": presenters.plan_tables(plan),
        "form": form,
        "breadcrumbs": _crumbs(record),
    }
    return render(
        request, "privacy/erase_person.jinja", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def propose_correction(request, person: int):
    record = _person(request, person)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            services.propose_correction(
                actor=request.user,
                person=record,
                field=form.cleaned_data["field"],
                value=form.cleaned_data["value"],
                note=form.cleaned_data["note"],
            )
        except NotPermitted:
            raise PermissionDenied from None
        except DomainError as error:
            form.add_error("value", str(error))
        else:
            messages.success(request, "Your correction has been sent to an admin to approve.")
            return redirect("privacy:show_person_data", record.pk)
    return show_person_data(request, record.pk, correction_form=form, status=400)


@login_required
@require_POST
def decide_correction(request, pk: int):
    try:
        correction = selectors.correction_to_decide(request.user, pk)
    except CorrectionRequest.DoesNotExist:
        raise Http404 from None
    approve = request.POST.get("decision") == "approve"
    try:
        services.decide_correction(actor=request.user, correction=correction, approve=approve)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            "The correction has been approved." if approve else "The correction was not approved.",
        )
    return redirect("privacy:show_person_data", correction.person_id)


@login_required
@require_http_methods(["GET", "POST"])
def edit_retention(request, organisation: int):
    try:
        place = selectors.organisation_for_retention(request.user, organisation)
    except Organisation.DoesNotExist:
        raise Http404 from None
    periods = services.schedule_of(place)
    form = RetentionForm(request.POST or None, periods=periods)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_schedule(actor=request.user, organisation=place, years=form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The retention schedule has been saved.")
            return redirect("privacy:edit_retention", place.pk)
    context = {"organisation": place, "periods": periods, "form": form, "breadcrumbs": _crumbs()}
    status = 400 if form.errors else 200
    return render(request, "privacy/edit_retention.jinja", context, status=status)
