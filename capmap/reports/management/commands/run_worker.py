"""`capmap worker`: django-tasks-db's worker plus a heartbeat that rescues dead workers' tasks."""

import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from capmap.reports import worker


class Heartbeat(threading.Thread):
    def __init__(self, worker_id: str, every: float, lease: float):
        super().__init__(name="capmap-heartbeat", daemon=True)
        self.worker_id, self.every, self.lease = worker_id, every, lease
        self.stopped = threading.Event()

    def tick(self) -> None:
        close_old_connections()
        worker.beat(self.worker_id)
        worker.requeue_abandoned_tasks(lease_seconds=self.lease)

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.every):
                try:
                    self.tick()
                except Exception:  # a locked database now and then must not stop the heart
                    worker.logger.exception("Heartbeat of worker %s failed", self.worker_id)
        finally:
            connection.close()


class Command(DatabaseWorkerCommand):
    help = (
        "Run a background task worker. It records a heartbeat, and puts back in the queue "
        "tasks left running by a worker that died."
    )

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--heartbeat",
            type=float,
            default=getattr(settings, "CAPMAP_WORKER_HEARTBEAT_SECONDS", 10),
            help="Seconds between heartbeats (default: %(default)s).",
        )
        parser.add_argument(
            "--lease",
            type=float,
            default=getattr(settings, "CAPMAP_WORKER_LEASE_SECONDS", 60),
            help="A worker silent this many seconds is taken for dead (default: %(default)s).",
        )

    def handle(self, *args, heartbeat: float, lease: float, **options) -> None:
        worker_id = options["worker_id"]
        heart = Heartbeat(worker_id, heartbeat, lease)
        heart.tick()  # before the first task: rescue what an earlier crash left behind
        heart.start()
        try:
            super().handle(*args, **options)
        finally:
            heart.stopped.set()
            heart.join(timeout=heartbeat + 5)
            worker.forget(worker_id)
