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
