"""Background tasks (Django's tasks API): the immediate backend in demo and tests, the
database backend with `capmap worker` in production."""

from django_tasks import task


@task()
def produce_report(report_id: int) -> str:
    from .services import make_report

    report = make_report(report_id=report_id)
    return report.status if report else "failed"
