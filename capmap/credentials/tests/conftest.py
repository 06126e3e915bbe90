import pytest

from capmap.assessments.tests.factories import world


@pytest.fixture
def w(db, settings):
    settings.CAPMAP_BASE_URL = "https://capmap.example.nhs.uk"
    return world()
