"""Recruit or train, with each pathway's gap weighted by the population need behind it."""

import pytest

from capmap.capability.tests.factories import pathway
from capmap.core.actors import SYSTEM
from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory, OrganisationFactory
from capmap.population import selectors, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def halbutt(world):
    """Halbutt Street: diabetes (1,002 patients, one capable person) short of one person;
    heart failure (26 patients, no one capable) short of one, and a heart team that needs
    three people at the same capability, so short of three."""
    tree, _, heart, _, _ = world
    c2 = heart.capabilities.get().competency
    team = pathway("heart-team", [(c2, 3, 3)])
    services.set_pathway_registers(actor=SYSTEM, pathway=team, registers=["HF"])
    practice = tree.practices["F82001"]
    manager = MembershipFactory(organisation=practice, role=Role.MANAGER).user
    return practice, manager


def _titles(gaps):
    return [row.pathway.title for row in gaps.rows]


def test_weighted_by_need_the_pathway_with_most_patients_per_capable_person_comes_first(halbutt):
    practice, manager = halbutt
    gaps = selectors.recruit_or_train(manager, practice)
    assert _titles(gaps) == ["Diabetes care", "Heart team", "Heart failure care"]
    figures = [(r.people_short, r.need.patients, r.need.headcount, r.weighted) for r in gaps.rows]
    # Diabetes: 437 DM + 565 NDH for one capable person; heart failure: 26 HF, no one.
    assert figures == [(1, 1002, 1, 1002), (3, 26, 0, 78), (1, 26, 0, 26)]


def test_without_the_weighting_the_pathway_short_of_most_people_comes_first(halbutt):
    practice, manager = halbutt
    gaps = selectors.recruit_or_train(manager, practice, by_need=False)
    assert _titles(gaps) == ["Heart team", "Diabetes care", "Heart failure care"]


def test_the_need_figure_is_the_need_pages_own(halbutt):
    practice, manager = halbutt
    report = selectors.need_against_capability(manager, practice)
    gaps = selectors.recruit_or_train(manager, practice)
    for row in gaps.rows:
        same = next(r for r in report.rows if r.pathway == row.pathway)
        assert (row.need.patients, row.need.headcount, row.need.fte) == (
            same.patients,
            same.headcount,
            same.fte,
        )


def test_the_page_offers_both_orders(halbutt, client):
    practice, manager = halbutt
    client.force_login(manager)
    url = f"/population/organisations/{practice.pk}/recruit-or-train/"
    page = client.get(url).content.decode()
    assert "Recruit or train, by population need: Halbutt Street Surgery" in page
    assert "weighted by population need" in page
    assert page.index("Diabetes care") < page.index("Heart team")
    assert "1,002" in page
    page = client.get(url, {"order": "gap"}).content.decode()
    assert page.index("Heart team") < page.index("Diabetes care")
    assert "Choose one of the orders listed" in client.get(url, {"order": "x"}).content.decode()


def test_the_need_page_and_the_pathway_list_link_to_it(halbutt, client):
    practice, manager = halbutt
    client.force_login(manager)
    target = f"/population/organisations/{practice.pk}/recruit-or-train/"
    assert target in client.get(f"/population/organisations/{practice.pk}/").content.decode()
    pathways = client.get(f"/capability/organisations/{practice.pk}/pathways/")
    assert target in pathways.content.decode()


def test_another_organisations_user_gets_nothing(halbutt, client):
    practice, _ = halbutt
    outsider = MembershipFactory(organisation=OrganisationFactory(), role=Role.ADMIN).user
    client.force_login(outsider)
    url = f"/population/organisations/{practice.pk}/recruit-or-train/"
    assert client.get(url).status_code == 404
    # A manager of a neighbouring practice in the same PCN sees nothing of this one either.
    tree_neighbour = practice.parent.children.exclude(pk=practice.pk).first()
    neighbour = MembershipFactory(organisation=tree_neighbour, role=Role.MANAGER).user
    client.force_login(neighbour)
    assert client.get(url).status_code == 404
