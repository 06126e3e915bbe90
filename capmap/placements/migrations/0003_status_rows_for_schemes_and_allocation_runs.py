"""Schemes and allocation runs keep their state only as append-only status rows.

`Scheme.status` and `AllocationRun.confirmed_at`/`confirmed_by` were mutable copies of the
state. Before they go, every existing state is carried over as a row: a scheme whose
latest status change disagrees with its field gets one row with the field's value, and
each run gets a "previewed" row (when it was run), then "confirmed" (when and by whom it
was confirmed) or, when another run of its scheme was confirmed, "discarded".
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

CARRIED = "Carried over when status rows replaced the status field."


def carry_states_over(apps, schema_editor):
    Scheme = apps.get_model("placements", "Scheme")
    SchemeStatusChange = apps.get_model("placements", "SchemeStatusChange")
    AllocationRun = apps.get_model("placements", "AllocationRun")
    AllocationRunStatus = apps.get_model("placements", "AllocationRunStatus")

    for scheme in Scheme.objects.order_by("pk"):
        latest = SchemeStatusChange.objects.filter(scheme=scheme).order_by("-at", "-pk").first()
        if latest is None or latest.status != scheme.status:
            at = scheme.updated_at if latest is None else max(scheme.updated_at, latest.at)
            SchemeStatusChange.objects.create(
                scheme=scheme, status=scheme.status, at=at, comment=CARRIED
            )

    confirmed = dict(
        AllocationRun.objects.filter(confirmed_at__isnull=False).values_list(
            "scheme_id", "confirmed_at"
        )
    )
    rows = []
    for run in AllocationRun.objects.order_by("created_at", "pk"):
        rows.append(
            AllocationRunStatus(run=run, status="previewed", actor_id=run.run_by_id, at=run.created_at)
        )
        if run.confirmed_at is not None:
            rows.append(
                AllocationRunStatus(
                    run=run,
                    status="confirmed",
                    actor_id=run.confirmed_by_id,
                    at=max(run.confirmed_at, run.created_at),
                )
            )
        elif run.scheme_id in confirmed:
            at = max(confirmed[run.scheme_id], run.created_at)
            rows.append(AllocationRunStatus(run=run, status="discarded", at=at, comment=CARRIED))
    AllocationRunStatus.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("placements", "0002_feedback_and_outcomes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("schemestatuschange", "changed_by", "actor"),
        migrations.RenameField("schemestatuschange", "changed_at", "at"),
        migrations.AlterField(
            model_name="schemestatuschange",
            name="actor",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="schemestatuschange",
            name="at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="schemestatuschange",
            name="comment",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.AlterField(
            model_name="schemestatuschange",
            name="scheme",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="statuses",
                to="placements.scheme",
            ),
        ),
        migrations.AlterModelOptions(
            name="schemestatuschange",
            options={"ordering": ["scheme", "at", "pk"]},
        ),
        migrations.CreateModel(
            name="AllocationRunStatus",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                ("comment", models.TextField(blank=True, default="")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("previewed", "Preview"),
                            ("confirmed", "Confirmed"),
                            ("discarded", "Replaced by a later run"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "actor",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "run",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="statuses",
                        to="placements.allocationrun",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "allocation run statuses",
                "ordering": ["run", "at", "pk"],
            },
        ),
        migrations.RunPython(carry_states_over, migrations.RunPython.noop),
        migrations.RemoveField(model_name="allocationrun", name="confirmed_at"),
        migrations.RemoveField(model_name="allocationrun", name="confirmed_by"),
        migrations.RemoveField(model_name="scheme", name="status"),
    ]
