"""The one access policy (people/policy.py), row by row of docs/adr/0005-one-access-policy.md.

Every check asks both questions the policy answers, the yes/no for one object and the
filter the selectors use, and expects the same answer from each.
"""

import datetime
from functools import reduce
from operator import or_
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Model
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from capmap.accounts.tests.factories import UserFactory
from capmap.core.actors import SYSTEM
from capmap.frameworks.models import Framework
from capmap.organisations.models import Membership, Organisation, OrganisationKind, Role
from capmap.organisations.tests.factories import MembershipFactory, OrganisationFactory, tree
from capmap.people import policy
from capmap.people.models import Person, Supervision
from capmap.people.tests.factories import PersonFactory, SupervisionFactory
from capmap.placements import services as placements
from capmap.placements.models import Participation, SchemeStatus
from capmap.placements.tests.factories import PlacementFactory, SchemeFactory

TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


def decide(user, action: str, obj: Model) -> bool:
    """The policy's answer for one object, after checking that the yes/no and the filter agree."""
    single = policy.allows(user, action, obj)
    listed = type(obj).objects.filter(policy.allowed_q(user, action), pk=obj.pk).exists()
    assert single == listed, f"{action}: allows says {single}, the filter says {listed}"
    return single


@pytest.fixture
def w(db):
    """A pharmacist at Riverside Surgery (Riverside PCN, North East ICS) and everyone around her."""
    t = tree()
    other_ics = OrganisationFactory(name="Far Away ICS")

    def member(organisation, role):
        return MembershipFactory(organisation=organisation, role=role).user

    pharmacist_user = member(t.practice_a, Role.PRACTITIONER)
    pharmacist = PersonFactory(employer=t.practice_a, user=pharmacist_user)

    def mentor(starts_on, ends_on):
        user = member(t.trust, Role.PRACTITIONER)
        SupervisionFactory(person=pharmacist, supervisor=user, starts_on=starts_on, ends_on=ends_on)
        return user

    return SimpleNamespace(
        t=t,
        other_ics=other_ics,
        pharmacist=pharmacist,
        users={
            "the person": pharmacist_user,
            "mentor, today is the first day": mentor(TODAY, TODAY + 30 * DAY),
            "mentor, today is the last day": mentor(TODAY - 30 * DAY, TODAY),
            "mentor before the dates": mentor(TODAY + DAY, TODAY + 30 * DAY),
            "mentor after the dates": mentor(TODAY - 30 * DAY, TODAY - DAY),
            "viewer of the PCN": member(t.pcn_a, Role.VIEWER),
            "supervisor role, no relationship": member(t.pcn_a, Role.SUPERVISOR),
            "colleague at the practice": member(t.practice_a, Role.PRACTITIONER),
            "manager of the PCN": member(t.pcn_a, Role.MANAGER),
            "admin of the ICS": member(t.ics, Role.ADMIN),
            "manager of the sibling PCN": member(t.pcn_b, Role.MANAGER),
            "admin of another ICS": member(other_ics, Role.ADMIN),
            "no membership": UserFactory(),
            "signed out": AnonymousUser(),
        },
    )


ACTIVE_MENTORS = {"mentor, today is the first day", "mentor, today is the last day"}
MANAGERS = {"manager of the PCN", "admin of the ICS"}
STAFF_RECORD = {"the person", *ACTIVE_MENTORS, *MANAGERS, "viewer of the PCN"}
STAFF_RECORD |= {"supervisor role, no relationship"}
PERSONAL_RECORD = {"the person", *ACTIVE_MENTORS, *MANAGERS}
JUDGES = {*ACTIVE_MENTORS, *MANAGERS}

PERSON_ROWS = [
    (policy.VIEW_PERSON, STAFF_RECORD),
    # The decision of ADR 0005: verified levels go with the staff record, so a viewer
    # sees the circle of competence and the scope of practice alike.
    (policy.VIEW_LEVELS, STAFF_RECORD),
    (policy.CHANGE_PERSON, MANAGERS),
    (policy.RECORD_ACTIVITY, {"the person", *MANAGERS}),
    (policy.VIEW_RECORD, PERSONAL_RECORD),
    (policy.WRITE_RECORD, PERSONAL_RECORD),
    (policy.VERIFY_RECORD, JUDGES),
    (policy.AGREE_PLAN, JUDGES),
]


