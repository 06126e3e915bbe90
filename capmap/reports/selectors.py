"""Reads of report requests: a person sees only the reports they asked for."""

from django.db.models import QuerySet

from capmap.organisations.models import Organisation
from capmap.people import policy

from .models import ReportRequest, ReportStatus
from .registry import get_kind


def reports_for(user) -> QuerySet[ReportRequest]:
    if not user or not user.is_authenticated:
        return ReportRequest.objects.none()
    return ReportRequest.objects.filter(requested_by=user).select_related("organisation")


def get_report(user, public_id) -> ReportRequest:
    """The user's report, while they may still see its subject (the organisation, or the
    person of a portfolio) under the rule for its kind: a report does not outlive the
    permission it was made under, neither its page nor its file.
    ReportRequest.DoesNotExist otherwise."""
    report = reports_for(user).get(public_id=public_id)
    if not get_kind(report.kind).allows(user, report.organisation, report.parameters):
        raise ReportRequest.DoesNotExist
    return report


def report_organisations(user) -> QuerySet[Organisation]:
    return policy.organisations(user, policy.VIEW_PEOPLE)


def get_report_organisation(user, pk) -> Organisation:
    return report_organisations(user).get(pk=pk)


def ready_reports(user) -> QuerySet[ReportRequest]:
    """The user's reports that are made and not yet expired: ready to download."""
    return reports_for(user).filter(status=ReportStatus.DONE)
