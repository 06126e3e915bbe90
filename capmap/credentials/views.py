"""Credential pages: the holder's own list and downloads, and what is public by design
(the verification page, a credential's shareable link, issuer profiles, status lists)."""

import io
import json
import zipfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from capmap.core.exceptions import DomainError, NotPermitted

from . import accepting, completions, fetched, publishing, selectors, services
from .forms import (
    AcceptCredentialForm,
    RecogniseIssuerForm,
    RevokeCredentialForm,
    VerifyCredentialForm,
)
from .presenters import VerificationPresenter, credential_rows
from .vc.verify import Unreadable

VERIFY_LIMIT_PER_MINUTE = 30
LD_JSON = "application/ld+json"


def _crumbs(*items: tuple[str, str]) -> list[dict]:
    return [{"href": reverse("core:home"), "text": "Home"}] + [
        {"href": href, "text": text} for text, href in items
    ]


@login_required
def list_my_credentials(request):
    person = selectors.holder_person(request.user)
    context = {
        "rows": credential_rows(selectors.credentials_of_holder(request.user)),
        "issuable": selectors.levels_without_credential(request.user),
        "completions": completions.completions_without_credential(person) if person else [],
        "has_record": selectors.holder_person(request.user) is not None,
        "breadcrumbs": _crumbs(),
    }
    return render(request, "credentials/list_my_credentials.jinja", context)


@login_required
@require_POST
def issue_my_credentials(request):
    event_id = request.POST.get("event", "")
    completion = request.POST.get("completion", "")
    try:
        if completion:
            person = selectors.holder_person(request.user)
            if person is None:
                raise Http404
            completions.issue_completion(actor=request.user, person=person, subject_key=completion)
            messages.success(request, "Your credential has been issued.")
        elif event_id.isdigit():
            event = selectors.holder_event(request.user, int(event_id))
            if event is None:
                raise Http404
            services.issue_credential(actor=request.user, event=event)
            messages.success(request, "Your credential has been issued.")
        else:
            person = selectors.holder_person(request.user)
            if person is None:
                raise Http404
            made = services.issue_missing_credentials(actor=request.user, person=person)
            messages.success(request, f"{len(made)} credentials issued.")
    except DomainError as error:
        messages.error(request, str(error))
    return redirect("credentials:list_my_credentials")


def _own(request, public_id):
    credential = selectors.holder_credential(request.user, public_id)
    if credential is None:
        raise Http404
    return credential


@login_required
def download_credential(request, public_id):
    credential = _own(request, public_id)
    response = HttpResponse(json.dumps(credential.document, indent=2), content_type=LD_JSON)
    name = publishing.credential_file_name(credential)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def download_credential_jwt(request, public_id):
    credential = _own(request, public_id)
    token = services.credential_as_jwt(credential=credential)
    response = HttpResponse(token, content_type="application/vc+jwt")
    name = publishing.credential_file_name(credential, ".jwt")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def download_credential_svg(request, public_id):
    """The badge image with the credential baked in (Open Badges 3.0 SVG baking)."""
    credential = _own(request, public_id)
    response = HttpResponse(publishing.baked_badge(credential), content_type="image/svg+xml")
    name = publishing.credential_file_name(credential, ".svg")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def download_all_credentials(request):
    """Every credential of the holder: its JSON file and its baked badge image each."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for credential in selectors.credentials_of_holder(request.user):
            for name, text in publishing.credential_files(credential):
                archive.writestr(name, text)
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="my-credentials.zip"'
    return response


def _over_limit(request) -> bool:
    """At most VERIFY_LIMIT_PER_MINUTE checks a minute from one address (cheap guard)."""
    key = f"credentials-verify:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, timeout=60)
    try:
        return cache.incr(key) > VERIFY_LIMIT_PER_MINUTE
    except ValueError:
        return False


def verify_credential(request):
    """The public verification page: paste or upload, no account needed."""
    form = VerifyCredentialForm(request.POST or None, request.FILES or None)
    result, status = None, 200
    if request.method == "POST" and form.is_valid():
        if _over_limit(request):
            form.add_error(None, "Too many checks from your address: wait a minute and try again.")
            status = 429
        else:
            try:
                # Rate-limited above: another issuer's status list may be fetched.
                result = VerificationPresenter(fetched.verify_online(form.raw()))
            except Unreadable as error:
                form.add_error("file" if request.FILES else "text", str(error))
    context = {"form": form, "result": result, "breadcrumbs": _crumbs()}
    return render(request, "credentials/verify_credential.jinja", context, status=status)


@require_GET
def show_shared_credential(request, public_id):
    """A credential's shareable link (its id): whoever has the link sees it verified now."""
    credential = selectors.shared_credential(public_id)
    if credential is None:
        raise Http404
    if LD_JSON in request.headers.get("Accept", ""):
        return JsonResponse(credential.document, content_type=LD_JSON)
    context = {
        "result": VerificationPresenter(selectors.verify_here(credential.document)),
        "credential": credential,
        "breadcrumbs": _crumbs(("Verify a credential", reverse("credentials:verify_credential"))),
    }
    return render(request, "credentials/show_shared_credential.jinja", context)


