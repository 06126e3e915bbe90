"""The pharmacist's "GP appointments released" activity becomes "Consultations instead of a GP
appointment": the old name was also the dashboard's total, so people read it twice."""

from django.db import migrations

OLD_NAME = "GP appointments released"
NEW_NAME = "Consultations instead of a GP appointment"
NEW_DESCRIPTION = (
    "Patients seen who would otherwise have needed a GP appointment. Do not count here a "
    "consultation already recorded as another activity, such as a structured medication review."
)


def rename(apps, schema_editor):
    ActivityType = apps.get_model("impact", "ActivityType")
    ActivityType.objects.filter(name=OLD_NAME).update(name=NEW_NAME, description=NEW_DESCRIPTION)


def rename_back(apps, schema_editor):
    ActivityType = apps.get_model("impact", "ActivityType")
    ActivityType.objects.filter(name=NEW_NAME).update(name=OLD_NAME)


class Migration(migrations.Migration):
    dependencies = [("impact", "0002_starter_activity_types")]
    operations = [migrations.RunPython(rename, rename_back)]