@pytest.mark.parametrize(("action", "allowed"), PERSON_ROWS, ids=[r[0] for r in PERSON_ROWS])
def test_who_may_do_what_to_a_staff_record_and_a_personal_record(w, action, allowed):
    decided = {name: decide(user, action, w.pharmacist) for name, user in w.users.items()}
    assert {name for name, yes in decided.items() if yes} == allowed


def test_a_viewer_sees_the_verified_levels_but_not_the_assessments_evidence_or_plan(w):
    viewer = w.users["viewer of the PCN"]
    assert decide(viewer, policy.VIEW_LEVELS, w.pharmacist)
    assert not decide(viewer, policy.VIEW_RECORD, w.pharmacist)


def test_the_person_never_verifies_or_agrees_their_own_record_even_as_a_manager(w):
    manager = w.users["manager of the PCN"]
    own = PersonFactory(employer=w.t.practice_a, user=manager)
    assert decide(manager, policy.WRITE_RECORD, own)
    assert not decide(manager, policy.VERIFY_RECORD, own)
    assert not decide(manager, policy.AGREE_PLAN, own)


def test_a_mentor_sees_their_mentee_and_no_one_else_of_the_pcn(w):
    mentor = w.users["mentor, today is the first day"]
    colleague = PersonFactory(employer=w.t.practice_a)
    visible = set(Person.objects.filter(policy.allowed_q(mentor, policy.VIEW_PERSON)))
    assert visible == {w.pharmacist}
    assert not decide(mentor, policy.VIEW_PERSON, colleague)


def test_forget_scope_clears_what_the_policy_remembered_of_a_user(w):
    mentor = w.users["mentor, today is the first day"]
    manager = w.users["manager of the PCN"]
    assert decide(mentor, policy.VIEW_RECORD, w.pharmacist)
    assert decide(manager, policy.AUTHOR_FRAMEWORKS, w.t.pcn_a)
    Supervision.objects.filter(supervisor=mentor).update(starts_on=TODAY + DAY)
    Membership.objects.filter(user=manager).delete()
    policy.forget_scope(mentor)
    policy.forget_scope(manager)
    assert not decide(mentor, policy.VIEW_RECORD, w.pharmacist)
    assert not decide(manager, policy.AUTHOR_FRAMEWORKS, w.t.pcn_a)


# --- Organisations and the audit trail ------------------------------------------------


ORGANISATION_ROWS = [
    (
        policy.VIEW_ORGANISATION,
        {
            "the person",
            "viewer of the PCN",
            "supervisor role, no relationship",
            "colleague at the practice",
            *MANAGERS,
        },
    ),
    (policy.VIEW_PEOPLE, {"viewer of the PCN", "supervisor role, no relationship", *MANAGERS}),
    (policy.MANAGE_PEOPLE, MANAGERS),
    (policy.MANAGE_MEMBERSHIPS, MANAGERS),
    (policy.MANAGE_ORGANISATIONS, {"admin of the ICS"}),
    (policy.VIEW_AUDIT, {"admin of the ICS"}),
    (policy.AUTHOR_FRAMEWORKS, MANAGERS),
    (policy.RUN_SCHEMES, MANAGERS),
]


@pytest.mark.parametrize(
    ("action", "allowed"), ORGANISATION_ROWS, ids=[r[0] for r in ORGANISATION_ROWS]
)
def test_what_a_role_allows_over_an_organisation_and_everything_below_it(w, action, allowed):
    decided = {name: decide(user, action, w.t.practice_a) for name, user in w.users.items()}
    assert {name for name, yes in decided.items() if yes} == allowed


def test_a_role_does_not_reach_up_or_sideways_in_the_tree(w):
    manager = w.users["manager of the PCN"]
    assert decide(manager, policy.MANAGE_PEOPLE, w.t.pcn_a)
    assert not decide(manager, policy.MANAGE_PEOPLE, w.t.ics)
    assert not decide(manager, policy.MANAGE_PEOPLE, w.t.pcn_b)
    assert not decide(manager, policy.VIEW_ORGANISATION, w.other_ics)


# --- Frameworks and pathways ----------------------------------------------------------


