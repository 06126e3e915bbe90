from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _install_data_version(sender, using: str = "default", **kwargs) -> None:
    """After every migrate (and flush): put back any trigger a table rebuild lost, and
    renew the epoch so no cached aggregate outlives a restore or an upgrade; after a
    flush, no held-level counts without current levels."""
    from django.db import connections

    from . import data_version, held_levels

    data_version.install(connections[using])
    held_levels.install(connections[using])
    held_levels.clear_if_no_levels(connections[using])


class CapabilityConfig(AppConfig):
    name = "capmap.capability"
    label = "capability"
    verbose_name = "Capability maps"

    def ready(self) -> None:
        post_migrate.connect(_install_data_version, sender=self)