@require_GET
def show_issuer(request, organisation_id: int):
    organisation = selectors.issuer_organisation(organisation_id)
    if organisation is None:
        raise Http404
    return JsonResponse(publishing.issuer_profile(organisation), content_type=LD_JSON)


@require_GET
def show_status_list(request, organisation_id: int, number: int):
    status_list = selectors.status_list(organisation_id, number)
    if status_list is None:
        raise Http404
    response = JsonResponse(publishing.signed_status_list(status_list), content_type=LD_JSON)
    response["Cache-Control"] = "max-age=300"
    return response


@require_GET
def show_did_document(request):
    """/.well-known/did.json: did:web of the deployment with every issuer key."""
    return JsonResponse(publishing.did_document(), content_type="application/did+json")


def _may(actor, action, obj) -> bool:
    from capmap.people import policy

    return policy.allows(actor, getattr(policy, action), obj)


@login_required
def accept_credential(request, person_id: int):
    """A manager imports a credential from elsewhere as evidence for a person."""
    person = selectors.person_for_accepting(request.user, person_id)
    if person is None:
        raise Http404
    may_import = _may(request.user, "CHANGE_PERSON", person)
    form = AcceptCredentialForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not may_import:
            raise PermissionDenied
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                accepting.accept_credential(
                    actor=request.user,
                    person=person,
                    raw=upload.read() if upload is not None else None,
                    link=form.cleaned_data["link"],
                )
            except DomainError as error:
                form.add_error("file" if upload is not None else "link", str(error))
            else:
                messages.success(request, "The credential has been imported.")
                return redirect("credentials:accept_credential", person_id=person.pk)
    context = {
        "person": person,
        "rows": selectors.accepted_rows(person),
        "issued": credential_rows(selectors.issued_to_person(request.user, person)),
        "form": form,
        "may_import": may_import,
        "breadcrumbs": _crumbs(),
    }
    return render(request, "credentials/accept_credential.jinja", context)


@login_required
@require_POST
def check_accepted_credential(request, person_id: int, accepted_id: int):
    """Verify an accepted credential again; a level it gave goes if it no longer holds."""
    return _change_accepted(
        request,
        person_id,
        accepted_id,
        accepting.reverify_accepted_credential,
        "The credential has been checked again.",
    )


@login_required
@require_POST
def remove_accepted_credential(request, person_id: int, accepted_id: int):
    """Take an accepted credential off the person's record, with any level it gave."""
    return _change_accepted(
        request,
        person_id,
        accepted_id,
        accepting.remove_accepted_credential,
        "The credential has been removed.",
    )


def _change_accepted(request, person_id: int, accepted_id: int, service, done: str):
    accepted = selectors.accepted_for_person(request.user, person_id, accepted_id)
    if accepted is None:
        raise Http404
    try:
        service(actor=request.user, accepted=accepted)
    except NotPermitted:
        raise PermissionDenied from None
    messages.success(request, done)
    return redirect("credentials:accept_credential", person_id=person_id)


@login_required
@require_POST
def stop_recognising_issuer(request, organisation_id: int, issuer_id: int):
    """Credentials from this issuer stop counting here; levels they gave are withdrawn."""
    recognised = selectors.recognised_issuer_of(request.user, organisation_id, issuer_id)
    if recognised is None:
        raise Http404
    try:
        accepting.stop_recognising_issuer(actor=request.user, recognised=recognised)
    except NotPermitted:
        raise PermissionDenied from None
    messages.success(request, f"Credentials from {recognised.name} no longer count here.")
    return redirect("credentials:list_recognised_issuers", organisation_id)


@login_required
def list_recognised_issuers(request, organisation_id: int):
    organisation = selectors.organisation_for_issuers(request.user, organisation_id)
    if organisation is None:
        raise Http404
    may_change = _may(request.user, "MANAGE_PEOPLE", organisation)
    form = RecogniseIssuerForm(request.POST or None)
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        if form.is_valid():
            try:
                accepting.recognise_issuer(
                    actor=request.user, organisation=organisation, **form.cleaned_data
                )
            except DomainError as error:
                form.add_error("issuer_id", str(error))
            else:
                messages.success(request, "The issuer is now recognised.")
                return redirect("credentials:list_recognised_issuers", organisation.pk)
    context = {
        "organisation": organisation,
        "issuers": selectors.recognised_issuers(organisation),
        "form": form,
        "may_change": may_change,
        "breadcrumbs": _crumbs(),
    }
    return render(request, "credentials/list_recognised_issuers.jinja", context)


@login_required
def revoke_credential(request, public_id):
    """Confirm and revoke a credential, with a reason (supervisor, mentor or manager)."""
    credential = selectors.credential_to_revoke(request.user, public_id)
    if credential is None:
        raise Http404
    form = RevokeCredentialForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.revoke_credential(
                actor=request.user, credential=credential, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            form.add_error("reason", str(error))
        else:
            messages.success(request, f"The credential {credential.achievement_name} is revoked.")
            return redirect("credentials:accept_credential", person_id=credential.person_id)
    context = {"credential": credential, "form": form, "breadcrumbs": _crumbs()}
    return render(request, "credentials/revoke_credential.jinja", context)
