"""The circle pages: a person's circle with self-ratings and growth, a team's circle, the
SVG downloads, and nothing at all for someone from another PCN."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from capmap.accounts.tests.factories import UserFactory
from capmap.assessments.models import Assessment, SelfRating
from capmap.capability import presenters, selectors
from capmap.capability.tests.factories import capability_framework, role_profile, verify
from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory, tree
from capmap.people.tests.factories import PersonFactory, job_role, manager_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    t = tree()
    fw = capability_framework()
    c = fw.competencies
    pharmacist = job_role("clinical-pharmacist")
    profile = role_profile(fw.version, pharmacist, stage="junior", level=2)
    ours = PersonFactory(
        employer=t.practice_a,
        job_role=pharmacist,
        stage="junior",
        first_name="Ourperson",
        user=UserFactory(),
    )
    second = PersonFactory(employer=t.practice_a, job_role=pharmacist, stage="junior")
    third = PersonFactory(employer=t.practice_a, job_role=pharmacist, stage="junior")
    theirs = PersonFactory(employer=t.practice_b, job_role=pharmacist, stage="junior")
    long_ago = timezone.now() - datetime.timedelta(days=400)
    verify(ours, c[0], 1, when=long_ago)
    verify(ours, c[0], 3)
    verify(second, c[0], 1)
    verify(third, c[0], 2)
    verify(theirs, c[0], 4)
    assessment = Assessment.objects.create(person=ours, version=fw.version, role_profile=profile)
    SelfRating.objects.create(assessment=assessment, competency=c[0], round=1, level=4)
    manager = manager_of(t.pcn_a)
    outsider = manager_of(t.pcn_b)
    return locals()


def _get(client, user, name, *args, query=""):
    client.force_login(user)
    return client.get(reverse(name, args=args) + query)


def _labels(body: str) -> list[str]:
    return re.findall(r'id="circle-svg".*?</svg>', body, re.S)[0].split('aria-label="')[1:]


def test_a_person_sees_their_circle_with_their_self_rating_and_growth(client, story):
    s = story
    body = _get(client, s["ours"].user, "capability:show_circle", s["ours"].pk).content.decode()
    first = _labels(body)[0]
    assert first.startswith(f"{s['c'][0].code} {s['c'][0].title}: verified level 3 of 4")
    assert "self-rated 4, required 2" in first
    # Signed off more than a year ago, so growth compares with 12 months ago by default.
    assert 'value="12" selected' in body
    assert "1 of 6 competencies have a higher verified level today" in body
    assert f'href="{reverse("capability:export_circle", args=[s["ours"].pk])}"' in body


def test_growth_can_compare_with_the_first_sign_off(client, story):
    s = story
    query = "?compare=first"
    body = _get(
        client, s["manager"], "capability:show_circle", s["ours"].pk, query=query
    ).content.decode()
    assert 'value="first" selected' in body and 'id="circle-then-svg"' in body


def test_the_growth_table_gives_each_competency_then_today_and_the_change(client, story):
    s = story
    body = _get(client, s["ours"].user, "capability:show_circle", s["ours"].pk).content.decode()
    table = re.findall(r"<table.*?</table>", body, re.S)[0]
    assert "and today (table)</caption>" in table
    heads = re.findall(r'role="columnheader">([^<]*)</th>', table)
    assert heads == ["Competency", "Then", "Today", "Change"]
    rows = re.findall(r"<tr [^>]*>(.*?)</tr>", table, re.S)[1:]
    assert len(rows) == 6
    cells = [re.findall(r"</span>([^<]*)</t[hd]>", row) for row in rows]
    # Each cell is led by its heading for a phone, and the one change shows its sign.
    assert all(len(row) == 4 for row in cells)
    assert sum(1 for row in cells if row[3].startswith("+")) == 1
    assert sum(1 for row in cells if row[3] == "No change") == 5


def test_a_viewer_sees_verified_levels_but_not_self_ratings(client, story):
    s = story
    viewer = MembershipFactory(organisation=s["t"].pcn_a, role=Role.VIEWER).user
    body = _get(client, viewer, "capability:show_circle", s["ours"].pk).content.decode()
    assert "verified level 3 of 4" in body and "self-rated" not in body


def test_the_circle_downloads_as_an_svg_file(client, story):
    s = story
    response = _get(client, s["manager"], "capability:export_circle", s["ours"].pk)
    assert response["Content-Type"] == "image/svg+xml"
    assert (
        "attachment" in response["Content-Disposition"]
        and ".svg" in response["Content-Disposition"]
    )
    svg = response.content.decode()
    assert svg.startswith("<?xml") and "tabindex" not in svg and 'width="100%"' not in svg


def test_a_manager_sees_the_team_circle_of_a_role(client, story):
    s = story
    query = f"?job_role={s['pharmacist'].pk}"
    response = _get(
        client, s["manager"], "capability:show_team_circle", s["t"].pcn_a.pk, query=query
    )
    body = response.content.decode()
    assert response.status_code == 200
    # Levels 3, 1 and 2 (the other PCN's 4 is not counted): median 2, middle half 1.5 to 2.5.
    assert "median verified level 2 of 4, middle half of the team 1.5 to 2.5, 3 people" in body
    assert "Fewer than 5 people" in body
    export = _get(
        client, s["manager"], "capability:export_team_circle", s["t"].pcn_a.pk, query=query
    )
    assert export["Content-Type"] == "image/svg+xml"


def test_another_pcn_gets_nothing_from_the_circle_pages(client, story):
    s = story
    for name, pk in (
        ("capability:show_circle", s["ours"].pk),
        ("capability:export_circle", s["ours"].pk),
        ("capability:show_team_circle", s["t"].pcn_a.pk),
        ("capability:export_team_circle", s["t"].pcn_a.pk),
    ):
        assert _get(client, s["outsider"], name, pk).status_code == 404


def test_an_unknown_job_role_is_not_found(client, story):
    s = story
    response = _get(
        client,
        s["manager"],
        "capability:show_team_circle",
        s["t"].pcn_a.pk,
        query="?job_role=999999",
    )
    assert response.status_code == 404


def test_team_capability_counts_only_people_in_scope(story):
    s = story
    team = selectors.team_capability(s["manager"], s["t"].pcn_a, job_role=s["pharmacist"])
    first = team.lines[0]
    assert team.people == 3 and first.levels == [1, 2, 3] and first.required == 2
    assert first.median == 2 and first.quartiles == (1.5, 2.5)


def test_team_capability_counts_someone_with_nothing_verified_as_level_0(story):
    s = story
    PersonFactory(employer=s["t"].practice_a, job_role=s["pharmacist"], stage="junior")
    team = selectors.team_capability(s["manager"], s["t"].pcn_a, job_role=s["pharmacist"])
    assert (team.people, team.unverified) == (4, 1)
    assert team.lines[0].levels == [0, 1, 2, 3]
    theirs = selectors.team_capability(s["outsider"], s["t"].pcn_b, job_role=s["pharmacist"])
    assert (theirs.people, theirs.unverified, theirs.lines[0].levels) == (1, 0, [4])


def test_levels_at_a_date_come_from_the_sign_offs_up_to_it(story):
    s = story
    a_year_ago = timezone.localdate() - datetime.timedelta(days=365)
    then = selectors.person_capability(s["manager"], s["ours"], on=a_year_ago)
    now = selectors.person_capability(s["manager"], s["ours"])
    assert then.lines[0].current == 1 and now.lines[0].current == 3
    circle = presenters.CirclePresenter(now, then)
    assert circle.grown == 1 and circle.growth[0].change == "+2"


@pytest.mark.parametrize(
    ("today", "months", "expected"),
    [
        (datetime.date(2026, 3, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2026, 12, 2), 12, datetime.date(2025, 12, 2)),
        (datetime.date(2026, 1, 15), 3, datetime.date(2025, 10, 15)),
        (datetime.date(2026, 1, 15), 24, datetime.date(2024, 1, 15)),
    ],
)
def test_months_ago(today, months, expected):
    assert presenters.months_ago(today, months) == expected


def test_growth_defaults_to_the_first_sign_off_when_the_record_is_younger_than_a_year():
    today = datetime.date(2026, 12, 2)
    recent = datetime.date(2026, 10, 1)
    assert presenters.default_compare(recent, today) == "first"
    assert presenters.compare_date("nonsense", first=recent, today=today) == recent
    assert presenters.compare_date("6", first=recent, today=today) == datetime.date(2026, 6, 2)
    assert presenters.compare_date("12", first=None, today=today) is None
