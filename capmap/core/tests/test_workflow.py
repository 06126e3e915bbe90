"""The one workflow pattern: declared moves, append-only rows, the current status.

The placement scheme workflow stands in for every workflow here: assessments, plans,
evidence review and allocation runs use the same code (see each app's tests).
"""

import threading

import pytest
from auditlog.models import LogEntry
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from capmap.accounts.tests.factories import UserFactory
from capmap.core.exceptions import DomainError
from capmap.core.workflow import (
    TransitionRefused,
    current_status,
    history,
    retry_when_locked,
    transition,
    with_status,
)
from capmap.placements.models import SCHEME_WORKFLOW, Scheme, SchemeStatus, SchemeStatusChange
from capmap.placements.tests.factories import SchemeFactory

pytestmark = pytest.mark.django_db


def move(actor, scheme, to, comment=""):
    with transaction.atomic():
        return transition(actor=actor, subject=scheme, to=to, comment=comment)


def test_a_declared_move_appends_a_row_with_who_when_and_why():
    scheme, lead = SchemeFactory(), UserFactory()
    row = move(lead, scheme, SchemeStatus.APPLICATIONS_OPEN, " Placements are ready. ")
    assert (row.status, row.actor, row.comment) == (
        "applications_open",
        lead,
        "Placements are ready.",
    )
    assert [r.status for r in history(scheme)] == ["set_up", "applications_open"]
    assert current_status(scheme) == row
    assert scheme.status == SchemeStatus.APPLICATIONS_OPEN  # the instance knows at once


def test_a_move_that_is_not_declared_is_refused_with_a_sentence_saying_what_is_possible():
    scheme = SchemeFactory(status=SchemeStatus.RUNNING)
    with pytest.raises(TransitionRefused) as refused:
        move(UserFactory(), scheme, SchemeStatus.SET_UP)
    assert str(refused.value) == (
        "This scheme is running, so it cannot move to setting up. It can move only to closed."
    )
    assert current_status(scheme).status == SchemeStatus.RUNNING


def test_the_last_status_says_nothing_follows_and_an_unknown_status_asks_for_another():
    scheme = SchemeFactory(status=SchemeStatus.CLOSED)
    with pytest.raises(TransitionRefused, match="It cannot move on from here"):
        move(UserFactory(), scheme, SchemeStatus.RUNNING)
    with pytest.raises(TransitionRefused, match="Choose a status this scheme can move to"):
        move(UserFactory(), scheme, "on_holiday")


def test_a_new_subject_can_only_start_at_the_initial_status():
    scheme = Scheme.objects.create(
        owner=SchemeFactory().owner, title="New", starts_on="2027-01-01", ends_on="2027-06-30"
    )
    assert scheme.status is None
    with pytest.raises(TransitionRefused, match="starts as setting up"):
        move(UserFactory(), scheme, SchemeStatus.RUNNING)
    move(UserFactory(), scheme, SchemeStatus.SET_UP)
    assert Scheme.objects.get(pk=scheme.pk).status == SchemeStatus.SET_UP


def test_a_move_needs_an_actor():
    with pytest.raises(ValueError, match="needs the person or the system"):
        move(None, SchemeFactory(), SchemeStatus.APPLICATIONS_OPEN)


def test_a_move_is_audited_under_the_subjects_organisation():
    scheme, lead = SchemeFactory(), UserFactory()
    row = move(lead, scheme, SchemeStatus.APPLICATIONS_OPEN)
    entry = LogEntry.objects.get_for_object(row).get()
    assert entry.actor == lead
    assert entry.additional_data == {"organisation_path": scheme.owner.path}


def test_status_rows_can_never_be_changed_or_removed():
    scheme = SchemeFactory()
    row = scheme.statuses.get()
    row.status = SchemeStatus.CLOSED
    with pytest.raises(DomainError, match="cannot be changed"):
        row.save()
    with pytest.raises(DomainError, match="cannot be removed"):
        row.delete()
    with pytest.raises(DomainError, match="cannot be changed"):
        SchemeStatusChange.objects.filter(scheme=scheme).update(status=SchemeStatus.CLOSED)
    with pytest.raises(DomainError, match="cannot be changed"):
        SchemeStatusChange.objects.bulk_update([row], ["status"])
    with pytest.raises(DomainError, match="cannot be removed"):
        scheme.statuses.all().delete()
    assert current_status(scheme).status == SchemeStatus.SET_UP


