"""The demo's capability data: verified levels, a catalogue and Maya's proposed plan."""

import pytest

from capmap.capability import selectors
from capmap.demo.story import HOME_PCN, load_demo_story
from capmap.development.demo import load_demo_development
from capmap.development.models import DevelopmentPlan, TrainingItem
from capmap.organisations.models import Membership, Organisation

pytestmark = pytest.mark.django_db


def test_demo_development_gives_samirs_pcn_a_heatmap_gaps_and_a_plan():
    load_demo_story()
    assert load_demo_development() is True
    assert load_demo_development() is False  # idempotent
    pcn = Organisation.objects.get(name=HOME_PCN)
    manager = Membership.objects.get(organisation=pcn, role="manager").user
    heatmap = selectors.team_heatmap(manager, pcn)
    assert heatmap.rows and heatmap.competencies
    assert selectors.training_needs(manager, pcn)
    plan = DevelopmentPlan.objects.get(person__first_name="Maya")
    assert plan.objectives.count() == 3
    assert TrainingItem.objects.filter(competencies__isnull=False).exists()


def verified_levels() -> set[tuple[str, str, int]]:
    from capmap.assessments.models import CurrentCapability

    return set(CurrentCapability.objects.values_list("person__email", "competency__code", "level"))


@pytest.mark.django_db(transaction=True)
def test_the_demo_shows_the_same_levels_whatever_keys_the_database_hands_out():
    """PostgreSQL never reuses a key after a flush, SQLite does: the demo (and every test
    that reads Maya's map) must not depend on which."""
    from django.core.management import call_command

    from capmap.people.tests.factories import PersonFactory
    from conftest import reseed_reference_data

    load_demo_story()
    load_demo_development()
    first = verified_levels()
    call_command("flush", interactive=False, verbosity=0)
    reseed_reference_data()
    PersonFactory.create_batch(5)  # every demo person's key moves on by at least five
    load_demo_story()
    load_demo_development()
    assert verified_levels() == first
