"""The training needs page's rows are drawn in one pass (TrainingNeedsPresenter.body): they
must be the rows its template's loop drew, and the page shows them only to whom they belong."""

import re
from pathlib import Path

import pytest
from django.template import engines
from django.urls import reverse

from capmap.capability import presenters
from capmap.capability.selectors import training_needs
from capmap.capability.tests.factories import capability_framework, role_profile
from capmap.frameworks.models import Competency
from capmap.organisations.tests.factories import tree
from capmap.people.tests.factories import PersonFactory, job_role, manager_of

pytestmark = pytest.mark.django_db

TEMPLATE_LOOP = Path(__file__).parent / "fixtures" / "training_needs_rows_loop.jinja"


def _squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


@pytest.fixture
def team():
    t = tree()
    framework = capability_framework()
    # A title that needs escaping (set in the table: a published version is frozen).
    Competency.objects.filter(pk=framework.competencies[0].pk).update(
        title="Reviews <medicines> & explains"
    )
    pharmacist = job_role("clinical-pharmacist")
    role_profile(framework.version, pharmacist, level=2)
    for _ in range(3):
        PersonFactory(employer=t.practice_a, job_role=pharmacist)
    return t


def test_the_rows_drawn_in_one_pass_are_the_rows_the_template_drew(team):
    manager = manager_of(team.pcn_a)
    needs = training_needs(manager, team.pcn_a)
    env = engines["jinja2"].env
    tag = env.get_template("nhsuk/components/tag/macro.jinja").module.tag
    presenter = presenters.TrainingNeedsPresenter(team.pcn_a, needs)
    body = presenter.body(
        tag({"text": "Essential", "classes": "nhsuk-tag--red"}),
        tag({"text": "Desirable", "classes": "nhsuk-tag--grey"}),
    )
    drawn = env.from_string(TEMPLATE_LOOP.read_text()).render(needs=needs)

    assert len(needs) > 2
    assert _squeezed(str(body)) == _squeezed(drawn)
    assert "Reviews &lt;medicines&gt; &amp; explains" in str(body)


def test_the_page_ranks_the_teams_needs_and_shows_another_pcn_nothing(client, team):
    client.force_login(manager_of(team.pcn_a))
    page = client.get(reverse("capability:show_training_needs", args=[team.pcn_a.pk]))
    body = page.content.decode()
    ranks = re.findall(r'Rank </span><div class="app-cell-value">(\d+)</div>', body)
    assert ranks and ranks == [str(n) for n in range(1, len(ranks) + 1)]
    assert "3 of 3" in body and "nhsuk-tag--red" in body
    client.force_login(manager_of(team.pcn_b))
    elsewhere = client.get(reverse("capability:show_training_needs", args=[team.pcn_a.pk]))
    assert elsewhere.status_code == 404


def test_a_team_with_no_gaps_is_told_so(client):
    t = tree()
    client.force_login(manager_of(t.pcn_a))
    body = client.get(reverse("capability:show_training_needs", args=[t.pcn_a.pk])).content
    assert b"No one here is below the level their role needs." in body
