"""ICS-wide figures from the cache are never stale and never out of scope.

These tests commit for real (transaction=True): the cache is used only outside a
transaction, where every read sees committed data, and each committed write moves the
data version on (capability.data_version).
"""

from __future__ import annotations

import re
import threading

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from capmap.assessments import services as assessment_services
from capmap.assessments.tests.factories import levels, submitted_assessment, world
from capmap.capability import cached, data_version, selectors
from capmap.capability.synthetic import generate_workforce
from capmap.core.actors import SYSTEM
from capmap.frameworks.models import CarePathway, RoleRequirement
from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory
from capmap.people import importing, policy
from capmap.people import services as people_services
from capmap.people.models import Person
from capmap.people.tests.factories import PersonFactory, tree_with_ods_codes
from capmap.people.tests.import_files import csv_file, row

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def w():
    """The assessments world (a junior pharmacist in Riverside PCN with a submitted
    self-assessment), an ICS lead and a manager of another ICS."""
    w = world()
    w.assessment = submitted_assessment(w)
    w.lead = MembershipFactory(organisation=w.orgs.ics, role=Role.MANAGER).user
    elsewhere = tree_with_ods_codes()  # its practice has the import file's ODS code
    w.outsider = MembershipFactory(organisation=elsewhere.ics, role=Role.ADMIN).user
    return w


def _home(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("core:home")).content.decode()


def test_a_level_signed_off_shows_on_the_next_home_page(client, w):
    assert "0 of 1 meet every essential requirement" in _home(client, w.lead)
    assert "0 of 1 meet every essential requirement" in _home(client, w.lead)  # cached
    assessment_services.sign_off_assessment(
        actor=w.mentor, assessment=w.assessment, ratings=levels(w, 2, 2, 2)
    )
    assert "1 of 1 meets every essential requirement" in _home(client, w.lead)


def test_the_second_home_page_makes_fewer_queries_than_the_first(client, w):
    client.force_login(w.lead)
    url = reverse("core:home")
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    with CaptureQueriesContext(connection) as second:
        page = client.get(url).content.decode()
    assert "0 of 1 meet every essential requirement" in page
    assert len(second) < len(first)


def test_training_needs_after_a_sign_off_are_counted_again(client, w):
    client.force_login(w.lead)
    url = reverse("capability:show_training_needs", args=[w.orgs.ics.pk])
    before = _main(client.get(url))
    assert "Reconcile medicines" in before
    assert _main(client.get(url)) == before
    assessment_services.sign_off_assessment(
        actor=w.mentor, assessment=w.assessment, ratings=levels(w, 2, 2, 2)
    )
    assert "Reconcile medicines" not in _main(client.get(url))


def _main(response) -> str:
    """The page without what differs on every response (CSP nonces, CSRF tokens)."""
    return re.sub(r'nonce="[^"]*"|value="[^"]{32,}"', "", response.content.decode())


def test_a_user_from_another_organisation_gets_nothing(client, w):
    _home(client, w.lead)  # the ICS's figures are in the cache
    page = _home(client, w.outsider)
    assert "meets every essential requirement" not in page
    url = reverse("capability:show_training_needs", args=[w.orgs.ics.pk])
    assert client.get(url).status_code == 404


def test_users_with_different_scopes_never_share_an_entry(w):
    # The ICS lead sees two pharmacists; Riverside's manager only its own one, even when
    # asking about the whole ICS right after the lead's answer was cached.
    PersonFactory(employer=w.orgs.practice_b, job_role=w.pharmacist.job_role, stage="junior")
    ics = w.orgs.ics
    assert [line.people for line in cached.role_coverage(w.lead, ics)] == [2]
    assert [line.people for line in cached.role_coverage(w.manager, ics)] == [1]
    # The mentor (no role, one supervision) sees only her mentee.
    assert [line.people for line in cached.role_coverage(w.mentor, ics)] == [1]
    assert cached.role_coverage(w.outsider, ics) == []


def test_users_with_the_same_scope_share_an_entry(w):
    colleague = MembershipFactory(organisation=w.orgs.ics, role=Role.VIEWER).user
    cached.role_coverage(w.lead, w.orgs.ics)
    with CaptureQueriesContext(connection) as shared:
        lines = cached.role_coverage(colleague, w.orgs.ics)
    assert lines == selectors.role_coverage(colleague, w.orgs.ics)
    assert not any("currentcapability" in q["sql"] for q in shared)


def _moves_the_version(write) -> bool:
    before = data_version.current()
    write()
    return data_version.current() != before


def test_an_import_of_staff_moves_the_version(w):
    rows = importing.read_staff_rows(csv_file([row()]))
    assert _moves_the_version(lambda: people_services.import_staff(actor=SYSTEM, rows=rows))
    assert Person.objects.filter(last_name="Patel").exists()


def test_a_bulk_update_moves_the_version(w):
    assert _moves_the_version(lambda: Person.objects.update(stage="senior"))
    assert _moves_the_version(lambda: RoleRequirement.objects.update(level=3))


