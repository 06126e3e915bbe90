"""Two supervisors sign off the same assessment at the same moment: exactly one wins.

Real concurrent transactions: two threads, each with its own database connection,
released together by a barrier. On PostgreSQL the loser waits on the row lock
(select_for_update) and then sees the sign-off; on SQLite the write lock taken at
BEGIN IMMEDIATE serialises them the same way. CI runs this on both.
"""

import threading

import pytest
from django.db import connection, connections

from capmap.assessments import services
from capmap.assessments.models import AssessmentStatus, CurrentCapability, SignOff, State
from capmap.assessments.services import AlreadyDecided
from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory

from .factories import levels, submitted_assessment, world


@pytest.mark.django_db(transaction=True)
def test_two_supervisors_signing_off_at_once_exactly_one_succeeds():
    w = world()
    second_manager = MembershipFactory(organisation=w.orgs.pcn_a, role=Role.MANAGER).user
    assessment = submitted_assessment(w)
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def sign_off(name, actor, ratings):
        try:
            barrier.wait(timeout=10)
            services.sign_off_assessment(actor=actor, assessment=assessment, ratings=ratings)
            outcomes[name] = "signed"
        except AlreadyDecided as error:
            outcomes[name] = error
        except Exception as error:  # reported by the assertion below
            outcomes[name] = repr(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=sign_off, args=("mentor", w.mentor, levels(w, 2, 2, 2))),
        threading.Thread(target=sign_off, args=("manager", second_manager, levels(w, 3, 3, 3))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    winners = [name for name, outcome in outcomes.items() if outcome == "signed"]
    losers = [outcome for outcome in outcomes.values() if isinstance(outcome, AlreadyDecided)]
    assert len(winners) == 1, outcomes
    assert len(losers) == 1, outcomes
    assert "signed off by" in str(losers[0]) and "Nothing was changed" in str(losers[0])
    assert SignOff.objects.filter(assessment=assessment).count() == 1
    statuses = AssessmentStatus.objects.filter(assessment=assessment, status=State.SIGNED_OFF)
    assert statuses.count() == 1
    winner_level = 2 if winners == ["mentor"] else 3
    levels_held = set(
        CurrentCapability.objects.filter(person=w.pharmacist).values_list("level", flat=True)
    )
    assert levels_held == {winner_level}
    assert connection.vendor in {"postgresql", "sqlite"}
