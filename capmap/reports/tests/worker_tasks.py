"""A deliberately slow report task, so a test can kill the worker while it runs."""

import time

from django_tasks import task

from capmap.reports.models import ReportRequest
from capmap.reports.services import make_report


@task()
def slow_report(report_id: int, steps: int, seconds_a_step: float) -> str:
    for step in range(steps):
        ReportRequest.objects.filter(pk=report_id).update(
            status="running", progress_message=f"Slow step {step + 1} of {steps}"
        )
        time.sleep(seconds_a_step)
    report = make_report(report_id=report_id)
    return report.status if report else "failed"
