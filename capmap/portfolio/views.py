"""Evidence portfolio pages: list, add, review, and file download after a permission check."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from capmap.core import uploads
from capmap.core.exceptions import DomainError
from capmap.core.models import PendingUpload
from capmap.people import policy
from capmap.people import selectors as people
from capmap.people.models import Person

from . import selectors, services
from .forms import EvidenceForm, ReviewEvidenceForm
from .models import EvidenceItem

KEPT_FILE = "evidence"
# The pages evidence is opened from that get a way back (named by URL, not imported:
# assessments sits above the portfolio).
BACK_TO = {
    "assessments:show_assessment": "Back to the assessment",
    "assessments:review_assessment": "Back to the review",
}


def _crumbs(person: Person, came_from: dict | None = None) -> list[dict]:
    crumbs = [
        {"text": "Home", "href": reverse("core:home")},
        {
            "text": f"Portfolio of {person.full_name}",
            "href": reverse("portfolio:list_evidence", args=[person.pk]),
        },
    ]
    if came_from:
        crumbs.append({"text": came_from["crumb"], "href": came_from["href"]})
    return crumbs


def _came_from(request) -> dict | None:
    """The assessment or review this evidence was opened from (`?back=`), if it is one
    of ours: a path on this site that names one of those pages."""
    wanted = request.GET.get("back", "")
    if not wanted.startswith("/") or wanted.startswith("//"):
        return None
    try:
        match = resolve(wanted)
    except Resolver404:
        return None
    label = BACK_TO.get(match.view_name)
    if label is None:
        return None
    crumb = "Review" if match.view_name.endswith("review_assessment") else "Assessment"
    return {
        "text": label,
        "crumb": crumb,
        "href": wanted,
        "query": "?" + urlencode({"back": wanted}),
    }


def _with_back(url: str, came_from: dict | None) -> str:
    return url + came_from["query"] if came_from else url


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


def _kept_file(request) -> PendingUpload | None:
    """The file chosen before a failed submit, if the page sent its token back."""
    token = request.POST.get("kept_file", "")
    if not token:
        return None
    return uploads.open_upload(actor=request.user, purpose=KEPT_FILE, token=token)


def _keep_chosen_file(request, form: EvidenceForm, kept) -> tuple[str, str]:
    """After a failed submit, keep a new file that passed its checks (or the one kept
    before) so the person need not choose it again: its token and name."""
    upload = request.FILES.get("file")
    if upload and "file" not in form.errors:
        upload.seek(0)
        name = upload.name or "evidence"
        token = uploads.keep_upload(
            actor=request.user, purpose=KEPT_FILE, content=upload.read(), options={"name": name}
        )
        return token, name
    if kept is not None and not upload:
        return kept.token, kept.options.get("name", "evidence")
    return "", ""


@login_required
def add_evidence(request, person: int):
    record = _person(request, person)
    came_from = _came_from(request)
    competencies = selectors.competencies_for_person(record)
    form = EvidenceForm(request.POST or None, request.FILES or None, competencies=competencies)
    kept = _kept_file(request) if request.method == "POST" else None
    if form.is_valid():
        data, upload = form.cleaned_data, form.cleaned_data["file"]
        content, name = (upload.read(), upload.name) if upload else (None, "")
        if upload is None and kept is not None:
            content, name = kept.content, kept.options.get("name", "")
        try:
            item = services.add_evidence(
                actor=request.user,
                person=record,
                kind=data["kind"],
                title=data["title"],
                occurred_on=data["occurred_on"],
                description=data["description"],
                competencies=list(competencies.filter(pk__in=data["competencies"])),
                file_content=content,
                file_name=name,
            )
        except DomainError as error:
            form.add_error("file" if content and "file" in str(error) else None, str(error))
        else:
            if kept is not None:
                uploads.forget_upload(actor=request.user, token=kept.token)
            messages.success(request, "Your evidence has been added.")
            return redirect(
                _with_back(reverse("portfolio:show_evidence", args=[item.pk]), came_from)
            )
    kept_token, kept_name = _keep_chosen_file(request, form, kept) if form.errors else ("", "")
    context = {
        "person": record,
        "form": form,
        "kept_token": kept_token,
        "kept_name": kept_name,
        "came_from": came_from,
        "breadcrumbs": _crumbs(record, came_from),
    }
    return render(
        request, "portfolio/add_evidence.jinja", context, status=400 if form.errors else 200
    )


@login_required
def show_evidence(request, pk: int):
    item = _evidence(request, pk)
    came_from = _came_from(request)
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
            here = _with_back(reverse("portfolio:show_evidence", args=[pk]), came_from)
            return redirect(_next_or(request, here))
    context = {
        "item": item,
        "form": form,
        "can_review": can_review,
        "came_from": came_from,
        "breadcrumbs": _crumbs(item.person, came_from),
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