def test_the_shared_library_is_open_to_everyone_signed_in_and_changed_by_superusers_only(w):
    library = Framework.objects.create(title="Library", slug="library")
    for name, user in w.users.items():
        assert decide(user, policy.VIEW_FRAMEWORK, library) == (name != "signed out"), name
        assert not policy.allows(user, policy.AUTHOR_FRAMEWORKS, None), name
    superuser = UserFactory(is_superuser=True)
    assert policy.allows(superuser, policy.AUTHOR_FRAMEWORKS, None)


def test_a_superuser_sees_every_framework_and_authors_only_the_library_and_where_they_manage(w):
    """ADR 0005: superusers see all frameworks; they author the shared library, and an
    organisation's own only through a role there. The list and the yes/no agree."""
    owned = Framework.objects.create(title="Far away", slug="far-away", owner=w.other_ics)
    superuser = UserFactory(is_superuser=True)
    assert decide(superuser, policy.VIEW_FRAMEWORK, owned)
    assert not decide(superuser, policy.AUTHOR_FRAMEWORKS, w.other_ics)
    assert policy.allows_anywhere(superuser, policy.AUTHOR_FRAMEWORKS)
    MembershipFactory(user=superuser, organisation=w.t.pcn_a, role=Role.MANAGER)
    policy.forget_scope(superuser)
    assert decide(superuser, policy.AUTHOR_FRAMEWORKS, w.t.pcn_a)
    assert not decide(superuser, policy.AUTHOR_FRAMEWORKS, w.other_ics)
    authored = set(policy.organisations(superuser, policy.AUTHOR_FRAMEWORKS))
    assert authored == set(Organisation.objects.filter(path__startswith=w.t.pcn_a.path))


def test_an_owned_framework_is_seen_over_its_owner_and_authored_by_its_managers(w):
    owned = Framework.objects.create(title="Riverside", slug="riverside", owner=w.t.pcn_a)
    seen = {n for n, u in w.users.items() if decide(u, policy.VIEW_FRAMEWORK, owned)}
    assert seen == {
        "viewer of the PCN",
        "supervisor role, no relationship",
        *MANAGERS,
    }
    assert policy.allows(w.users["manager of the PCN"], policy.AUTHOR_FRAMEWORKS, owned.owner)
    assert not policy.allows(w.users["viewer of the PCN"], policy.AUTHOR_FRAMEWORKS, owned.owner)
    assert not policy.allows(
        w.users["manager of the sibling PCN"], policy.AUTHOR_FRAMEWORKS, owned.owner
    )


# --- Placement schemes ----------------------------------------------------------------


@pytest.fixture
def scheme(w):
    """An ICS scheme open for applications, a placement at the trust, and the pharmacist
    placed with a mentor whose mentor supervision is the one under test."""
    owner_manager = MembershipFactory(organisation=w.t.ics, role=Role.MANAGER).user
    scheme = SchemeFactory(owner=w.t.ics, status=SchemeStatus.APPLICATIONS_OPEN)
    mentor = MembershipFactory(organisation=w.t.trust, role=Role.SUPERVISOR).user
    placement = PlacementFactory(scheme=scheme, host=w.t.trust, mentor=mentor)
    return SimpleNamespace(
        scheme=scheme, placement=placement, mentor=mentor, owner_manager=owner_manager
    )


def _place(w, scheme, starts_on, ends_on) -> Participation:
    from capmap.placements.models import AllocationRun, Application

    application = Application.objects.create(
        scheme=scheme.scheme, applicant=w.pharmacist, statement="Keen"
    )
    supervision = SupervisionFactory(
        person=w.pharmacist,
        supervisor=scheme.mentor,
        kind="mentor",
        starts_on=starts_on,
        ends_on=ends_on,
    )
    run = AllocationRun.objects.create(
        scheme=scheme.scheme, algorithm="stable", seed=1, instance={}, result={}
    )
    return Participation.objects.create(
        application=application, placement=scheme.placement, run=run, supervision=supervision
    )


def test_a_programme_lead_manages_people_or_organisations_over_the_schemes_owner(w, scheme):
    leads = {n for n, u in w.users.items() if decide(u, policy.LEAD_SCHEME, scheme.scheme)}
    assert leads == {"admin of the ICS"}
    assert decide(scheme.owner_manager, policy.LEAD_SCHEME, scheme.scheme)
    assert not decide(w.users["manager of the PCN"], policy.LEAD_SCHEME, scheme.scheme)