def test_the_current_status_of_many_subjects_is_read_in_one_query():
    def statuses() -> tuple[dict[int, str], int]:
        with CaptureQueriesContext(connection) as queries:
            found = dict(with_status(Scheme.objects.all()).values_list("pk", "status"))
        return found, len(queries)

    lead = UserFactory()
    few = [SchemeFactory(status=SchemeStatus.ALLOCATING) for _ in range(2)]
    _found, queries_for_few = statuses()
    many = [SchemeFactory() for _ in range(12)]
    for scheme in many[:5]:
        move(lead, scheme, SchemeStatus.APPLICATIONS_OPEN)
    found, queries_for_many = statuses()
    assert queries_for_few == queries_for_many == 1
    assert {found[s.pk] for s in few} == {"allocating"}
    assert [found[s.pk] for s in many] == ["applications_open"] * 5 + ["set_up"] * 7


def test_filters_read_the_current_status_as_if_it_were_a_column():
    opened = SchemeFactory(status=SchemeStatus.APPLICATIONS_OPEN)
    SchemeFactory()
    assert list(Scheme.objects.filter(status=SchemeStatus.APPLICATIONS_OPEN)) == [opened]
    assert Scheme.objects.get(pk=opened.pk).get_status_display() == "Applications open"


def test_the_status_subqueries_built_once_serve_every_query_alike():
    # They are shared by every queryset of the model: none may change them for the next.
    opened, other = SchemeFactory(status=SchemeStatus.APPLICATIONS_OPEN), SchemeFactory()
    first = Scheme.objects.filter(status=SchemeStatus.APPLICATIONS_OPEN)
    joined = with_status(Scheme.objects.filter(pk__in=[other.pk]), "state").filter(
        state=SchemeStatus.SET_UP, status=SchemeStatus.SET_UP
    )
    assert list(first) == [opened]
    assert list(joined) == [other]
    assert list(Scheme.objects.filter(status=SchemeStatus.APPLICATIONS_OPEN)) == [opened]
    assert list(Scheme.objects.exclude(status=SchemeStatus.APPLICATIONS_OPEN)) == [other]


def test_reloading_a_subject_forgets_the_status_it_had():
    scheme = SchemeFactory()
    Scheme.objects.get(pk=scheme.pk)  # someone else moves it, through another object
    move(UserFactory(), Scheme.objects.get(pk=scheme.pk), SchemeStatus.APPLICATIONS_OPEN)
    assert scheme.status == SchemeStatus.SET_UP
    scheme.refresh_from_db()
    assert scheme.status == SchemeStatus.APPLICATIONS_OPEN


def test_the_workflow_lists_next_statuses_in_the_declared_order():
    assert SCHEME_WORKFLOW.next_statuses(None) == ["set_up"]
    assert SCHEME_WORKFLOW.next_statuses("allocating") == ["running", "applications_open"]
    assert SCHEME_WORKFLOW.next_statuses("closed") == []


@pytest.mark.django_db(transaction=True)
def test_two_people_moving_the_same_subject_at_once_exactly_one_wins():
    """Real concurrent transactions: two threads, each with its own connection, released
    together. On PostgreSQL the second waits on the row lock, on SQLite on the write
    lock; either way it then sees the first move and is refused."""
    scheme = SchemeFactory()
    people = {"first": UserFactory(), "second": UserFactory()}
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    @retry_when_locked
    def open_applications(actor):
        with transaction.atomic():
            transition(actor=actor, subject=scheme, to=SchemeStatus.APPLICATIONS_OPEN)

    def run(name):
        try:
            barrier.wait(timeout=10)
            open_applications(people[name])
            outcomes[name] = "moved"
        except TransitionRefused as error:
            outcomes[name] = error
        except Exception as error:  # reported by the assertion below
            outcomes[name] = repr(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(name,)) for name in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    winners = [name for name, outcome in outcomes.items() if outcome == "moved"]
    losers = [o for o in outcomes.values() if isinstance(o, TransitionRefused)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert "is applications open, so it cannot move to applications open" in str(losers[0])
    rows = list(history(scheme))
    assert [r.status for r in rows] == ["set_up", "applications_open"]
    assert rows[-1].actor == people[winners[0]]
    assert connection.vendor in {"postgresql", "sqlite"}
