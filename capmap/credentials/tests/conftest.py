import ipaddress

import pytest

from capmap.assessments.tests.factories import world
from capmap.core import fetching
from capmap.credentials import services
from capmap.people.tests.factories import PersonFactory

from .helpers import signed_off


@pytest.fixture(autouse=True)
def _no_look_ups_outside_this_machine(monkeypatch):
    """The suite never reaches the internet: only an address written as such and not
    public resolves (a test's own local site, or one the fetcher must refuse); any name
    or public address is "not found"."""

    def resolve(url, host, port, limits):
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            address = None
        if address is None or not fetching.why_not_public(address):
            raise fetching.FetchRefused(
                f"The name in {url} could not be found, so it was not fetched."
            )
        return [address]

    monkeypatch.setattr(fetching, "_resolve", resolve)


@pytest.fixture
def w(db, settings):
    settings.CAPMAP_BASE_URL = "https://capmap.example.nhs.uk"
    return world()


@pytest.fixture
def credential(w):
    """MED.1 at level 3, signed by the pharmacist's practice (the 'previous employer')."""
    return services.issue_credential(actor=w.pharmacist_user, event=signed_off(w))


@pytest.fixture
def newcomer(w):
    """A pharmacist who has just joined a practice of the PCN, with no verified levels."""
    return PersonFactory(
        first_name="Nia",
        last_name="Okafor",
        employer=w.orgs.practice_a,
        job_role=w.pharmacist.job_role,
        stage="junior",
    )
