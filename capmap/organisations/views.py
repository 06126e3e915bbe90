"""Organisation pages (placeholder: the organisation pages are being built)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import selectors


@login_required
def list_organisations(request):
    organisations = selectors.organisation_tree(request.user)
    return render(
        request, "organisations/list_organisations.jinja", {"organisations": organisations}
    )


@login_required
def list_audit_events(request):
    return render(request, "organisations/list_organisations.jinja", {"organisations": []})
