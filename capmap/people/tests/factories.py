import datetime

import factory

from capmap.organisations.tests.factories import OrganisationFactory
from capmap.people.models import JobRole, Person, Supervision


def job_role(slug: str = "clinical-pharmacist") -> JobRole:
    """One of the seeded starter roles."""
    return JobRole.objects.get(slug=slug)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.Sequence(lambda n: f"person{n}@example.nhs.uk")
    job_role = factory.LazyFunction(job_role)
    employer = factory.SubFactory(OrganisationFactory)
    start_date = datetime.date(2024, 4, 1)


class SupervisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supervision

    person = factory.SubFactory(PersonFactory)
    supervisor = factory.SubFactory("capmap.accounts.tests.factories.UserFactory")
    starts_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=30))
    ends_on = None


ODS_CODES = {
    "ics": "QMF",
    "pcn_a": "U12345",
    "pcn_b": "U54321",
    "practice_a": "F86001",
    "practice_b": "F86002",
    "trust": "RF4",
}


def tree_with_ods_codes():
    """The organisations tree() builds, each with an ODS code (see ODS_CODES)."""
    from capmap.organisations.tests.factories import tree

    t = tree()
    for attribute, code in ODS_CODES.items():
        organisation = getattr(t, attribute)
        organisation.ods_code = code
        organisation.save(update_fields=["ods_code"])
    return t


def manager_of(organisation, role: str = "manager"):
    from capmap.organisations.tests.factories import MembershipFactory

    return MembershipFactory(organisation=organisation, role=role).user