def test_staff_inside_the_owners_tree_see_and_apply_to_an_open_scheme_only(w, scheme):
    pharmacist = w.users["the person"]
    assert decide(pharmacist, policy.VIEW_SCHEME, scheme.scheme)
    assert decide(pharmacist, policy.APPLY_TO_SCHEME, scheme.scheme)
    assert not decide(w.users["admin of another ICS"], policy.VIEW_SCHEME, scheme.scheme)
    placements.change_status(actor=SYSTEM, scheme=scheme.scheme, status=SchemeStatus.SET_UP)
    scheme.scheme.refresh_from_db()
    assert not decide(pharmacist, policy.VIEW_SCHEME, scheme.scheme)
    assert not decide(pharmacist, policy.APPLY_TO_SCHEME, scheme.scheme)
    assert decide(scheme.mentor, policy.VIEW_SCHEME, scheme.scheme)


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "mentor_sees"),
    [
        (TODAY + DAY, TODAY + 30 * DAY, False),
        (TODAY, TODAY, True),
        (TODAY - 30 * DAY, TODAY - DAY, False),
    ],
    ids=["before", "during", "after"],
)
def test_a_mentor_sees_a_participant_only_for_the_dates_of_the_mentor_supervision(
    w, scheme, starts_on, ends_on, mentor_sees
):
    participation = _place(w, scheme, starts_on, ends_on)
    assert decide(scheme.mentor, policy.VIEW_PARTICIPATION, participation) == mentor_sees
    assert decide(scheme.mentor, policy.MENTOR_PARTICIPATION, participation) == mentor_sees
    assert decide(w.users["the person"], policy.VIEW_PARTICIPATION, participation)
    assert decide(w.users["admin of the ICS"], policy.VIEW_PARTICIPATION, participation)
    assert not decide(w.users["admin of another ICS"], policy.VIEW_PARTICIPATION, participation)
    assert not decide(w.users["manager of the PCN"], policy.MENTOR_PARTICIPATION, participation)


def test_a_releasing_manager_sees_the_scheme_of_their_staffs_application(w, scheme):
    placements.change_status(actor=SYSTEM, scheme=scheme.scheme, status=SchemeStatus.ALLOCATING)
    scheme.scheme.refresh_from_db()
    _place(w, scheme, TODAY, TODAY)
    assert decide(w.users["manager of the PCN"], policy.VIEW_SCHEME, scheme.scheme)
    assert not decide(w.users["manager of the sibling PCN"], policy.VIEW_SCHEME, scheme.scheme)


# --- The system actor -----------------------------------------------------------------


def test_the_system_actor_is_allowed_everything(w):
    system = SimpleNamespace(is_system=True, is_authenticated=True, is_superuser=False, pk=None)
    for action in policy.actions():
        target = w.t.practice_a if action in policy.ORGANISATION_ACTIONS else w.pharmacist
        assert policy.allows(system, action, target), action
    assert Person.objects.filter(policy.allowed_q(system, policy.VIEW_RECORD)).count() == 1


# --- The list and the detail agree, in random small worlds ----------------------------

ROLES = [Role.ADMIN, Role.MANAGER, Role.SUPERVISOR, Role.VIEWER, Role.PRACTITIONER]
PERSON_ACTIONS = [action for action, _ in PERSON_ROWS]

world_plans = st.fixed_dictionaries(
    {
        # (user index, organisation index, role) for 3 users over 6 organisations
        "memberships": st.lists(
            st.tuples(st.integers(0, 2), st.integers(0, 5), st.sampled_from(ROLES)), max_size=5
        ),
        # employer index of 4 people, and whether user 0..2 is that person
        "people": st.lists(
            st.tuples(st.integers(0, 5), st.one_of(st.none(), st.integers(0, 2))),
            min_size=1,
            max_size=4,
        ),
        # (user index, person index, start offset, length or None) in days from today
        "supervisions": st.lists(
            st.tuples(
                st.integers(0, 2),
                st.integers(0, 3),
                st.integers(-3, 3),
                st.one_of(st.none(), st.integers(0, 3)),
            ),
            max_size=4,
        ),
        # which of users 0..2 are superusers (system administrators)
        "superusers": st.lists(st.booleans(), min_size=3, max_size=3),
        # owner index of a few frameworks, None for the shared library
        "frameworks": st.lists(st.one_of(st.none(), st.integers(0, 5)), max_size=3),
    }
)


