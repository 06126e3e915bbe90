"""Allocation runs and schemes keep their state as status rows: a run is a preview until a
programme lead confirms it, a later run replaces an earlier preview, and every move says
who made it."""

import pytest

from capmap.core.exceptions import DomainError, NotPermitted
from capmap.core.workflow import history
from capmap.placements import selectors, services
from capmap.placements.models import RunStatus, SchemeStatus
from capmap.placements.tests.factories import scheme_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    s = scheme_story()
    for person, manager in ((s.alice, s.manager_a), (s.bola, s.manager_b)):
        application = services.submit_application(
            actor=person.user,
            scheme=s.scheme,
            statement="I want to learn.",
            placements=[s.respiratory],
        )
        services.confirm_release(actor=manager, application=application)
    services.change_status(actor=s.lead, scheme=s.scheme, status=SchemeStatus.ALLOCATING)
    return s


def test_a_new_run_replaces_the_earlier_preview_which_can_no_longer_change(s):
    first = services.run_allocation(actor=s.lead, scheme=s.scheme, algorithm="stable")
    second = services.run_allocation(actor=s.lead, scheme=s.scheme, algorithm="stable")
    assert [r.status for r in history(first)] == [RunStatus.PREVIEWED, RunStatus.DISCARDED]
    assert second.status == RunStatus.PREVIEWED
    [application, *_] = selectors.applications_of(s.scheme)
    with pytest.raises(DomainError, match="replaced by a later run"):
        services.adjust_allocation(
            actor=s.lead, run=first, application=application, placement=None, reason="Ill"
        )
    with pytest.raises(DomainError, match="replaced by a later run"):
        services.confirm_allocation(actor=s.lead, run=first, notify=False)


def test_confirming_records_who_confirmed_and_the_scheme_starts_running(s):
    run = services.run_allocation(actor=s.lead, scheme=s.scheme, algorithm="stable")
    services.confirm_allocation(actor=s.lead, run=run, notify=False)
    assert [(r.status, r.actor) for r in history(run)] == [
        (RunStatus.PREVIEWED, s.lead),
        (RunStatus.CONFIRMED, s.lead),
    ]
    assert selectors.has_confirmed_run(s.scheme)
    assert [r.status for r in history(s.scheme)][-2:] == [
        SchemeStatus.ALLOCATING,
        SchemeStatus.RUNNING,
    ]
    [page_run] = selectors.runs_of(s.scheme)
    assert page_run.confirmed and page_run.get_status_display() == "Confirmed"
    with pytest.raises(DomainError, match="confirmed: it can no longer change"):
        services.adjust_allocation(
            actor=s.lead,
            run=run,
            application=selectors.applications_of(s.scheme).first(),
            placement=None,
            reason="Too late",
        )


def test_a_lead_of_another_ics_cannot_confirm_and_leaves_no_row(s):
    run = services.run_allocation(actor=s.lead, scheme=s.scheme, algorithm="stable")
    with pytest.raises(NotPermitted):
        services.confirm_allocation(actor=s.other, run=run, notify=False)
    assert [r.status for r in history(run)] == [RunStatus.PREVIEWED]
    assert selectors.schemes_for(s.other).filter(pk=s.scheme.pk).count() == 0


def test_staff_see_a_scheme_of_their_ics_only_while_applications_are_open(s):
    outsider = s.t.practice_a  # Alice applied, so she sees it anyway: ask for a colleague
    from capmap.placements.tests.factories import applicant_at

    colleague = applicant_at(outsider)
    assert not selectors.schemes_for(colleague.user).filter(pk=s.scheme.pk).exists()
    services.change_status(actor=s.lead, scheme=s.scheme, status=SchemeStatus.APPLICATIONS_OPEN)
    assert selectors.schemes_for(colleague.user).get(pk=s.scheme.pk).status == (
        SchemeStatus.APPLICATIONS_OPEN
    )
