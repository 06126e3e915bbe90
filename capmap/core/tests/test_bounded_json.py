"""JSON read from people's files is refused past a nesting depth, before it can recurse."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from capmap.core.bounded_json import TooDeeplyNested, loads, nesting_depth_exceeds

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet=st.characters(), max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=20,
)


def depth(value) -> int:
    if isinstance(value, dict):
        return 1 + max(map(depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(depth, value), default=0)
    return 0


@given(json_values, st.integers(min_value=0, max_value=8), st.booleans())
def test_the_measured_depth_is_the_real_one_whatever_the_strings_hold(value, limit, ascii):
    text = json.dumps(value, ensure_ascii=ascii)
    assert nesting_depth_exceeds(text, limit) == (depth(value) > limit)


def test_a_file_of_opening_brackets_is_refused_with_a_sentence():
    with pytest.raises(TooDeeplyNested, match="more than 10 levels deep"):
        loads("[" * 1_000_000, max_depth=10)


def test_brackets_inside_strings_and_escaped_quotes_do_not_count():
    text = json.dumps({"a": '"[[[[\\"{{{{', "b": ["]]]]"]})
    assert loads(text, max_depth=2) == {"a": '"[[[[\\"{{{{', "b": ["]]]]"]}


def test_malformed_json_is_still_reported_by_the_parser():
    with pytest.raises(json.JSONDecodeError):
        loads('{"a": ', max_depth=5)


def test_brackets_inside_strings_count_for_nothing_in_a_file_without_escapes():
    # No backslash anywhere: the quick path sees the quote left around "[[[[" and hands the
    # text to the exact one, which must not count the brackets inside either string.
    text = json.dumps({"a": "[[[[", "b": ["]]]]", "x"], "c": [[[]]]})
    assert "\\" not in text
    assert not nesting_depth_exceeds(text, 4)
    assert nesting_depth_exceeds(text, 3)


@given(json_values, st.integers(min_value=0, max_value=8))
def test_a_file_without_escapes_measures_the_same_as_with_them(value, limit):
    # Only the file with escapes (ensure_ascii) can take the exact path for sure; both
    # spellings of the same value must give the same answer.
    unescaped = json.dumps(value, ensure_ascii=False)
    escaped = json.dumps(value, ensure_ascii=True)
    assert nesting_depth_exceeds(unescaped, limit) == nesting_depth_exceeds(escaped, limit)
