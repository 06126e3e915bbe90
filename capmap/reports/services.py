"""Asking for a report, making it in the background, and removing it when it expires."""

import logging
from datetime import datetime
from pathlib import Path

from django.db import transaction

from capmap.core import jobs
from capmap.core.actors import set_actor
from capmap.core.exceptions import DomainError, NotPermitted
from capmap.organisations.models import Organisation

from .models import ReportRequest
from .registry import BuildContext, get_kind
from .rendering import RENDERERS

logger = logging.getLogger(__name__)


@transaction.atomic
def request_report(
    *, actor, kind: str, format: str, organisation: Organisation, data: dict | None = None
) -> ReportRequest:
    """Queue a report over an organisation the actor may see; a worker makes the file."""
    from .tasks import produce_report

    report_kind = get_kind(kind)
    if format not in report_kind.formats:
        raise DomainError(f"Choose one of: {', '.join(f.upper() for f in report_kind.formats)}.")
    parameters = report_kind.clean_parameters(data or {})
    if not report_kind.allows(actor, organisation, parameters):
        raise NotPermitted("You cannot make reports about this organisation.")
    with set_actor(actor):
        report = ReportRequest.objects.create(
            kind=kind,
            format=format,
            parameters=parameters,
            requested_by=actor,
            organisation=organisation,
            title=report_kind.label,
            progress_message="Waiting for a worker",
        )
    jobs.enqueue(report, produce_report)
    return report


def make_report(*, report_id: int) -> ReportRequest | None:
    """Build and store the file (see `capmap.core.jobs.run`: started over after a crash,
    left alone once done)."""
    return jobs.run(ReportRequest, report_id, _build, related=("requested_by", "organisation"))


def _build(report: ReportRequest, progress: jobs.Progress, folder: Path) -> jobs.Made:
    kind = get_kind(report.kind)
    # Checked again here: the requester's roles may have changed since they asked.
    if not kind.allows(report.requested_by, report.organisation, report.parameters):
        raise NotPermitted("You no longer have access to this organisation.")
    context = BuildContext(
        user=report.requested_by,
        organisation=report.organisation,
        parameters=report.parameters,
        progress=progress,
    )
    document = kind.build(context)
    progress(85, f"Writing the {report.format.upper()} file")
    content = RENDERERS[report.format](document)
    return jobs.Made(content, report.format, {"title": document.title[:200]})


def prune_expired_reports(*, now: datetime | None = None) -> int:
    """Delete files past their expiry and mark their requests expired. Safe to run twice."""
    return jobs.prune(ReportRequest, now=now)
