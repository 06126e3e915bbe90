"""The data version's counters and the triggers that move it (capability.data_version)."""

from django.db import migrations


def install(apps, schema_editor):
    from capmap.capability import data_version

    data_version.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from capmap.capability import data_version

    data_version.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0005_level_verified_elsewhere_and_withdrawals"),
        ("frameworks", "0001_initial"),
        ("organisations", "0002_ods_postcode_dates_commissioner"),
        ("people", "0005_fte_from_0_01_to_1_5"),
    ]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
