"""Report pages: ask for a report, follow its progress, download it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from capmap.core.exceptions import DomainError
from capmap.people import policy
from capmap.people.models import Person
from capmap.people.selectors import get_person

from . import selectors, services
from .builders.person_portfolio import request_for_person
from .forms import RequestReportForm
from .models import ReportRequest, ReportStatus
from .registry import all_kinds
from .rendering import CONTENT_TYPES


def _report(request, public_id) -> ReportRequest:
    try:
        return selectors.get_report(request.user, public_id)
    except ReportRequest.DoesNotExist:
        raise Http404 from None


def _crumbs(*items) -> list[dict]:
    return [{"href": reverse("core:home"), "text": "Home"}] + [
        {"href": href, "text": text} for text, href in items
    ]


def _reports_page(request, form: RequestReportForm, *, status: int = 200):
    # Someone with no organisation to report on (a practitioner) may still have their own
    # portfolio and scope of practice: the page offers that rather than an empty list.
    context = {
        "form": form,
        "may_report_on_organisations": form.fields["organisation"].queryset.exists(),
        "own_record": getattr(request.user, "person", None),
        "reports": selectors.reports_for(request.user)[:50],
        "kinds": all_kinds(),
        "breadcrumbs": _crumbs(),
    }
    return render(request, "reports/list_reports.jinja", context, status=status)


@login_required
def list_reports(request):
    form = RequestReportForm(organisations=selectors.report_organisations(request.user))
    return _reports_page(request, form)


@login_required
@require_POST
def request_report(request):
    form = RequestReportForm(
        request.POST, organisations=selectors.report_organisations(request.user)
    )
    if form.is_valid():
        try:
            report = services.request_report(
                actor=request.user, data=request.POST.dict(), **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your report has been requested. It is being prepared.")
            return redirect("reports:show_report", public_id=report.public_id)
    return _reports_page(request, form, status=400)


@login_required
@require_POST
def request_person_report(request, person: int):
    """The portfolio and scope of practice of one person, from their scope page."""
    try:
        record = get_person(request.user, person, policy.VIEW_RECORD)
    except Person.DoesNotExist:
        raise Http404 from None
    fmt = "xlsx" if request.POST.get("format") == "xlsx" else "pdf"
    report = request_for_person(actor=request.user, person=record, format=fmt)
    messages.success(request, "Your report has been requested. It is being prepared.")
    return redirect("reports:show_report", public_id=report.public_id)


@login_required
def show_report(request, public_id):
    report = _report(request, public_id)
    crumbs = _crumbs(("Reports", reverse("reports:list_reports")))
    return render(request, "reports/show_report.jinja", {"report": report, "breadcrumbs": crumbs})


@login_required
def show_report_progress(request, public_id):
    report = _report(request, public_id)
    return render(request, "reports/_progress.jinja", {"report": report})


@login_required
def download_report(request, public_id):
    report = _report(request, public_id)
    if report.status != ReportStatus.DONE or not report.file:
        raise Http404
    return FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        filename=report.filename,
        content_type=CONTENT_TYPES[report.format],
    )
