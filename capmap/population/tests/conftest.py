"""The need world shared by the population tests: NEL practices with QOF figures, two
pathways linked to registers and a few people verified at Halbutt Street and Barking."""

import pytest

from capmap.capability.tests.factories import capability_framework, pathway, verify
from capmap.core.actors import SYSTEM
from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory
from capmap.people.tests.factories import PersonFactory
from capmap.population import services

from .factories import PREVALENCE_2223, PREVALENCE_2425, nel_tree


@pytest.fixture
def world():
    return need_world()


def need_world():
    tree = nel_tree()
    for path, year in ((PREVALENCE_2425, "2024-25"), (PREVALENCE_2223, "2022-23")):
        services.import_population(actor=SYSTEM, content=path.read_bytes(), year=year)
    core = capability_framework()
    c1, c2 = core.competencies[:2]
    diabetes = pathway("diabetes-care", [(c1, 3, 1), (c2, 2, 1)])
    services.set_pathway_registers(actor=SYSTEM, pathway=diabetes, registers=["DM", "NDH"])
    heart = pathway("heart-failure-care", [(c2, 3, 1)])
    services.set_pathway_registers(actor=SYSTEM, pathway=heart, registers=["HF"])
    halbutt, barking = tree.practices["F82001"], tree.practices["F82018"]
    # Halbutt Street: one pharmacist at level 3 in c1 (capable for diabetes), half time.
    verify(PersonFactory(employer=halbutt, fte="0.50"), c1, 3)
    # Barking Medical Group: two capable for diabetes, one of them for heart failure too.
    verify(PersonFactory(employer=barking), c1, 3)
    verify(both := PersonFactory(employer=barking, fte="0.80"), c2, 3)
    # Below the minimum: not capable.
    verify(PersonFactory(employer=barking), c1, 2)
    viewer = MembershipFactory(organisation=tree.icb, role=Role.VIEWER).user
    return tree, diabetes, heart, viewer, both
