"""read_rows gives a values_list query's rows, as the ORM would, in one fetch."""

import pytest

from capmap.core.bulk import read_rows
from capmap.organisations.models import Organisation
from capmap.organisations.tests.factories import tree

pytestmark = pytest.mark.django_db


def test_read_rows_are_the_querysets_rows():
    t = tree()
    query = Organisation.objects.filter(path__startswith=t.pcn_a.path).order_by("pk")
    columns = query.values_list("pk", "name", "parent_id")
    assert read_rows(columns) == list(columns)
    assert {pk for pk, _, _ in read_rows(columns)} >= {t.pcn_a.pk, t.practice_a.pk}


def test_read_rows_of_an_empty_choice_asks_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert read_rows(Organisation.objects.filter(pk__in=[]).values_list("pk")) == []
