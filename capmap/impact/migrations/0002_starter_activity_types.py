from decimal import Decimal

from django.db import migrations


def add_starter_activity_types(apps, schema_editor):
    from capmap.impact.activity_types import STARTER_ACTIVITY_TYPES

    JobRole = apps.get_model("people", "JobRole")
    ActivityType = apps.get_model("impact", "ActivityType")
    for role_slug, types in STARTER_ACTIVITY_TYPES.items():
        role = JobRole.objects.filter(slug=role_slug).first()
        if role is None:
            continue
        for order, (slug, name, unit, better, per_unit, estimate, description) in enumerate(types):
            ActivityType.objects.get_or_create(
                job_role=role,
                slug=slug,
                defaults={
                    "name": name,
                    "unit": unit,
                    "better": better,
                    "gp_appointments_per_unit": Decimal(per_unit),
                    "is_estimate": estimate,
                    "description": description,
                    "order": order,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("impact", "0001_initial")]
    operations = [migrations.RunPython(add_starter_activity_types, migrations.RunPython.noop)]
