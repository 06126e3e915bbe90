"""Pages for people's rights over their data: a person's data page, the subject access
export (request, progress, download) and the erasure preview and confirmation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from capmap.core.exceptions import DomainError
from capmap.people.models import Person

from . import presenters, selectors, services
from .forms import EraseForm
from .models import SubjectAccessExport


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
def show_person_data(request, person: int):
    record = _person(request, person)
    context = {
        "person": record,
        "own": record.user_id == request.user.pk,
        "exports": selectors.exports_of(request.user, record)[:20],
        "may_erase": selectors.may_erase(request.user, record),
        "erasure": selectors.erasure_of(record),
        "breadcrumbs": [{"href": reverse("core:home"), "text": "Home"}],
    }
    return render(request, "privacy/show_person_data.jinja", context)


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