def _small_world(plan) -> SimpleNamespace:
    """An ICS with two PCNs, a practice in each and a trust; three users with the plan's
    memberships and superuser flags; up to four people, some of them users; supervisions."""
    # The factory gives each its materialised path, as the services do; the roles' reach
    # down the tree is what these worlds test.
    ics = OrganisationFactory(name="ICS", kind=OrganisationKind.ICS)
    pcns = [
        OrganisationFactory(name=f"PCN {n}", kind=OrganisationKind.PCN, parent=ics)
        for n in range(2)
    ]
    practices = [
        OrganisationFactory(
            name=f"Practice {n}", kind=OrganisationKind.PRACTICE, parent=pcns[n % 2]
        )
        for n in range(2)
    ]
    trust = OrganisationFactory(name="Trust", kind=OrganisationKind.TRUST, parent=ics)
    organisations = [ics, *pcns, *practices, trust]
    assert all(o.path == o.expected_path() for o in organisations)
    users = [UserFactory(is_superuser=flag) for flag in plan["superusers"]]
    for user_index, organisation_index, role in plan["memberships"]:
        Membership.objects.update_or_create(
            user=users[user_index],
            organisation=organisations[organisation_index],
            defaults={"role": role},
        )
    people, linked = [], set()
    for employer_index, user_index in plan["people"]:
        user = users[user_index] if user_index is not None else None
        if user_index in linked:
            user = None
        linked.add(user_index)
        people.append(PersonFactory(employer=organisations[employer_index], user=user))
    supervisions = [
        SupervisionFactory(
            person=people[person_index % len(people)],
            supervisor=users[user_index],
            starts_on=TODAY + start * DAY,
            ends_on=None if length is None else TODAY + (start + length) * DAY,
        )
        for user_index, person_index, start, length in plan["supervisions"]
    ]
    return SimpleNamespace(
        organisations=organisations, users=users, people=people, supervisions=supervisions
    )


def _assert_lists_agree(users, action: str, objects: list) -> None:
    """For each user, the rows the filter admits are the objects the yes/no admits."""
    model = type(objects[0])
    for user in users:
        listed = set(model.objects.filter(policy.allowed_q(user, action)))
        single = {obj for obj in objects if policy.allows(user, action, obj)}
        assert listed == single, action


def _assert_equal_scope_keys_admit_equal_rows(users, action: str, model) -> None:
    """Cached figures are shared between callers with equal scope keys (capability.cached):
    two users the keys call equal must be admitted the same rows, and the same user read
    afresh must get the same key."""
    fresh = [type(user).objects.get(pk=user.pk) for user in users]  # nothing memoised
    keys = [policy.scope_key(user, action, model) for user in fresh]
    rows = [set(model.objects.filter(policy.allowed_q(user, action))) for user in fresh]
    for user, key in zip(users, keys, strict=True):
        assert policy.scope_key(user, action, model) == key, action
    for a in range(len(fresh)):
        for b in range(a + 1, len(fresh)):
            if keys[a] == keys[b]:
                assert rows[a] == rows[b], (action, keys[a])


SCHEME_ACTIONS = [policy.VIEW_SCHEME, policy.LEAD_SCHEME, policy.APPLY_TO_SCHEME]
PARTICIPATION_ACTIONS = [
    policy.VIEW_PARTICIPATION,
    policy.MENTOR_PARTICIPATION,
    policy.LOG_SESSION,
]

scheme_plans = st.fixed_dictionaries(
    {
        # (owner index, status) of up to two schemes, each with one placement
        "schemes": st.lists(
            st.tuples(st.integers(0, 5), st.sampled_from(SchemeStatus.values)),
            min_size=1,
            max_size=2,
        ),
        # the placement's mentor: user index
        "mentors": st.lists(st.integers(0, 2), min_size=2, max_size=2),
        # (scheme index, person index, supervision index or None: placed with it)
        "applications": st.lists(
            st.tuples(
                st.integers(0, 1), st.integers(0, 3), st.one_of(st.none(), st.integers(0, 3))
            ),
            max_size=3,
        ),
    }
)


