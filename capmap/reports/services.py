"""Asking for a report, making it in the background, and removing it when it expires."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from capmap.core.actors import set_actor
from capmap.core.exceptions import DomainError, NotPermitted
from capmap.organisations.models import Organisation

from .models import ReportRequest, ReportStatus
from .registry import BuildContext, get_kind
from .rendering import RENDERERS

logger = logging.getLogger(__name__)


def retention_days() -> int:
    return int(getattr(settings, "CAPMAP_REPORT_RETENTION_DAYS", 7))


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
    result = produce_report.enqueue(report.pk)
    ReportRequest.objects.filter(pk=report.pk).update(task_id=str(result.id))
    report.refresh_from_db()
    return report


def _set_progress(report_id: int, percent: int, message: str) -> None:
    ReportRequest.objects.filter(pk=report_id).update(
        progress=max(0, min(100, percent)), progress_message=message[:200]
    )


def make_report(*, report_id: int) -> ReportRequest | None:
    """Build and store the file. Run again after a crash, it starts over; once done, it stops."""
    report = (
        ReportRequest.objects.select_related("requested_by", "organisation")
        .filter(pk=report_id)
        .first()
    )
    if report is None or report.status in {ReportStatus.DONE, ReportStatus.EXPIRED}:
        return report
    ReportRequest.objects.filter(pk=report.pk).update(
        status=ReportStatus.RUNNING,
        started_at=timezone.now(),
        progress=1,
        progress_message="Starting",
        error_message="",
    )
    kind = get_kind(report.kind)
    user = report.requested_by
    try:
        # Checked again here: the requester's roles may have changed since they asked.
        if not kind.allows(user, report.organisation, report.parameters):
            raise NotPermitted("You no longer have access to this organisation.")
        context = BuildContext(
            user=user,
            organisation=report.organisation,
            parameters=report.parameters,
            progress=lambda percent, message: _set_progress(report.pk, percent, message),
        )
        document = kind.build(context)
        _set_progress(report.pk, 85, f"Writing the {report.format.upper()} file")
        content = RENDERERS[report.format](document)
    except Exception as error:
        logger.exception("Report %s failed", report.pk)
        message = (
            str(error) if isinstance(error, DomainError) else "Something went wrong making it."
        )
        ReportRequest.objects.filter(pk=report.pk).update(
            status=ReportStatus.FAILED,
            finished_at=timezone.now(),
            error_message=message[:300],
            progress_message="",
        )
        return None
    return _store(report, document.title, content)


@transaction.atomic
def _store(report: ReportRequest, title: str, content: bytes) -> ReportRequest:
    report = ReportRequest.objects.select_for_update().get(pk=report.pk)
    if report.file:
        report.file.delete(save=False)  # an earlier, interrupted attempt
    report.title = title[:200]
    report.file.save(f"{report.public_id}.{report.format}", ContentFile(content), save=False)
    now = timezone.now()
    report.status = ReportStatus.DONE
    report.progress = 100
    report.progress_message = "Ready"
    report.finished_at = now
    report.expires_at = now + timedelta(days=retention_days())
    with set_actor(report.requested_by):
        report.save()
    return report


def prune_expired_reports(*, now: datetime | None = None) -> int:
    """Delete files past their expiry and mark their requests expired. Safe to run twice."""
    now = now or timezone.now()
    cutoff_failed = now - timedelta(days=retention_days())
    expired = 0
    done = ReportRequest.objects.filter(status=ReportStatus.DONE, expires_at__lte=now)
    for report in done.iterator():
        with transaction.atomic():
            if report.file.name:
                report.file.storage.delete(report.file.name)
            ReportRequest.objects.filter(pk=report.pk, status=ReportStatus.DONE).update(
                status=ReportStatus.EXPIRED, file="", progress_message="Expired"
            )
        expired += 1
    expired += ReportRequest.objects.filter(
        status=ReportStatus.FAILED, created_at__lte=cutoff_failed
    ).update(status=ReportStatus.EXPIRED)
    return expired
