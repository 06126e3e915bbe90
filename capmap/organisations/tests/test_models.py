import pytest

from capmap.organisations.models import Organisation

from .factories import tree

pytestmark = pytest.mark.django_db


def test_a_practice_knows_its_ancestors_from_the_ics_down_including_itself():
    t = tree()

    assert t.practice_a.ancestor_ids() == [t.ics.pk, t.pcn_a.pk, t.practice_a.pk]
    assert t.practice_a.ancestor_paths() == [t.ics.path, t.pcn_a.path, t.practice_a.path]


def test_an_ics_is_its_own_only_ancestor():
    t = tree()

    assert t.ics.ancestor_ids() == [t.ics.pk]
    assert t.ics.ancestor_paths() == [t.ics.path]


def test_a_sibling_pcn_is_never_an_ancestor():
    t = tree()

    assert t.pcn_b.pk not in t.practice_a.ancestor_ids()
    assert t.pcn_b.path not in t.practice_a.ancestor_paths()


def test_an_unsaved_organisation_has_no_ancestors_yet():
    assert Organisation(name="New").ancestor_ids() == []
    assert Organisation(name="New").ancestor_paths() == []
