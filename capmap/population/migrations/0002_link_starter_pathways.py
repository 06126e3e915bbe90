"""Link the starter care pathways already in the database to the QOF registers they serve.

Pathways loaded later are linked as they are created (capmap/population/signals.py).
The mapping is copied here so this migration keeps doing what it did when written.
"""

from django.db import migrations

STARTER = {
    "type-2-diabetes-mdt": ("DM", "NDH"),
    "heart-failure-mdt": ("HF",),
    "respiratory-mdt": ("AST", "COPD"),
    "hypertension-mdt": ("HYP",),
    "atrial-fibrillation-mdt": ("AF",),
    "chronic-kidney-disease-mdt": ("CKD",),
    "mental-health-mdt": ("MH", "DEP"),
}


def link(apps, schema_editor):
    CarePathway = apps.get_model("frameworks", "CarePathway")
    PathwayRegister = apps.get_model("population", "PathwayRegister")
    for pathway in CarePathway.objects.filter(slug__in=STARTER, owner__isnull=True):
        PathwayRegister.objects.bulk_create(
            [PathwayRegister(pathway=pathway, register=code) for code in STARTER[pathway.slug]],
            ignore_conflicts=True,
        )


class Migration(migrations.Migration):
    dependencies = [("population", "0001_initial"), ("frameworks", "0001_initial")]

    operations = [migrations.RunPython(link, migrations.RunPython.noop)]
