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
