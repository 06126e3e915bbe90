"""Background tasks (Django's tasks API): subject access exports."""

from django_tasks import task


@task()
def produce_subject_access_export(export_id: int) -> str:
    from .services import make_export

    export = make_export(export_id=export_id)
    return export.status if export else "failed"
