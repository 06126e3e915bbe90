"""Keep background tasks from being lost when a worker dies (see docs/adr/0004-task-recovery.md).

django-tasks-db marks a task RUNNING when a worker claims it and never looks at it
again if that worker is killed. Each `capmap worker` therefore records a heartbeat;
any worker puts back in the queue a RUNNING task whose worker has stopped beating.
"""

import logging
import os
import socket
from datetime import timedelta

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from capmap.core import jobs

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)
RUNNING = "RUNNING"
READY = "READY"


def beat(worker_id: str) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "last_seen": timezone.now(),
            "hostname": socket.gethostname(),
            "pid": os.getpid(),
        },
    )


def forget(worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def requeue_abandoned_tasks(*, lease_seconds: float, now=None) -> list[str]:
    """Put back RUNNING tasks whose worker has not beaten for `lease_seconds`; returns their ids.

    A worker with no heartbeat at all (an older worker, or `db_worker` run directly) is
    judged by when it started the task instead.
    """
    now = now or timezone.now()
    stale = now - timedelta(seconds=lease_seconds)
    alive = set(
        WorkerHeartbeat.objects.filter(last_seen__gt=stale).values_list("worker_id", flat=True)
    )
    requeued = []
    for task in DBTaskResult.objects.filter(status=RUNNING).only("id", "worker_ids", "started_at"):
        worker = task.worker_ids[-1] if task.worker_ids else None
        known = WorkerHeartbeat.objects.filter(worker_id=worker).exists() if worker else False
        if worker in alive or (not known and task.started_at and task.started_at > stale):
            continue
        # Only if nothing changed since we looked: another worker may be putting it back too.
        changed = DBTaskResult.objects.filter(
            pk=task.pk, status=RUNNING, started_at=task.started_at
        ).update(status=READY, started_at=None)
        if changed:
            requeued.append(str(task.pk))
            logger.warning(
                "Task %s was held by worker %s, which stopped: queued again.", task.pk, worker
            )
    if requeued:
        jobs.requeue(requeued)  # the report or export behind each goes back to "queued"
    WorkerHeartbeat.objects.filter(last_seen__lt=now - timedelta(days=1)).delete()
    return requeued