class TestListsAndDetailsAgree(TestCase):
    @settings(max_examples=25, deadline=None)
    @given(plan=world_plans)
    def test_every_action_gives_the_same_answer_as_a_filter_and_for_one_object(self, plan):
        world = _small_world(plan)
        for action in PERSON_ACTIONS:
            _assert_lists_agree(world.users, action, world.people)
        for action in policy.ORGANISATION_ACTIONS:
            _assert_lists_agree(world.users, action, world.organisations)
        frameworks = [
            Framework.objects.create(
                title=f"Framework {n}",
                slug=f"framework-{n}",
                owner=None if owner is None else world.organisations[owner],
            )
            for n, owner in enumerate(plan["frameworks"])
        ]
        if frameworks:
            _assert_lists_agree(world.users, policy.VIEW_FRAMEWORK, frameworks)
        _assert_equal_scope_keys_admit_equal_rows(world.users, policy.VIEW_LEVELS, Person)
        _assert_equal_scope_keys_admit_equal_rows(world.users, policy.VIEW_FRAMEWORK, Framework)

    @settings(max_examples=25, deadline=None)
    @given(plan=world_plans, schemes=scheme_plans)
    def test_every_scheme_action_gives_the_same_answer_as_a_filter_and_for_one_object(
        self, plan, schemes
    ):
        from capmap.placements.models import AllocationRun, Application

        world = _small_world(plan)
        made, placed = [], []
        for n, (owner, status) in enumerate(schemes["schemes"]):
            scheme = SchemeFactory(owner=world.organisations[owner], status=status)
            mentor = world.users[schemes["mentors"][n]]
            made.append((scheme, PlacementFactory(scheme=scheme, mentor=mentor)))
        applied = set()
        for scheme_index, person_index, supervision_index in schemes["applications"]:
            scheme, placement = made[scheme_index % len(made)]
            applicant = world.people[person_index % len(world.people)]
            if (scheme.pk, applicant.pk) in applied:
                continue
            applied.add((scheme.pk, applicant.pk))
            application = Application.objects.create(
                scheme=scheme, applicant=applicant, statement="Keen"
            )
            if supervision_index is None or supervision_index >= len(world.supervisions):
                continue
            supervision = world.supervisions[supervision_index]
            if Participation.objects.filter(supervision=supervision).exists():
                continue
            run = AllocationRun.objects.create(
                scheme=scheme, algorithm="stable", seed=1, instance={}, result={}
            )
            placed.append(
                Participation.objects.create(
                    application=application, placement=placement, run=run, supervision=supervision
                )
            )
        for action in SCHEME_ACTIONS:
            _assert_lists_agree(world.users, action, [scheme for scheme, _ in made])
        for action in PARTICIPATION_ACTIONS if placed else []:
            _assert_lists_agree(world.users, action, placed)


def _rows_by_query(user) -> tuple[int, ...]:
    """The rows part of a scope key as the database gives it: the people the person and
    supervision grants admit, less those the organisation grants already admit."""
    rule = policy.RULES[policy.VIEW_LEVELS]
    by_rows = [g.q(user, "") for g in rule.grants if not isinstance(g, policy.Over)]
    by_paths = [g.q(user, "") for g in rule.grants if isinstance(g, policy.Over)]
    rows = Person.objects.filter(reduce(or_, by_rows)).exclude(reduce(or_, by_paths))
    return tuple(sorted(rows.values_list("pk", flat=True)))


def test_the_scope_key_names_the_same_rows_as_the_database_whoever_asks(w):
    # Staff records inside and outside each one's own scope.
    for name, employer in (
        ("manager of the PCN", w.t.practice_a),
        ("admin of another ICS", w.t.pcn_a),
        ("viewer of the PCN", w.t.trust),
        ("mentor, today is the first day", w.t.trust),
    ):
        PersonFactory(employer=employer, user=w.users[name])
    for name, user in w.users.items():
        if not user.is_authenticated:
            continue
        fresh = type(user).objects.get(pk=user.pk)  # nothing memoised
        key = dict(
            (part[0], part[1:]) for part in policy.scope_key(fresh, policy.VIEW_LEVELS, Person)
        )
        assert key["rows"] == (_rows_by_query(fresh),), name
    outside = type(w.users["admin of another ICS"]).objects.get(
        pk=w.users["admin of another ICS"].pk
    )
    own = Person.objects.get(user=outside)
    assert dict((p[0], p[1:]) for p in policy.scope_key(outside, policy.VIEW_LEVELS, Person))[
        "rows"
    ] == ((own.pk,),)


