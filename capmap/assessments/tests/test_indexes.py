"""Indexes the capability reports rely on exist in the migrated database."""

import pytest
from django.db import connection

from capmap.assessments.models import CurrentCapability

pytestmark = pytest.mark.django_db


def test_current_capability_is_indexed_by_competency_level_and_person_for_training_needs():
    table = CurrentCapability._meta.db_table
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    indexed = [c["columns"] for c in constraints.values() if c["index"]]
    assert ["competency_id", "level", "person_id"] in indexed
