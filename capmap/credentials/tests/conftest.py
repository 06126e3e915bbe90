import pytest

from capmap.assessments.tests.factories import world
from capmap.credentials import services

from .helpers import signed_off


@pytest.fixture
def w(db, settings):
    settings.CAPMAP_BASE_URL = "https://capmap.example.nhs.uk"
    return world()


@pytest.fixture
def credential(w):
    """MED.1 at level 3, signed by the pharmacist's practice (the 'previous employer')."""
    return services.issue_credential(actor=w.pharmacist_user, event=signed_off(w))
