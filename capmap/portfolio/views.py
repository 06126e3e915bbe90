"""Evidence portfolio pages: list, add, review, and file download after a permission check."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from capmap.core.exceptions import DomainError
from capmap.people import policy
from capmap.people import selectors as people
from capmap.people.models import Person

from . import selectors, services
from .forms import EvidenceForm, ReviewEvidenceForm
from .models import EvidenceItem


def _crumbs(person: Person) -> list[dict]:
    return [
        {"text": "Home", "href": reverse("core:home")},
        {
            "text": f"Portfolio of {person.full_name}",
            "href": reverse("portfolio:list_evidence", args=[person.pk]),
        },
    ]


def _person(request, pk: int) -> Person:
    try:
        return people.get_person(request.user, pk, policy.VIEW_RECORD)
    except Person.DoesNotExist:
        raise Http404 from None


def _evidence(request, pk: int) -> EvidenceItem:
    try:
        return selectors.get_evidence(request.user, pk)
    except EvidenceItem.DoesNotExist:
        raise Http404 from None


def _next_or(request, default: str) -> str:
    """Back to the page the review was made from (the assessment review), if it is ours."""
    wanted = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure())
    return wanted if wanted and safe else default


@login_required
def list_evidence(request, person: int):
    record = _person(request, person)
    context = {
        "person": record,
        "evidence": selectors.evidence_of(request.user, record),
        "breadcrumbs": _crumbs(record)[:1],
    }
    return render(request, "portfolio/list_evidence.jinja", context)


@login_required
def add_evidence(request, person: int):
    record = _person(request, person)
    competencies = selectors.competencies_for_person(record)
    form = EvidenceForm(request.POST or None, request.FILES or None, competencies=competencies)
    if form.is_valid():
        data, upload = form.cleaned_data, form.cleaned_data["file"]
        try:
            item = services.add_evidence(
                actor=request.user,
                person=record,
                kind=data["kind"],
                title=data["title"],
                occurred_on=data["occurred_on"],
                description=data["description"],
                competencies=list(competencies.filter(pk__in=data["competencies"])),
                file_content=upload.read() if upload else None,
                file_name=upload.name if upload else "",
            )
        except DomainError as error:
            form.add_error("file" if upload and "file" in str(error) else None, str(error))
        else:
            messages.success(request, "Your evidence has been added.")
            return redirect("portfolio:show_evidence", item.pk)
    context = {"person": record, "form": form, "breadcrumbs": _crumbs(record)}
    return render(
        request, "portfolio/add_evidence.jinja", context, status=400 if form.errors else 200
    )


@login_required
def show_evidence(request, pk: int):
    item = _evidence(request, pk)
    can_review = policy.allows(request.user, policy.VERIFY_RECORD, item.person)
    if request.method == "POST" and not can_review:
        raise Http404  # never the person themself: refused as not found (ADR 0005)
    form = ReviewEvidenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_evidence(
                actor=request.user,
                evidence=item,
                accept=form.cleaned_data["decision"] == "accept",
                comment=form.cleaned_data["comment"],
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your review has been saved.")
            return redirect(_next_or(request, reverse("portfolio:show_evidence", args=[pk])))
    context = {
        "item": item,
        "form": form,
        "can_review": can_review,
        "breadcrumbs": _crumbs(item.person),
    }
    return render(
        request, "portfolio/show_evidence.jinja", context, status=400 if form.errors else 200
    )


@login_required
def download_evidence(request, pk: int):
    item = _evidence(request, pk)
    if not item.file:
        raise Http404
    response = FileResponse(
        default_storage.open(item.file.name, "rb"),
        as_attachment=True,
        filename=item.file_name,
        content_type=item.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
