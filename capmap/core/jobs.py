"""Background jobs that make one file for one person: a report, a subject access export.

One owner for what they share: the state a page shows (status, progress, message), the
task id the worker's recovery puts back in the queue (docs/adr/0004-task-recovery.md),
storing the file, its expiry and its removal. A concrete model inherits `FileJob`, adds
its own `file` field and names the setting that says how many days its files are kept;
the app's service says what to build and who may have it.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from .actors import SYSTEM, set_actor
from .exceptions import DomainError

logger = logging.getLogger(__name__)

Progress = Callable[[int, str], None]


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Expired"


class FileJob(models.Model):
    """What a page shows of a job in the background, and where the worker's task is."""

    # The setting that says how many days a finished file is kept (default 7).
    keep_days_setting: ClassVar[str] = ""

    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    progress_message = models.CharField(max_length=200, blank=True, default="")
    error_message = models.CharField(max_length=300, blank=True, default="")
    # The django-tasks result id, so a task left by a dead worker finds its job again.
    task_id = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    file: models.FileField  # each job names its own folder
    public_id: Any
    requested_by: Any

    class Meta:
        abstract = True

    @property
    def is_finished(self) -> bool:
        return self.status in {JobStatus.DONE, JobStatus.FAILED, JobStatus.EXPIRED}

    @classmethod
    def keep_days(cls) -> int:
        """Days a finished file is kept before it is removed."""
        return int(getattr(settings, cls.keep_days_setting, 7))


Job = TypeVar("Job", bound=FileJob)


@dataclass
class Made:
    """What a job's builder made: the file (bytes, or a file it wrote in the work folder),
    its extension, and other fields of the job to save with it (a report's title)."""

    content: bytes | Path
    extension: str
    fields: dict[str, Any] = field(default_factory=dict)


def job_models() -> list[type[FileJob]]:
    return [m for m in apps.get_models() if issubclass(m, FileJob)]


def enqueue(job: FileJob, task: Any) -> None:
    """Queue the job's task and record its id, which the worker's recovery looks for."""
    result = task.enqueue(job.pk)
    type(job).objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.refresh_from_db()


def set_progress(model: type[FileJob], pk: int, percent: int, message: str) -> None:
    model.objects.filter(pk=pk).update(
        progress=max(0, min(100, percent)), progress_message=message[:200]
    )


def run(
    model: type[Job],
    job_id: int,
    build: Callable[[Job, Progress, Path], Made],
    *,
    related: tuple[str, ...] = (),
) -> Job | None:
    """Build and store the job's file. Run again after a crash it starts over and replaces
    a file an interrupted attempt left; once done (or expired) it does nothing. A failure
    is shown in plain words when it is a DomainError, else as "something went wrong"."""
    job = model.objects.select_related(*related).filter(pk=job_id).first()
    if job is None or job.status in {JobStatus.DONE, JobStatus.EXPIRED}:
        return job
    model.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING,
        started_at=timezone.now(),
        progress=1,
        progress_message="Starting",
        error_message="",
    )
    try:
        with tempfile.TemporaryDirectory() as folder:
            made = build(
                job, lambda percent, text: set_progress(model, job_id, percent, text), Path(folder)
            )
            return _store(job, made)
    except Exception as error:
        logger.exception("%s %s failed", model._meta.verbose_name, job.pk)
        message = (
            str(error) if isinstance(error, DomainError) else "Something went wrong making it."
        )
        model.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            finished_at=timezone.now(),
            error_message=message[:300],
            progress_message="",
        )
        return None


@transaction.atomic
def _store(job: Job, made: Made) -> Job:
    job = type(job).objects.select_for_update().get(pk=job.pk)
    if job.file:
        job.file.delete(save=False)  # an earlier, interrupted attempt
    for name, value in made.fields.items():
        setattr(job, name, value)
    name = f"{job.public_id}.{made.extension}"
    if isinstance(made.content, Path):
        with made.content.open("rb") as handle:
            job.file.save(name, File(handle), save=False)
    else:
        job.file.save(name, ContentFile(made.content), save=False)
    now = timezone.now()
    job.status = JobStatus.DONE
    job.progress = 100
    job.progress_message = "Ready"
    job.finished_at = now
    job.expires_at = now + timedelta(days=job.keep_days())
    with set_actor(job.requested_by or SYSTEM):
        job.save()
    return job


def expired(model: type[FileJob], now: datetime | None = None) -> models.QuerySet:
    """Jobs whose file is past its expiry, and failed jobs older than the files are kept."""
    now = now or timezone.now()
    failed_before = now - timedelta(days=model.keep_days())
    return model.objects.filter(
        Q(status=JobStatus.DONE, expires_at__lte=now)
        | Q(status=JobStatus.FAILED, created_at__lte=failed_before)
    )


def prune(model: type[FileJob], *, now: datetime | None = None, apply: bool = True) -> int:
    """Delete the files of expired jobs and mark them expired; safe to run twice. With
    apply=False, only count them."""
    due = expired(model, now)
    if not apply:
        return due.count()
    count = 0
    for job in due.only("pk", "status", "file").iterator():
        with transaction.atomic():
            if job.file.name:
                job.file.storage.delete(job.file.name)
            count += model.objects.filter(pk=job.pk, status=job.status).update(
                status=JobStatus.EXPIRED, file="", progress_message="Expired"
            )
    return count


def requeue(task_ids: Iterable[str]) -> int:
    """The jobs of tasks the worker put back in the queue go back to "queued", saying why."""
    task_ids = list(task_ids)
    count = 0
    for model in job_models():
        count += model.objects.filter(
            task_id__in=task_ids, status__in=[JobStatus.RUNNING, JobStatus.QUEUED]
        ).update(
            status=JobStatus.QUEUED, progress=0, progress_message="Starting again: a worker stopped"
        )
    return count
