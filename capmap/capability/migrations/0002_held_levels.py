"""The held-level counts and the triggers that keep them (capability.held_levels), counted
once from the current levels already there."""

from django.db import migrations


def install(apps, schema_editor):
    from capmap.capability import data_version, held_levels

    # The counts write under the data version's slot function, which this release adds.
    data_version.install(schema_editor.connection)
    held_levels.install(schema_editor.connection)
    held_levels.rebuild(schema_editor.connection)


def uninstall(apps, schema_editor):
    from capmap.capability import held_levels

    held_levels.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("capability", "0001_data_version"),
        ("assessments", "0006_fewer_history_indexes"),
    ]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
