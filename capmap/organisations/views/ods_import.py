"""Importing the NHS ODS files: upload, preview (what would change, problems), confirm.

The files wait server-side in one ZIP under a random token owned by the uploader
(capmap/core/uploads.py); the preview and the confirmation each read and check them
again against the tree as it is then, so nothing stale is written.
"""

import io
import zipfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from capmap.core import uploads
from capmap.core.exceptions import DomainError

from .. import ods_presenters, presenters, services
from ..forms import OdsImportForm
from ..ods_files import OdsFileRefused, read_ods_files
from ..ods_import import may_import_organisations

UPLOAD_PURPOSE = "ods-import"


def _require_importer(request: HttpRequest) -> None:
    if not may_import_organisations(request.user):
        raise PermissionDenied


def _pack(files: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            archive.writestr(name, content)
    return buffer.getvalue()


def _unpack(content: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


@login_required
@require_http_methods(["GET", "POST"])
def import_organisations(request: HttpRequest) -> HttpResponse:
    _require_importer(request)
    posting = request.method == "POST"
    form = OdsImportForm(request.POST if posting else None, request.FILES if posting else None)
    if form.is_valid():
        try:
            read_ods_files(form.files_to_import)  # a file unreadable as a whole: say so now
        except OdsFileRefused as refused:
            form.add_error(None, str(refused))
        else:
            content = _pack(form.files_to_import)
            token = uploads.keep_upload(actor=request.user, purpose=UPLOAD_PURPOSE, content=content)
            return redirect("organisations:preview_organisations_import", token)
    context = {"form": form, "breadcrumbs": presenters.breadcrumbs_for(None)}
    status = 400 if form.errors else 200
    return render(request, "organisations/import_organisations.jinja", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def preview_organisations_import(request: HttpRequest, token: str) -> HttpResponse:
    _require_importer(request)
    upload = uploads.open_upload(actor=request.user, purpose=UPLOAD_PURPOSE, token=token)
    if upload is None:
        raise Http404
    files = _unpack(upload.content)
    try:
        plan = services.preview_organisations_import(actor=request.user, files=files)
        if request.method == "POST" and plan.ok:
            plan = services.import_organisations(actor=request.user, files=files)
            uploads.forget_upload(actor=request.user, token=token)
            messages.success(request, ods_presenters.outcome(plan))
            return redirect("organisations:list_organisations")
    except services.OdsImportRejected as rejected:
        plan = rejected.plan
    except DomainError:  # the files could be read at upload: something changed since
        raise Http404 from None
    crumbs = presenters.breadcrumbs_for(
        None, ("Import ODS files", reverse("organisations:import_organisations"))
    )
    context = {
        "plan": plan,
        "summary": ods_presenters.summary(plan),
        "tables": ods_presenters.tables(plan),
        "problems": plan.problems[:200],
        "breadcrumbs": crumbs,
    }
    return render(request, "organisations/preview_organisations_import.jinja", context)
