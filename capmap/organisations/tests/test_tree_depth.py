"""An organisation's indentation in a table: its ancestors inside what the user sees."""

from hypothesis import given
from hypothesis import strategies as st

from capmap.organisations.models import Organisation
from capmap.organisations.presenters import ancestors_in_scope


def _counted_one_by_one(path: str, scope: list[str]) -> int:
    """The definition: each ancestor above the organisation that lies inside the scope."""
    ancestors = Organisation(path=path).ancestor_paths()[:-1]
    return sum(1 for a in ancestors if any(a.startswith(root) for root in scope))


def _path(ids: list[int]) -> str:
    return "/" + "".join(f"{pk}/" for pk in ids)


# Paths in a small tree (ids 1-4 at each of up to five levels), so that scope roots
# often sit above, at or beside the organisation.
paths = st.lists(st.integers(1, 4), min_size=1, max_size=5).map(_path)


@given(path=paths, scope=st.lists(paths, max_size=4))
def test_the_depth_is_the_number_of_ancestors_inside_the_scope(path, scope):
    assert ancestors_in_scope(path, scope) == _counted_one_by_one(path, scope)


def test_a_pcn_managers_pcn_sits_at_the_edge_and_its_practice_one_step_in():
    pcn, practice, elsewhere = "/1/2/3/", "/1/2/3/7/", "/1/2/9/"
    assert ancestors_in_scope(pcn, [pcn]) == 0
    assert ancestors_in_scope(practice, [pcn]) == 1
    # Someone who also sees the whole ICS counts from its top.
    assert ancestors_in_scope(practice, [pcn, "/1/"]) == 3
    assert ancestors_in_scope(elsewhere, [pcn]) == 0
