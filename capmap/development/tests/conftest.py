"""The development tests' shared story: a pharmacist with gaps, their supervisor and managers."""

import pytest

from capmap.accounts.tests.factories import UserFactory
from capmap.capability.tests.factories import capability_framework, role_profile, verify
from capmap.development.tests.factories import TrainingItemFactory
from capmap.organisations.tests.factories import tree
from capmap.people.tests.factories import PersonFactory, SupervisionFactory, job_role, manager_of


@pytest.fixture
def story():
    t = tree()
    fw = capability_framework()
    c = fw.competencies
    pharmacist = job_role("clinical-pharmacist")
    role_profile(fw.version, pharmacist, stage="junior", level=2, desirable=(c[5],))
    user = UserFactory()
    ours = PersonFactory(employer=t.practice_a, job_role=pharmacist, stage="junior", user=user)
    theirs = PersonFactory(employer=t.practice_b, job_role=pharmacist, stage="junior")
    verify(ours, c[0], 2)
    verify(ours, c[1], 1)
    course = TrainingItemFactory(title="Minor illness course", competencies=[c[1]])
    supervisor = UserFactory()
    SupervisionFactory(person=ours, supervisor=supervisor)
    manager = manager_of(t.pcn_a)
    outsider = manager_of(t.pcn_b)
    return locals()
