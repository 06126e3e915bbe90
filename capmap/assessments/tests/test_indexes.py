"""Indexes the capability reports rely on exist in the migrated database."""

import pytest
from django.db import connection

from capmap.assessments.models import CapabilityEvent, CurrentCapability

pytestmark = pytest.mark.django_db


def test_current_capability_is_indexed_by_competency_level_and_person_for_training_needs():
    table = CurrentCapability._meta.db_table
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    indexed = [c["columns"] for c in constraints.values() if c["index"]]
    assert ["competency_id", "level", "person_id"] in indexed


def _leading_columns(model) -> set[str]:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {
        c["columns"][0]
        for c in constraints.values()
        if (c["index"] or c["unique"] or c["primary_key"]) and c["columns"]
    }


def test_every_link_from_the_history_is_found_through_an_index_that_starts_with_it():
    # Deleting a person, a competency, a sign-off or a level looks up the rows pointing at
    # it; ADR 0018 dropped the indexes that another one already served.
    links = {
        CapabilityEvent: [
            "person_id",
            "competency_id",
            "signed_by_id",
            "sign_off_id",
            "competency_sign_off_id",
            "withdraws_id",
        ],
        CurrentCapability: ["person_id", "competency_id", "signed_by_id", "event_id"],
    }
    for model, columns in links.items():
        assert set(columns) <= _leading_columns(model), model.__name__
