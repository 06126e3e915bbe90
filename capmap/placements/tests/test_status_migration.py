"""Upgrading a database whose schemes and runs kept their state in mutable fields: every
existing state arrives as status rows, so nothing a programme lead sees changes."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("placements", "0002_feedback_and_outcomes")]
AFTER = [("placements", "0003_status_rows_for_schemes_and_allocation_runs")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_latest():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_latest")
def test_existing_scheme_statuses_and_confirmed_runs_become_status_rows():
    old = migrate(BEFORE)
    User = old.get_model("accounts", "User")
    Organisation = old.get_model("organisations", "Organisation")
    Scheme = old.get_model("placements", "Scheme")
    Change = old.get_model("placements", "SchemeStatusChange")
    Run = old.get_model("placements", "AllocationRun")
    lead = User.objects.create(email="lead@example.org")
    ics = Organisation.objects.create(name="ICS", kind="ics", path="/1/")
    dates = {"starts_on": datetime.date(2027, 1, 1), "ends_on": datetime.date(2027, 6, 30)}
    # One scheme whose rows agree with its field, one with no rows at all.
    agreed = Scheme.objects.create(owner=ics, title="Agreed", status="allocating", **dates)
    Change.objects.create(scheme=agreed, status="set_up", changed_by=lead)
    Change.objects.create(scheme=agreed, status="allocating", changed_by=lead)
    bare = Scheme.objects.create(owner=ics, title="Bare", status="running", **dates)
    confirmed_at = timezone.now() + datetime.timedelta(minutes=5)
    run = {"algorithm": "stable", "seed": 1, "instance": {}, "result": {}, "run_by": lead}
    earlier = Run.objects.create(scheme=bare, **run)
    chosen = Run.objects.create(scheme=bare, confirmed_by=lead, confirmed_at=confirmed_at, **run)
    preview = Run.objects.create(scheme=agreed, **run)

    new = migrate(AFTER)
    Change = new.get_model("placements", "SchemeStatusChange")
    RunStatus = new.get_model("placements", "AllocationRunStatus")

    def statuses(model, **subject):
        return list(
            model.objects.filter(**subject).order_by("at", "pk").values_list("status", "actor_id")
        )

    assert statuses(Change, scheme_id=agreed.pk) == [("set_up", lead.pk), ("allocating", lead.pk)]
    assert statuses(Change, scheme_id=bare.pk) == [("running", None)]
    assert statuses(RunStatus, run_id=chosen.pk) == [("previewed", lead.pk), ("confirmed", lead.pk)]
    assert RunStatus.objects.get(run_id=chosen.pk, status="confirmed").at == confirmed_at
    assert statuses(RunStatus, run_id=earlier.pk) == [("previewed", lead.pk), ("discarded", None)]
    assert statuses(RunStatus, run_id=preview.pk) == [("previewed", lead.pk)]
