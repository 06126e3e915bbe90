"""Reads of report requests: a person sees only the reports they asked for."""

from django.db.models import QuerySet

from capmap.organisations.models import Organisation
from capmap.people import policy

from .models import ReportRequest


def reports_for(user) -> QuerySet[ReportRequest]:
    if not user or not user.is_authenticated:
        return ReportRequest.objects.none()
    return ReportRequest.objects.filter(requested_by=user).select_related("organisation")


def get_report(user, public_id) -> ReportRequest:
    """The report, or ReportRequest.DoesNotExist when it is not the user's."""
    return reports_for(user).get(public_id=public_id)


def report_organisations(user) -> QuerySet[Organisation]:
    return policy.organisations(user, policy.VIEW_PEOPLE)


def get_report_organisation(user, pk) -> Organisation:
    return report_organisations(user).get(pk=pk)
