"""The heatmap's rows are drawn in one pass (HeatmapPresenter.body): they must be the rows
its template's loop drew."""

import re
from pathlib import Path

import pytest
from django.template import engines

from capmap.capability import presenters, selectors
from capmap.capability.forms import ALL_ROLES, HeatmapView
from capmap.capability.tests.factories import capability_framework, role_profile, verify
from capmap.organisations.tests.factories import tree
from capmap.people.tests.factories import PersonFactory, job_role, manager_of

pytestmark = pytest.mark.django_db

TEMPLATE_LOOP = Path(__file__).parent / "fixtures" / "heatmap_rows_loop.jinja"


def _squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


@pytest.mark.parametrize("one_role", [False, True])
def test_the_rows_drawn_in_one_pass_are_the_rows_the_template_drew(one_role):
    t = tree()
    framework = capability_framework()
    pharmacist, technician = job_role("clinical-pharmacist"), job_role("pharmacy-technician")
    role_profile(framework.version, pharmacist, level=2)
    role_profile(framework.version, technician, level=1)
    people = [
        PersonFactory(employer=t.practice_a, job_role=pharmacist, last_name="O'Brien <Jr>"),
        PersonFactory(employer=t.practice_a, job_role=pharmacist, stage="senior"),
        PersonFactory(employer=t.practice_a, job_role=technician),
    ]
    verify(people[0], framework.competencies[0], 3)
    manager = manager_of(t.pcn_a)
    heatmap = selectors.team_heatmap(manager, t.pcn_a, job_role=pharmacist if one_role else None)
    view = (
        HeatmapView(f"role:{pharmacist.slug}", job_role=pharmacist)
        if one_role
        else HeatmapView(ALL_ROLES)
    )
    presenter = presenters.HeatmapPresenter(heatmap, view)
    drawn = (
        engines["jinja2"]
        .env.from_string(TEMPLATE_LOOP.read_text())
        .render(rows=list(presenter.rows))
    )

    assert len(heatmap.rows) == (2 if one_role else 3)
    assert _squeezed(str(presenter.body)) == _squeezed(drawn)
    assert "O&#39;Brien &lt;Jr&gt;" in str(presenter.body)
