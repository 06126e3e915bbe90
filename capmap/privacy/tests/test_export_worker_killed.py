"""A worker killed mid-export leaves the export to a second worker (ADR 0004): real
`capmap worker` processes, the first killed with SIGKILL. (The scale-out test does the same
for a report, among two servers and two workers.)"""

import os
import signal

import pytest

from capmap.core.tests.processes import (
    ProcessDatabase,
    capmap,
    environment,
    start_worker,
    wait_for,
)

SETUP = """
import datetime
from capmap.organisations.models import Organisation
from capmap.people.models import JobRole, Person
from capmap.privacy.models import SubjectAccessExport
from capmap.privacy.tests.worker_tasks import slow_export

ics = Organisation.objects.create(name="Test ICS", kind="ics")
ics.path = f"/{ics.pk}/"
ics.save()
role, _ = JobRole.objects.get_or_create(
    name="Clinical pharmacist", defaults={"staff_group": "clinical"}
)
person = Person.objects.create(
    first_name="Priya", last_name="Shah", job_role=role, employer=ics,
    start_date=datetime.date(2020, 1, 1),
)
export = SubjectAccessExport.objects.create(person=person)
result = slow_export.enqueue(export.pk, 8, 0.5)
SubjectAccessExport.objects.filter(pk=export.pk).update(task_id=str(result.id))
print(export.pk)
"""


@pytest.mark.django_db(transaction=True)
def test_an_export_completes_after_its_worker_is_killed_mid_task(tmp_path):
    database = ProcessDatabase(tmp_path)
    env = environment(tmp_path, database)
    export_id = int(capmap(env, "shell", "-c", SETUP).stdout.strip().splitlines()[-1])
    query = "SELECT status, progress_message, file FROM privacy_subjectaccessexport WHERE id = ?"
    first = start_worker(env, tmp_path / "first.log")
    try:
        wait_for(query, (export_id,), database, lambda r: r[1].startswith("Slow step 2"))
    finally:
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
    second = start_worker(env, tmp_path / "second.log")
    try:
        status, _, file = wait_for(
            query, (export_id,), database, lambda r: r[0] in {"done", "failed"}
        )
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)
    assert status == "done", (tmp_path / "second.log").read_text()
    assert (tmp_path / "media" / file).exists()
