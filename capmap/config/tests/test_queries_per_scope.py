"""The home pages' and the heatmap's queries are compiled once per caller's scope (ADR
0029): for every kind of user, first compiled and then sent again, each gives what Django
gives for the same queryset, and an administrator of another PCN gets nothing of this one."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Model

from capmap.assessments import selectors as assessments
from capmap.assessments.services import open_cycle
from capmap.assessments.tests.factories import submitted_assessment, world
from capmap.capability.selectors import heatmap, pathways, scope, team_circle
from capmap.config import home
from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory
from capmap.people import selectors as people
from capmap.people.tests.factories import PersonFactory
from capmap.placements import selectors as placements
from capmap.placements.models import SchemeStatus
from capmap.placements.selectors import progress
from capmap.placements.tests.factories import SchemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    w = world()
    today = datetime.date.today()
    submitted_assessment(w)
    w.cycle = open_cycle(
        actor=w.manager,
        organisation=w.orgs.practice_a,
        title="2027 Q1",
        opens_on=today - datetime.timedelta(days=3),
        closes_on=today + datetime.timedelta(days=30),
    )
    PersonFactory(employer=w.orgs.practice_a, stage="senior", job_role=w.pharmacist.job_role)
    PersonFactory(
        employer=w.orgs.practice_a, end_date=today - datetime.timedelta(days=2), stage="junior"
    )
    PersonFactory(employer=w.orgs.practice_b, stage="senior")
    SchemeFactory(owner=w.orgs.pcn_a, status=SchemeStatus.APPLICATIONS_OPEN)
    SchemeFactory(owner=w.orgs.pcn_b, status=SchemeStatus.RUNNING)
    superuser = get_user_model().objects.create_superuser(email="root@example.org", password="x")
    w.askers = {
        "manager of the PCN": w.manager,
        "admin of another PCN": w.other_admin,
        "viewer": w.viewer,
        "mentor": w.mentor,
        "the person": w.pharmacist_user,
        "ICS admin": MembershipFactory(organisation=w.orgs.ics, role=Role.ADMIN).user,
        "superuser": superuser,
    }
    return w


def _queries(w):
    """(name, query, arguments) of every query converted to a per-scope plan."""
    pcn = w.orgs.pcn_a
    return [
        ("open cycles", assessments._OPEN_CYCLES_OPENED_BY, (3,)),
        ("cycle states", assessments._CYCLE_STATES, (w.cycle.pk,)),
        ("a person's assessments", assessments._ASSESSMENT_LIST, (w.pharmacist.pk,)),
        ("cycle team", assessments._TEAM_SIZE, (w.orgs.practice_a.path,)),
        ("organisation kinds", people._ORGANISATION_KINDS, ()),
        ("in post", people._IN_POST, ()),
        ("leavers with access", people._LEAVERS_WITH_ACCESS, ()),
        ("outermost teams", home._TEAMS_AT, ((pcn.path, w.orgs.ics.path),)),
        ("sessions to confirm", progress._SESSIONS_TO_CONFIRM, ()),
        ("applications to release", placements._UNRELEASED, ()),
        ("schemes", placements._SCHEME_LIST, ()),
        ("may own schemes", placements._MAY_OWN_SCHEMES, ()),
        ("my places", placements._MY_PARTICIPATIONS, ()),
        ("mentees", placements._MENTEES, ()),
        ("led schemes", progress._LED_OPEN_SCHEMES, ()),
        ("teams", scope._TEAM_LIST, ()),
        ("team names", scope._TEAM_NAMES, ()),
        ("team", scope._TEAM_ORGANISATION, (pcn.pk,)),
        ("heatmap people", heatmap._HEATMAP_PEOPLE, (pcn.path, None, "")),
        (
            "heatmap people by role",
            heatmap._HEATMAP_PEOPLE,
            (pcn.path, w.pharmacist.job_role_id, "senior"),
        ),
        ("role groups", heatmap._ROLE_GROUPS, (pcn.path,)),
        ("stages", heatmap._STAGES, (pcn.path,)),
        ("pathways", pathways._PATHWAYS, ()),
        ("team circle roles", team_circle._ROLE_COUNTS, (pcn.path,)),
        ("team circle people", team_circle._TEAM_ROWS, (pcn.path, None, "")),
        ("people page", people._PAGE_OF_PEOPLE, ("", None, None, "", "name", 0, 20)),
        (
            "people found",
            people._PEOPLE_FOUND,
            ("shah", w.pharmacist.job_role_id, pcn.path, people.IN_POST),
        ),
        (
            "people searched",
            people._PAGE_OF_PEOPLE,
            ("priya", None, pcn.path, people.IN_POST, "-name", 0, 5),
        ),
    ]


def _fresh(user):
    return get_user_model().objects.get(pk=user.pk)


def _through_django(query, user, arguments):
    rows = query.queryset(_fresh(user), *arguments)
    return rows.count() if query.counts else list(rows)


def _seen(rows):
    """What a page can read of each row: a model instance's fields and annotations, and the
    related records loaded with it (by their fields too), not only its primary key."""
    if not isinstance(rows, list):
        return rows
    return [_fields(row) if isinstance(row, Model) else row for row in rows]


def _fields(instance: Model, depth: int = 3) -> dict:
    seen = {k: v for k, v in vars(instance).items() if not k.startswith("_")}
    for name, related in instance._state.fields_cache.items():
        if isinstance(related, Model):  # a record loaded with it, and those loaded with that
            seen[name] = _fields(related, depth - 1) if depth else related.pk
        else:
            seen[name] = related
    return seen


def test_each_query_gives_what_django_gives_for_every_user(w):
    for asker, user in w.askers.items():
        for name, query, arguments in _queries(w):
            expected = _through_django(query, user, arguments)
            for attempt in ("compiled", "sent again"):
                got = query(_fresh(user), *arguments)
                assert _seen(got) == _seen(expected), f"{name} for {asker}, {attempt}"


def test_another_pcn_sees_nothing_of_this_one(w):
    other = _fresh(w.other_admin)
    pcn = w.orgs.pcn_a
    assert heatmap._HEATMAP_PEOPLE(other, pcn.path, None, "") == []
    assert heatmap._ROLE_GROUPS(other, pcn.path) == []
    assert scope._TEAM_ORGANISATION(other, pcn.pk) == []
    assert assessments._CYCLE_STATES(other, w.cycle.pk) == []
    assert assessments._TEAM_SIZE(other, w.orgs.practice_a.path) == 0
    assert assessments._OPEN_CYCLES_OPENED_BY(other, 3) == []
    assert progress._LED_OPEN_SCHEMES(_fresh(w.manager))[0].owner_id == pcn.pk
    assert all(s.owner_id != pcn.pk for s in progress._LED_OPEN_SCHEMES(other))
    with pytest.raises(scope.Organisation.DoesNotExist):
        scope.get_team_organisation(other, pcn.pk)
    assert scope.get_team_organisation(_fresh(w.manager), pcn.pk) == pcn


def test_the_manager_sees_their_team_as_before(w):
    manager = _fresh(w.manager)
    progress_of_cycle = assessments.cycle_progress(manager, w.cycle)
    assert progress_of_cycle.team == 2  # Priya and the senior pharmacist; not the leaver
    assert progress_of_cycle.counts["submitted"] == 0  # her assessment is outside the cycle
    assert assessments.open_cycles_opened_by(manager, 3) == [w.cycle]
    assert [row.person.pk for row in heatmap.team_heatmap(manager, w.orgs.pcn_a).rows]


def test_the_people_page_is_read_a_page_at_a_time(w):
    listing = people.PeopleListing(_fresh(w.manager), sort="-name")
    everyone = list(people.search_people(_fresh(w.manager), sort="-name"))
    assert listing.count() == len(everyone)
    assert listing[0:2] == everyone[:2]
    assert listing[1:10] == everyone[1:10]
    with pytest.raises(TypeError):
        listing[0]
    with pytest.raises(TypeError):
        people.PeopleListing(_fresh(w.manager), organisation_id=1)
    assert people.PeopleListing(_fresh(w.other_admin), query="priya").count() == 0
