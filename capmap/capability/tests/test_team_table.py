"""The teams page's rows are drawn in one pass (presenters.TeamTable): they must be the rows
its template's loop drew, and the page shows them to whom they belong only."""

import re
from pathlib import Path

import pytest
from django.template import engines
from django.urls import reverse

from capmap.capability import presenters
from capmap.capability.selectors import team_list
from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory, OrganisationFactory, tree

pytestmark = pytest.mark.django_db

# The loop the teams page's template drew its rows with, before they were drawn in one pass.
TEMPLATE_LOOP = Path(__file__).parent / "fixtures" / "team_rows_loop.jinja"


def _squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


def test_the_rows_drawn_in_one_pass_are_the_rows_the_template_drew():
    t = tree()
    t.practice_a.name = "Riverside <Surgery> & Partners"
    t.practice_a.save()
    admin = MembershipFactory(organisation=t.ics, role=Role.ADMIN).user
    table = presenters.team_rows(team_list(admin))
    drawn = engines["jinja2"].env.from_string(TEMPLATE_LOOP.read_text()).render(rows=table.rows)

    assert len(table.rows) > 5 and table
    assert _squeezed(str(table.body)) == _squeezed(drawn)
    assert "Riverside &lt;Surgery&gt; &amp; Partners" in str(table.body)
    assert not presenters.team_rows([])


def test_the_teams_page_lists_the_callers_teams_and_nobody_elses(client):
    t = tree()
    elsewhere = OrganisationFactory(name="Far Away ICS")
    manager = MembershipFactory(organisation=t.pcn_a, role=Role.MANAGER).user
    client.force_login(manager)
    page = client.get(reverse("capability:list_teams")).content.decode()
    heatmap = reverse("capability:show_heatmap", args=[t.practice_a.pk])
    assert f'<a href="{heatmap}">{t.practice_a.name}</a>' in page
    assert t.pcn_b.name not in page and elsewhere.name not in page
    client.force_login(MembershipFactory(organisation=elsewhere, role=Role.ADMIN).user)
    theirs = client.get(reverse("capability:list_teams")).content.decode()
    assert t.pcn_a.name not in theirs and t.practice_a.name not in theirs
