"""Staff record pages: list, detail, add, change, end employment, delete, job roles, import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from capmap.core import uploads
from capmap.core.exceptions import DomainError
from capmap.core.importing import ImportRejected
from capmap.core.tabular import TableRefused

from . import import_templates, importing, policy, presenters, selectors, services
from .forms import EndEmploymentForm, JobRoleForm, PeopleFilterForm, PersonForm, StaffImportForm
from .models import Person

PAGE_SIZE = 25


def _crumbs(*extra: tuple[str, str]) -> list[dict]:
    items = [("Home", reverse("core:home")), ("People", reverse("people:list_people")), *extra]
    return [{"text": text, "href": href} for text, href in items]


def _person(request, pk: int, *, manage: bool = False) -> Person:
    """The person if the user may see them (404 otherwise); 403 if they may not manage them."""
    try:
        person = selectors.get_person(request.user, pk)
    except Person.DoesNotExist:
        raise Http404 from None
    if manage and not policy.allows(request.user, policy.CHANGE_PERSON, person):
        raise PermissionDenied
    return person


def _add_error(form, error: Exception) -> None:
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))


def _require_manager(request) -> None:
    if not policy.allows_anywhere(request.user, policy.MANAGE_PEOPLE):
        raise PermissionDenied


@login_required
def list_people(request):
    form = PeopleFilterForm(request.GET or None, user=request.user)
    form.is_valid()
    search = form.search()
    page = Paginator(selectors.PeopleListing(request.user, **search), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page": page,
        "headings": presenters.sort_headings(request.GET, search["sort"]),
        "pagination": presenters.pagination(page, request.GET),
        "filtered": any(v for k, v in search.items() if k != "sort"),
        "can_manage": policy.allows_anywhere(request.user, policy.MANAGE_PEOPLE),
        "breadcrumbs": _crumbs()[:1],
        "today": timezone.localdate(),
    }
    return render(request, "people/list_people.jinja", context)


@login_required
def show_person(request, pk: int):
    person = _person(request, pk)
    context = {
        "person": person,
        "rows": presenters.person_summary_rows(person),
        "actions": presenters.person_actions(request.user, person),
        "links": presenters.record_links(request.user, person),
        "breadcrumbs": _crumbs(),
    }
    return render(request, "people/show_person.jinja", context)


@login_required
@require_http_methods(["GET", "POST"])
def create_person(request):
    _require_manager(request)
    form = PersonForm(request.POST or None, user=request.user)
    if form.is_valid():
        try:
            person = services.create_person(actor=request.user, details=form.details())
        except (ValidationError, DomainError) as error:
            _add_error(form, error)
        else:
            messages.success(request, f"{person.full_name} has been added.")
            return redirect("people:show_person", person.pk)
    context = {"form": form, "breadcrumbs": _crumbs(), "title": "Add a person"}
    return render(request, "people/edit_person.jinja", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit_person(request, pk: int):
    person = _person(request, pk, manage=True)
    initial = PersonForm.initial_for(person)
    form = PersonForm(request.POST or None, initial=initial, user=request.user)
    if form.is_valid():
        try:
            services.update_person(actor=request.user, person=person, details=form.details())
        except (ValidationError, DomainError) as error:
            _add_error(form, error)
        else:
            messages.success(request, "The details have been saved.")
            return redirect("people:show_person", person.pk)
    crumbs = _crumbs((person.full_name, reverse("people:show_person", args=[pk])))
    context = {"form": form, "person": person, "breadcrumbs": crumbs, "title": "Change details"}
    return render(request, "people/edit_person.jinja", context)


@login_required
@require_http_methods(["GET", "POST"])
def end_employment(request, pk: int):
    person = _person(request, pk, manage=True)
    form = EndEmploymentForm(request.POST or None, initial={"end_date": person.end_date})
    if form.is_valid():
        try:
            services.end_employment(
                actor=request.user, person=person, end_date=form.cleaned_data["end_date"]
            )
        except (ValidationError, DomainError) as error:
            _add_error(form, error)
        else:
            messages.success(request, f"The end of {person.full_name}'s employment is recorded.")
            return redirect("people:show_person", person.pk)
    crumbs = _crumbs((person.full_name, reverse("people:show_person", args=[pk])))
    return render(
        request,
        "people/end_employment.jinja",
        {"form": form, "person": person, "breadcrumbs": crumbs},
    )


@login_required
@require_http_methods(["GET", "POST"])
def delete_person(request, pk: int):
    person = _person(request, pk, manage=True)
    error = None
    if request.method == "POST":
        try:
            services.delete_person(actor=request.user, person=person)
        except DomainError as problem:
            error = str(problem)
        else:
            messages.success(request, f"The record of {person.full_name} has been deleted.")
            return redirect("people:list_people")
    crumbs = _crumbs((person.full_name, reverse("people:show_person", args=[pk])))
    context = {"person": person, "error": error, "breadcrumbs": crumbs}
    return render(request, "people/delete_person.jinja", context)


@login_required
def list_job_roles(request):
    context = {
        "roles": selectors.job_roles(),
        "can_add": services.may_add_job_roles(request.user),
        "breadcrumbs": _crumbs(),
    }
    return render(request, "people/list_job_roles.jinja", context)


@login_required
@require_http_methods(["GET", "POST"])
def create_job_role(request):
    if not services.may_add_job_roles(request.user):
        raise PermissionDenied
    form = JobRoleForm(request.POST or None)
    if form.is_valid():
        try:
            role = services.create_job_role(actor=request.user, **form.cleaned_data)
        except (ValidationError, DomainError) as error:
            _add_error(form, error)
        else:
            messages.success(request, f"The job role {role.name} has been added.")
            return redirect("people:list_job_roles")
    crumbs = _crumbs(("Job roles", reverse("people:list_job_roles")))
    return render(request, "people/create_job_role.jinja", {"form": form, "breadcrumbs": crumbs})


# --- Importing staff ------------------------------------------------------------------------
# The uploaded file waits server-side under a random token, owned by the uploader
# (capmap/core/uploads.py); the preview and the confirmation each read and check it
# again against the database as it is then, so nothing stale is written.

UPLOAD_PURPOSE = "staff-import"


def _stored_upload(request, token: str):
    upload = uploads.open_upload(actor=request.user, purpose=UPLOAD_PURPOSE, token=token)
    if upload is None:
        raise Http404
    return upload


@login_required
@require_http_methods(["GET", "POST"])
def import_staff(request):
    _require_manager(request)
    form = StaffImportForm(request.POST or None, request.FILES or None, user=request.user)
    if form.is_valid():
        content = form.cleaned_data["file"].read()
        try:
            importing.read_staff_rows(content)
        except TableRefused as error:
            form.add_error("file", str(error))
        else:
            organisation = form.cleaned_data["organisation"]
            token = uploads.keep_upload(
                actor=request.user,
                purpose=UPLOAD_PURPOSE,
                content=content,
                options={"organisation": organisation.pk if organisation else None},
            )
            return redirect("people:preview_import", token)
    crumbs = _crumbs()
    return render(request, "people/import_staff.jinja", {"form": form, "breadcrumbs": crumbs})


def _upload_rows(request, upload) -> tuple[list, object]:
    organisation = None
    if upload.options.get("organisation"):
        organisation = (
            selectors.employers_for(request.user).filter(pk=upload.options["organisation"]).first()
        )
        if organisation is None:
            raise Http404
    try:
        rows = importing.read_staff_rows(upload.content)
    except TableRefused:  # the caps were lowered since the upload: start again
        raise Http404 from None
    return rows, organisation


@login_required
@require_http_methods(["GET", "POST"])
def preview_import(request, token: str):
    _require_manager(request)
    upload = _stored_upload(request, token)
    rows, organisation = _upload_rows(request, upload)
    plan = importing.plan_import(actor=request.user, rows=rows, default_organisation=organisation)
    if request.method == "POST" and not plan.errors:
        try:
            plan = services.import_staff(actor=request.user, rows=rows, organisation=organisation)
        except ImportRejected as rejected:
            plan = rejected.preview
        else:
            uploads.forget_upload(actor=request.user, token=token)
            messages.success(request, presenters.import_outcome(plan))
            return redirect("people:list_people")
    crumbs = _crumbs(("Import staff", reverse("people:import_staff")))
    context = {"plan": plan, "token": token, "breadcrumbs": crumbs}
    return render(request, "people/preview_import.jinja", context)


@login_required
def import_template(request, extension: str):
    _require_manager(request)
    content, content_type = import_templates.staff_import_template(extension)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="capmap-staff-import.{extension}"'
    return response
