"""The competency rule reads each applicant's current verified level from assessments."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from capmap.assessments.models import CapabilityEvent, CurrentCapability
from capmap.core.exceptions import DomainError
from capmap.frameworks.models import Competency
from capmap.frameworks.tests.factories import framework, small_package
from capmap.placements import allocation, selectors, services
from capmap.placements.models import EligibilityKind, SchemeStatus
from capmap.placements.tests.factories import scheme_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    s = scheme_story()
    s.competency = Competency.objects.filter(version__framework=framework()).first()
    services.add_eligibility_rule(
        actor=s.lead,
        scheme=s.scheme,
        kind=EligibilityKind.COMPETENCY_LEVEL,
        placement=s.respiratory,
        competency=s.competency,
        minimum_level=2,
    )
    return s


def signed_off(s, person, level: int, competency=None) -> None:
    """A current verified level, as a sign-off in assessments records it."""
    competency = competency or s.competency
    now = timezone.now()
    event = CapabilityEvent.objects.create(
        person=person, competency=competency, level=level, valid_from=now, signed_by=s.mentor
    )
    CurrentCapability.objects.create(
        person=person,
        competency=competency,
        level=level,
        signed_by=s.mentor,
        signed_at=now,
        event=event,
    )


def apply(s, person, placements):
    return services.submit_application(
        actor=person.user, scheme=s.scheme, statement="Keen", placements=placements
    )


def test_applicant_signed_off_at_the_minimum_level_is_eligible(s):
    signed_off(s, s.alice, 2)
    assert s.respiratory in selectors.eligible_placements(s.scheme, s.alice)
    application = apply(s, s.alice, [s.respiratory])
    assert application.preferences.get().placement == s.respiratory


def test_applicant_signed_off_above_the_minimum_level_is_eligible(s):
    signed_off(s, s.alice, 3)
    assert s.respiratory in selectors.eligible_placements(s.scheme, s.alice)


def test_applicant_below_the_minimum_level_is_refused_with_the_rules_reason(s):
    signed_off(s, s.alice, 1)
    assert selectors.eligible_placements(s.scheme, s.alice) == [s.paediatrics]
    with pytest.raises(DomainError) as refused:
        apply(s, s.alice, [s.respiratory])
    assert "not eligible for Respiratory clinic" in str(refused.value)
    assert f"Open to applicants verified at level 2 or above in {s.competency.title}." in str(
        refused.value
    )


def test_applicant_without_the_competency_signed_off_is_not_eligible(s):
    other_framework = framework(slug="other-framework", package=small_package("d2"))
    other = Competency.objects.get(version__framework=other_framework)
    signed_off(s, s.alice, 4, competency=other)
    assert s.respiratory not in selectors.eligible_placements(s.scheme, s.alice)
    with pytest.raises(DomainError, match="verified at level 2 or above"):
        apply(s, s.alice, [s.respiratory])


def test_apply_page_does_not_offer_a_placement_the_applicant_is_below_the_level_for(client, s):
    signed_off(s, s.alice, 1)
    client.force_login(s.alice.user)
    page = client.get(reverse("placements:apply", args=[s.scheme.pk])).content.decode()
    assert "1st choice" in page
    assert "Respiratory clinic" not in page


def test_apply_page_offers_the_placement_once_the_level_is_signed_off(client, s):
    signed_off(s, s.alice, 2)
    client.force_login(s.alice.user)
    page = client.get(reverse("placements:apply", args=[s.scheme.pk])).content.decode()
    assert "Respiratory clinic" in page


def test_allocation_treats_an_applicant_below_the_level_as_ineligible(s):
    signed_off(s, s.alice, 3)
    signed_off(s, s.bola, 2)
    alice = apply(s, s.alice, [s.respiratory])
    bola = apply(s, s.bola, [s.respiratory])
    services.confirm_release(actor=s.manager_a, application=alice)
    services.confirm_release(actor=s.manager_b, application=bola)
    # Bola's level is revised below the minimum after she applied.
    CurrentCapability.objects.filter(person=s.bola).update(level=1)
    services.change_status(actor=s.lead, scheme=s.scheme, status=SchemeStatus.ALLOCATING)
    instance = allocation.instance_for(s.scheme)
    priority = {p["id"]: p["priority"] for p in instance["placements"]}
    assert priority[f"p{s.respiratory.pk}"] == [f"a{alice.pk}"]
    assert sorted(priority[f"p{s.paediatrics.pk}"]) == sorted([f"a{alice.pk}", f"a{bola.pk}"])
    run = services.run_allocation(actor=s.lead, scheme=s.scheme, algorithm="stable")
    assert run.result["assignments"][f"a{alice.pk}"] == f"p{s.respiratory.pk}"
    assert run.result["assignments"].get(f"a{bola.pk}") is None


def test_levels_of_all_applicants_are_read_in_one_query(s):
    signed_off(s, s.alice, 2)
    signed_off(s, s.bola, 1)
    people = [s.alice, s.bola]
    with CaptureQueriesContext(connection) as few:
        selectors.applicant_facts(s.scheme, people[:1])
    with CaptureQueriesContext(connection) as many:
        facts = selectors.applicant_facts(s.scheme, people)
    assert len(many) == len(few)
    capability_queries = [q for q in many if "assessments_currentcapability" in q["sql"]]
    assert len(capability_queries) == 1
    assert facts[s.alice.pk].competency_levels == {s.competency.pk: 2}
    assert facts[s.bola.pk].competency_levels == {s.competency.pk: 1}


def test_another_ics_sees_no_levels_through_the_apply_page(client, s):
    signed_off(s, s.alice, 2)
    client.force_login(s.other)
    response = client.get(reverse("placements:apply", args=[s.scheme.pk]))
    assert response.status_code == 404