def test_raw_sql_moves_the_version(w):
    def raw() -> None:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE people_person SET stage = 'senior'")

    assert _moves_the_version(raw)


def test_a_generated_ics_moves_the_version_and_keeps_every_trigger(w):
    """generate sets SQLite's per-row triggers aside while it loads, then moves the version
    once and puts them back: figures cached before it are not served after it."""
    assert _moves_the_version(lambda: generate_workforce(staff=20, seed=31))
    assert data_version.triggers_missing(connection) == []
    assert _moves_the_version(lambda: Person.objects.filter(pk=w.pharmacist.pk).update(stage=""))


def test_every_table_the_aggregates_read_is_versioned(w):
    """A selector that starts reading another table fails here until it is versioned."""
    colleague = MembershipFactory(organisation=w.orgs.ics, role=Role.VIEWER).user
    # Who the user is and what they may see is read first, into the cache key.
    policy.scope_key(colleague, policy.VIEW_LEVELS, Person)
    policy.scope_key(colleague, policy.VIEW_FRAMEWORK, CarePathway)
    with CaptureQueriesContext(connection) as read:
        selectors.role_coverage(colleague, w.orgs.ics)
        selectors.pathway_summaries(colleague, w.orgs.ics)
        selectors.training_needs(colleague, w.orgs.ics)
    tables = {t for q in read for t in re.findall(r'(?:FROM|JOIN) "(\w+)"', q["sql"])}
    assert tables
    assert tables <= set(data_version.versioned_tables())
    assert data_version.triggers_missing(connection) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
def test_a_long_import_does_not_hold_up_other_writers(w):
    """A transaction that moved the version keeps its counter until it commits; another
    writer takes a different counter instead of waiting for it."""
    from django.db import connections
    from django.db.backends.postgresql.base import DatabaseWrapper

    before = data_version.current()
    importer = DatabaseWrapper(connections["default"].settings_dict.copy(), alias="importer")
    try:
        importer.set_autocommit(False)
        with importer.cursor() as cursor:
            cursor.execute("UPDATE people_person SET stage = 'senior'")  # still uncommitted
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
            cursor.execute("UPDATE assessments_currentcapability SET level = level")
            cursor.execute("RESET lock_timeout")
        assert data_version.current().changes == before.changes + 1
        importer.commit()
    finally:
        importer.close()
    assert data_version.current().changes == before.changes + 2


def test_a_request_waits_for_the_figures_another_is_computing(w, monkeypatch):
    """The first requests after a write all miss at once: one computes, the others wait."""
    key = cached._key(
        "role_coverage", data_version.current(), w.lead, w.orgs.ics, {}, pathways=False
    )
    answer = selectors.role_coverage(w.lead, w.orgs.ics)
    cache.add(f"{key}:computing", True, 5)
    threading.Timer(0.2, lambda: cache.set(key, answer)).start()

    def computed_again(*args, **kwargs):
        raise AssertionError("computed beside the request already computing it")

    monkeypatch.setattr(selectors, "role_coverage", computed_again)
    assert cached.role_coverage(w.lead, w.orgs.ics) == answer


class _Down:
    """A cache server that does not answer."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379")

        return fail


def test_figures_are_computed_when_the_cache_is_down(w, monkeypatch):
    monkeypatch.setattr(cached, "cache", _Down())
    lines = cached.role_coverage(w.lead, w.orgs.ics)
    assert lines == selectors.role_coverage(w.lead, w.orgs.ics)
    assert [line.meeting for line in lines] == [0]


class _Moved:
    """A class a cached value was written with, which a later release no longer has."""


def test_an_entry_another_release_wrote_is_computed_again_and_replaced(w, monkeypatch, caplog):
    key = cached._key(
        "role_coverage", data_version.current(), w.lead, w.orgs.ics, {}, pathways=False
    )
    cache.set(key, [_Moved()])
    monkeypatch.delattr(__import__(__name__, fromlist=["_Moved"]), "_Moved")

    lines = cached.role_coverage(w.lead, w.orgs.ics)
    assert lines == selectors.role_coverage(w.lead, w.orgs.ics)
    assert cache.get(key) == lines, "the unreadable entry is replaced"
    assert "could not be read" in caplog.text


def test_a_teams_summaries_read_the_data_version_once_and_answer_as_each_alone(w):
    ics = w.orgs.ics
    with CaptureQueriesContext(connection) as captured:
        roles, pathways = cached.team_summaries(w.lead, ics)
    reads = [q for q in captured.captured_queries if data_version.TABLE in q["sql"]]
    assert len(reads) == 1
    assert (roles, pathways) == (
        cached.role_coverage(w.lead, ics),
        cached.pathway_summaries(w.lead, ics),
    )
    assert [line.people for line in roles] == [1]
    assert cached.team_summaries(w.outsider, ics) == ([], [])
