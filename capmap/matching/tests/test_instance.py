import json
from types import MappingProxyType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from capmap.matching import InvalidInstance, parse_instance

from .malformed import MALFORMED, valid
from .strategies import raw_instances


@pytest.mark.parametrize("name", MALFORMED)
def test_malformed_instance_is_refused_with_a_message_naming_the_entry(name):
    data, message = MALFORMED[name]
    with pytest.raises(InvalidInstance) as refused:
        parse_instance(data)
    assert str(refused.value) == message


def test_instance_is_indexed_in_file_order_with_eligible_pairs_only():
    instance = parse_instance(valid())
    assert instance.applicant_ids == ("a1", "a2")
    assert instance.preferences == ((1, 0), (0,))
    assert instance.capacities == (2, 0)
    # a1 is not in p2's priority, so only p1 (their second choice) is eligible.
    assert instance.eligible.placements_of(0) == [0]
    assert instance.eligible.choice.tolist() == [1, 0]
    assert instance.eligible.priority.tolist() == [0, 1]


@given(raw_instances())
def test_every_valid_instance_survives_a_json_round_trip(raw):
    assert parse_instance(json.loads(json.dumps(raw))) == parse_instance(raw)


def test_the_first_bad_entry_in_file_order_is_named_when_several_are_bad():
    # The list-at-a-time checks only find that something is wrong; the message must still
    # name the first offending entry, exactly as the entry-by-entry check does.
    data = valid()
    data["applicants"] += [
        {"id": "a3", "preferences": ["p1", 5, "p1"]},
        {"id": "a4", "preferences": ["p9"]},
    ]
    data["placements"][0]["priority"].append("a9")
    with pytest.raises(InvalidInstance) as refused:
        parse_instance(data)
    assert (
        str(refused.value)
        == 'applicant "a3": preference 2 must be a placement id (a string), not a number'
    )


def test_ids_that_are_not_hashable_are_refused_with_the_entry_named():
    data = valid()
    data["applicants"][1]["id"] = ["a2"]
    with pytest.raises(InvalidInstance) as refused:
        parse_instance(data)
    assert str(refused.value) == 'applicants[1]: "id" must be a non-empty string'


def test_an_entry_that_is_a_mapping_but_not_a_dict_is_read_and_an_empty_id_is_refused():
    data = valid()
    data["placements"][1] = MappingProxyType(data["placements"][1])
    assert parse_instance(data) == parse_instance(valid())
    data["placements"][0]["id"] = ""
    with pytest.raises(InvalidInstance) as refused:
        parse_instance(data)
    assert str(refused.value) == 'placements[0]: "id" must be a non-empty string'


class _Listed(list):
    """A list the list-at-a-time checks do not take, so the entry-by-entry ones run."""


class _Whole(int):
    """An int the list-at-a-time capacity check does not take."""


def _one_by_one(raw):
    """The same instance, in types that send every check down the entry-by-entry path
    (entries, their lists and capacities; a bad value inside is left as it is, so it is
    named the same way)."""

    def entry(value):
        if not isinstance(value, dict):
            return value
        return MappingProxyType({k: field(v) for k, v in value.items()})

    def field(value):
        if type(value) is list:
            return _Listed(value)
        return _Whole(value) if type(value) is int else value

    return {section: [entry(e) for e in entries] for section, entries in raw.items()}


def _outcome(data):
    try:
        return parse_instance(data)
    except InvalidInstance as refused:
        return str(refused)


KEYS = {"applicants": ["id", "preferences"], "placements": ["id", "capacity", "priority"]}
BAD_VALUES = [-1, 1.5, True, None, "", "a0", "p0", [], {}]


@given(raw_instances(max_applicants=3, max_placements=2), st.data())
def test_list_at_a_time_checks_give_the_entry_by_entry_answer(raw, data):
    # A few random entries spoiled: both paths must refuse with the same message (the
    # first bad entry in file order) or accept the same instance.
    for _ in range(data.draw(st.integers(1, 2))):
        section = data.draw(st.sampled_from(["applicants", "placements"]))
        entries = raw[section]
        if not entries:
            continue
        i = data.draw(st.integers(0, len(entries) - 1))
        key = data.draw(st.sampled_from(KEYS[section]))
        spoil = data.draw(st.sampled_from(["entry", "drop", "value", "item", "repeat"]))
        bad = data.draw(st.sampled_from(BAD_VALUES))
        entry = entries[i]
        listed = entry.get(key) if isinstance(entry, dict) else None
        if spoil == "entry" or not isinstance(entry, dict):
            entries[i] = bad
        elif spoil == "drop" and key in entry:
            del entry[key]
        elif spoil in ("item", "repeat") and isinstance(listed, list) and listed:
            k = data.draw(st.integers(0, len(listed) - 1))
            if spoil == "item":
                listed[k] = bad
            else:
                listed.insert(data.draw(st.integers(0, len(listed))), listed[k])
        else:
            entry[key] = bad
    assert _outcome(raw) == _outcome(_one_by_one(raw))


def test_preferences_given_as_an_object_are_refused_even_when_its_keys_are_placements():
    # Looking ids up over an object would walk its keys: the list check must come first.
    data = valid()
    data["applicants"][1]["preferences"] = {"p1": 1}
    with pytest.raises(InvalidInstance) as refused:
        parse_instance(data)
    assert str(refused.value) == 'applicant "a2": "preferences" must be a list, not an object'
