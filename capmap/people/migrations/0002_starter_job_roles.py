from django.db import migrations
from django.utils.text import slugify


def add_starter_roles(apps, schema_editor):
    from capmap.people.job_roles import STARTER_JOB_ROLES

    JobRole = apps.get_model("people", "JobRole")
    for name, group, arrs, body in STARTER_JOB_ROLES:
        JobRole.objects.get_or_create(
            slug=slugify(name),
            defaults={"name": name, "staff_group": group, "arrs": arrs, "registration_body": body},
        )


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(add_starter_roles, migrations.RunPython.noop)]
