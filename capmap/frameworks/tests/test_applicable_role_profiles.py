"""Which role profiles apply to a person: the one rule every app reads."""

import pytest

from capmap.frameworks.models import Framework, FrameworkVersion, RoleProfile, VersionStatus
from capmap.frameworks.selectors import ApplicableRoleProfiles, applicable_role_profiles
from capmap.organisations.tests.factories import OrganisationFactory, tree
from capmap.people.tests.factories import PersonFactory, job_role

pytestmark = pytest.mark.django_db


def version(owner=None, status=VersionStatus.PUBLISHED, slug="fw") -> FrameworkVersion:
    framework = Framework.objects.create(slug=slug, title=slug, owner=owner)
    return FrameworkVersion.objects.create(framework=framework, number=1, status=status)


def profile(version, *, role=None, stage="", owner=None) -> RoleProfile:
    return RoleProfile.objects.create(
        version=version, job_role=role or job_role(), stage=stage, owner=owner
    )


@pytest.fixture
def t():
    return tree()


def applying(person) -> list[RoleProfile]:
    return list(applicable_role_profiles(person))


def test_a_library_profile_for_the_persons_role_applies(t):
    library = profile(version())
    person = PersonFactory(employer=t.practice_a)

    assert applying(person) == [library]


def test_a_profile_on_a_draft_or_retired_version_never_applies(t):
    profile(version(status=VersionStatus.DRAFT, slug="draft"))
    profile(version(status=VersionStatus.RETIRED, slug="retired"))

    assert applying(PersonFactory(employer=t.practice_a)) == []


def test_a_profile_for_another_job_role_never_applies(t):
    profile(version(), role=job_role("paramedic"))

    assert applying(PersonFactory(employer=t.practice_a)) == []


def test_a_profile_with_a_stage_applies_only_to_people_of_that_stage(t):
    senior = profile(version(), stage="senior")

    assert applying(PersonFactory(employer=t.practice_a, stage="senior")) == [senior]
    assert applying(PersonFactory(employer=t.practice_a, stage="junior")) == []


def test_a_profile_without_a_stage_applies_to_any_stage(t):
    any_stage = profile(version())

    assert applying(PersonFactory(employer=t.practice_a, stage="junior")) == [any_stage]


def test_the_stage_specific_profile_wins_over_the_one_without_a_stage(t):
    v = version()
    profile(v)
    junior = profile(v, stage="junior")

    assert applying(PersonFactory(employer=t.practice_a, stage="junior")) == [junior]


def test_the_nearest_organisations_profile_wins_and_the_library_comes_last(t):
    v = version()
    profile(v)
    profile(v, owner=t.ics)
    pcn = profile(v, owner=t.pcn_a)

    assert applying(PersonFactory(employer=t.practice_a)) == [pcn]
    assert applying(PersonFactory(employer=t.pcn_b)) == [
        RoleProfile.objects.get(version=v, owner=t.ics)
    ]


def test_a_sibling_organisations_profile_never_applies(t):
    v = version()
    library = profile(v)
    profile(v, owner=t.pcn_b)

    assert applying(PersonFactory(employer=t.practice_a)) == [library]


def test_a_framework_owned_on_the_persons_chain_applies_and_a_siblings_does_not(t):
    own = profile(version(owner=t.pcn_a, slug="own"))
    profile(version(owner=t.pcn_b, slug="sibling"))

    assert applying(PersonFactory(employer=t.practice_a)) == [own]


def test_each_published_framework_gives_its_own_profile(t):
    first = profile(version(slug="a"))
    second = profile(version(slug="b"))

    assert applying(PersonFactory(employer=t.practice_a)) == [first, second]


def test_another_ics_frameworks_and_profiles_never_apply(t):
    other_ics = OrganisationFactory(name="Another ICS")
    profile(version(owner=other_ics, slug="theirs"))
    profile(version(slug="library"), owner=other_ics)
    library = profile(version(slug="library-2"))

    assert applying(PersonFactory(employer=t.practice_a)) == [library]


def test_the_set_based_rule_answers_a_whole_team_without_a_query_per_person(
    t, django_assert_num_queries
):
    v = version()
    library = profile(v)
    pcn = profile(v, owner=t.pcn_a)
    role = job_role()

    with django_assert_num_queries(1):
        rule = ApplicableRoleProfiles([role.pk])
        answers = [
            rule.profile_ids(role.pk, "", t.practice_a.path),
            rule.profile_ids(role.pk, "senior", t.practice_b.path),
        ]

    assert answers == [[pcn.pk], [library.pk]]
    assert rule.depends_on_employer


def test_a_team_of_several_roles_gets_the_answer_each_role_gets_alone(t):
    """One person's role is read by a compiled query, a team's roles by the ORM: the same
    candidates either way."""
    v = version()
    pharmacist, physio = job_role("clinical-pharmacist"), job_role("first-contact-physiotherapist")
    for role in (pharmacist, physio):
        profile(v, role=role)
        profile(v, role=role, stage="senior", owner=t.pcn_a)
    profile(version(slug="draft", status=VersionStatus.DRAFT), role=physio)
    team = ApplicableRoleProfiles([pharmacist.pk, physio.pk])
    for role in (pharmacist, physio):
        alone = ApplicableRoleProfiles([role.pk])
        for stage, path in (("", t.practice_a.path), ("senior", t.practice_a.path)):
            assert team.profile_ids(role.pk, stage, path) == alone.profile_ids(role.pk, stage, path)
            assert alone.profile_ids(role.pk, stage, path)
        assert sorted(c for c in team.candidate_ids() if c in alone.candidate_ids()) == sorted(
            alone.candidate_ids()
        )
