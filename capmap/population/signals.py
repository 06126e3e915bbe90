"""Starter pathways come linked to their QOF registers, whenever the starter library
loads them (the frameworks app sits below this one, so it cannot do it itself)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from capmap.frameworks.models import CarePathway

from .models import PathwayRegister
from .starter import STARTER_PATHWAY_REGISTERS


@receiver(post_save, sender=CarePathway, dispatch_uid="population_link_starter_pathway")
def link_starter_pathway(sender, instance: CarePathway, created: bool, raw: bool = False, **kwargs):
    if not created or raw or instance.owner_id is not None:
        return
    registers = STARTER_PATHWAY_REGISTERS.get(instance.slug, ())
    PathwayRegister.objects.bulk_create(
        [PathwayRegister(pathway=instance, register=code) for code in registers],
        ignore_conflicts=True,
    )
