"""The demo's capability data: verified levels, a catalogue and Maya's proposed plan."""

import pytest

from capmap.capability import selectors
from capmap.demo.story import load_demo_story
from capmap.development.demo import load_demo_development
from capmap.development.models import DevelopmentPlan, TrainingItem
from capmap.organisations.models import Membership, Organisation

pytestmark = pytest.mark.django_db


def test_demo_development_gives_leaside_a_heatmap_gaps_and_a_plan():
    load_demo_story()
    assert load_demo_development() is True
    assert load_demo_development() is False  # idempotent
    leaside = Organisation.objects.get(name="Leaside PCN")
    manager = Membership.objects.get(organisation=leaside, role="manager").user
    heatmap = selectors.team_heatmap(manager, leaside)
    assert heatmap.rows and heatmap.competencies
    assert selectors.training_needs(manager, leaside)
    plan = DevelopmentPlan.objects.get(person__first_name="Maya")
    assert plan.objectives.count() == 3
    assert TrainingItem.objects.filter(competencies__isnull=False).exists()
