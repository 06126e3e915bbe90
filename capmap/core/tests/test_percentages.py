"""The small-number rule: percentages from fewer than five say so."""

import pytest

from capmap.core.percentages import SMALL_NUMBER, is_too_few, share_text


@pytest.mark.parametrize(
    ("part", "whole", "shown"),
    [
        (1, 1, "100% (from 1 answer — too few to rely on)"),
        (3, 4, "75% (from 4 answers — too few to rely on)"),
        (3, 5, "60%"),
        (0, 20, "0%"),
        (0, 0, "None yet"),
    ],
)
def test_a_percentage_from_fewer_than_five_carries_a_warning(part, whole, shown):
    assert share_text(part, whole) == shown


def test_the_warning_names_what_was_counted():
    assert share_text(1, 2, noun=("person placed", "people placed")) == (
        "50% (from 2 people placed — too few to rely on)"
    )


def test_five_is_enough():
    assert SMALL_NUMBER == 5
    assert is_too_few(4) and not is_too_few(5) and not is_too_few(0)
