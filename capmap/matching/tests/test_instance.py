import json

import pytest
from hypothesis import given

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


def test_an_empty_id_and_an_object_that_is_a_mapping_but_not_a_dict():
    from types import MappingProxyType

    data = valid()
    data["placements"][1] = MappingProxyType(data["placements"][1])
    assert parse_instance(data) == parse_instance(valid())
    data["placements"][0]["id"] = ""
    with pytest.raises(InvalidInstance) as refused:
        parse_instance(data)
    assert str(refused.value) == 'placements[0]: "id" must be a non-empty string'