@pytest.mark.django_db
def test_a_signed_in_users_own_record_comes_with_them_not_from_a_query_of_its_own(
    django_assert_num_queries,
):
    """A request's user is read with their staff record, its employer and role
    (accounts.backends); the policy reads that, and someone with no record has none."""
    from capmap.accounts.backends import AuthenticationBackend

    person = PersonFactory(user=UserFactory())
    nobody = UserFactory()
    backend = AuthenticationBackend()
    signed_in, without = backend.get_user(person.user.pk), backend.get_user(nobody.pk)
    with django_assert_num_queries(0):
        own = policy.own_person(signed_in)
        assert policy.own_person(without) is None
    assert own == person
    assert (own.employer, own.job_role) == (person.employer, person.job_role)
    other = PersonFactory(user=UserFactory())
    assert policy.own_person(backend.get_user(other.user.pk)) == other != own


@pytest.mark.parametrize("action", sorted(policy.RULES))
def test_only_oneself_is_said_only_of_whom_the_database_admits_nothing_else(w, action):
    """`admits_only_oneself` lets a page answer from the user's own record without a query
    (the Impact menu entry): wherever it says so, the rule's filter admits exactly the
    user's own staff record, or nothing when they have none."""
    PersonFactory(employer=w.t.trust, user=w.users["mentor, today is the first day"])
    said = set()
    for name, user in w.users.items():
        if not policy.admits_only_oneself(user, action):
            continue
        said.add(name)
        # Only rules over staff records link the user there (`Oneself()`).
        admitted = set(Person.objects.filter(policy.allowed_q(user, action)))
        assert admitted == set(Person.objects.filter(user=user)), (action, name)
    if action == policy.RECORD_ACTIVITY:
        # Everyone who manages no one, mentors included: the rule has no supervision grant.
        assert said == {
            "the person",
            *ACTIVE_MENTORS,
            "mentor before the dates",
            "mentor after the dates",
            "viewer of the PCN",
            "supervisor role, no relationship",
            "colleague at the practice",
            "no membership",
        }
    if action == policy.VIEW_RECORD:
        assert ACTIVE_MENTORS.isdisjoint(said)  # they see their mentee too
        assert "the person" in said
    assert "signed out" not in said


@pytest.mark.parametrize(
    "action", [*(a for a, _ in PERSON_ROWS), policy.VIEW_ORGANISATION, policy.MANAGE_PEOPLE]
)
def test_admits_nothing_is_said_only_of_whom_the_filter_admits_no_row(w, action):
    """Pages skip a query the policy knows would come back empty (`admits_nothing`,
    `allowed_rows`): wherever it says so, the rule's filter admits no row, and it is said of
    everyone outside the rule's table above."""
    model = Person if action in dict(PERSON_ROWS) else Organisation
    PersonFactory(employer=w.t.trust, user=w.users["colleague at the practice"])
    for name, user in w.users.items():
        admitted = model.objects.filter(policy.allowed_q(user, action))
        rows = policy.allowed_rows(user, action, model.objects.all())
        assert set(rows) == set(admitted), (action, name)
        if policy.admits_nothing(user, action):
            assert not admitted.exists(), (action, name)
    said = {name for name, user in w.users.items() if policy.admits_nothing(user, action)}
    assert "signed out" in said and "admin of the ICS" not in said
    if action in (policy.CHANGE_PERSON, policy.VERIFY_RECORD, policy.MANAGE_PEOPLE):
        # A practitioner who supervises no one: their home builds none of these queries.
        assert {"colleague at the practice", "no membership", "mentor after the dates"} <= said
    if action == policy.VERIFY_RECORD:
        assert ACTIVE_MENTORS.isdisjoint(said)
