"""A deliberately slow export task, so a test can kill the worker while it runs."""

import time

from django_tasks import task

from capmap.privacy.models import SubjectAccessExport
from capmap.privacy.services import make_export


@task()
def slow_export(export_id: int, steps: int, seconds_a_step: float) -> str:
    for step in range(steps):
        SubjectAccessExport.objects.filter(pk=export_id).update(
            status="running", progress_message=f"Slow step {step + 1} of {steps}"
        )
        time.sleep(seconds_a_step)
    export = make_export(export_id=export_id)
    return export.status if export else "failed"
