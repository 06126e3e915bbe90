"""The audit trail: who changed what, and when, in the caller's organisations. Read only."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import presenters, scoping, selectors
from ..forms import AuditFilterForm

PER_PAGE = 50


def _filters(form: AuditFilterForm) -> selectors.AuditFilters:
    if not form.is_valid():
        return selectors.AuditFilters()
    data = form.cleaned_data
    return selectors.AuditFilters(
        object_type=data["object_type"],
        action=int(data["action"]) if data["action"] else None,
        actor_email=data["actor"],
        date_from=data["date_from"],
        date_to=data["date_to"],
    )


@login_required
@require_GET
def list_audit_events(request: HttpRequest) -> HttpResponse:
    if not scoping.can_anywhere(request.user, scoping.VIEW_AUDIT):
        raise PermissionDenied
    form = AuditFilterForm(request.GET, object_types=selectors.audit_object_types())
    entries = selectors.audit_events_for(request.user, _filters(form))
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    context = {
        "form": form,
        "rows": presenters.audit_rows(list(page.object_list)),
        "page": page,
        "pagination": presenters.pagination(page, query),
        "breadcrumbs": presenters.breadcrumbs_for(None)[:1],
    }
    return render(request, "organisations/list_audit_events.jinja", context)
