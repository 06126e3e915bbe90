"""An export whose worker died is put back in the queue like a report (ADR 0004): the
export records its task id, the worker's recovery finds it, and running it again makes
the ZIP once, replacing nothing but what the dead attempt left."""

from datetime import timedelta

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from capmap.privacy import services
from capmap.privacy.models import ExportStatus, SubjectAccessExport
from capmap.reports.worker import requeue_abandoned_tasks


def test_an_export_records_the_task_that_makes_it(p):
    export = services.request_export(actor=p.ics_admin, person=p.pharmacist)
    assert export.task_id
    assert export.status == ExportStatus.DONE and export.started_at is not None


def test_an_export_held_by_a_dead_worker_goes_back_in_the_queue_and_is_made_once(p):
    long_ago = timezone.now() - timedelta(minutes=10)
    task = DBTaskResult.objects.create(
        status="RUNNING",
        started_at=long_ago,
        args_kwargs={"args": [0], "kwargs": {}},
        task_path="capmap.privacy.tasks.produce_subject_access_export",
        worker_ids=["a-worker-that-died"],
        backend_name="default",
        run_after=long_ago,
    )
    export = SubjectAccessExport.objects.create(
        person=p.pharmacist,
        requested_by=p.ics_admin,
        status=ExportStatus.RUNNING,
        progress=40,
        progress_message="Collecting assessments",
        task_id=str(task.pk),
    )

    assert requeue_abandoned_tasks(lease_seconds=60) == [str(task.pk)]

    export.refresh_from_db()
    assert export.status == ExportStatus.QUEUED
    assert export.progress_message == "Starting again: a worker stopped"
    task.refresh_from_db()
    assert task.status == "READY"
    made = services.make_export(export_id=export.pk)
    assert made is not None and made.status == ExportStatus.DONE and made.size_bytes > 0
    name = made.file.name
    assert services.make_export(export_id=export.pk).file.name == name  # done: left alone


def test_a_live_workers_export_is_left_alone(p):
    export = SubjectAccessExport.objects.create(
        person=p.pharmacist, requested_by=p.ics_admin, status=ExportStatus.RUNNING, task_id="x"
    )
    DBTaskResult.objects.create(
        status="RUNNING",
        started_at=timezone.now(),
        args_kwargs={"args": [export.pk], "kwargs": {}},
        task_path="capmap.privacy.tasks.produce_subject_access_export",
        backend_name="default",
        run_after=timezone.now(),
    )
    assert requeue_abandoned_tasks(lease_seconds=60) == []
    export.refresh_from_db()
    assert export.status == ExportStatus.RUNNING
