import factory

from capmap.accounts.tests.factories import UserFactory
from capmap.organisations.models import Membership, Organisation, OrganisationKind, Role


class OrganisationFactory(factory.django.DjangoModelFactory):
    """Builds organisations with a correct materialised path (as the services do)."""

    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.ICS
    parent = None

    class Params:
        pcn = factory.Trait(kind=OrganisationKind.PCN)
        practice = factory.Trait(kind=OrganisationKind.PRACTICE)
        trust = factory.Trait(kind=OrganisationKind.TRUST)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        organisation = model_class(*args, **kwargs)
        organisation.save()
        parent = organisation.parent
        organisation.path = f"{parent.path if parent else '/'}{organisation.pk}/"
        organisation.save(update_fields=["path"])
        return organisation


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.VIEWER


def tree():
    """A small ICS: two PCNs with a practice each, and a trust. Returns a namespace."""
    from types import SimpleNamespace

    ics = OrganisationFactory(name="North East Test ICS")
    pcn_a = OrganisationFactory(name="Riverside PCN", kind=OrganisationKind.PCN, parent=ics)
    pcn_b = OrganisationFactory(name="Hillside PCN", kind=OrganisationKind.PCN, parent=ics)
    practice_a = OrganisationFactory(
        name="Riverside Surgery", kind=OrganisationKind.PRACTICE, parent=pcn_a
    )
    practice_b = OrganisationFactory(
        name="Hillside Medical Centre", kind=OrganisationKind.PRACTICE, parent=pcn_b
    )
    trust = OrganisationFactory(name="Eastbrook Hospitals", kind=OrganisationKind.TRUST, parent=ics)
    return SimpleNamespace(
        ics=ics,
        pcn_a=pcn_a,
        pcn_b=pcn_b,
        practice_a=practice_a,
        practice_b=practice_b,
        trust=trust,
    )
