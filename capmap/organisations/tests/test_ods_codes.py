"""Every real ODS code is accepted, whatever its first character; codes are folded and trimmed."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from capmap.organisations.forms import OrganisationForm
from capmap.organisations.validators import normalise_ods_code, validate_ods_code

REAL_CODES = [
    "RF4",  # Barking, Havering and Redbridge University Hospitals NHS Trust
    "QMF",  # NHS North East London ICB
    "7A1",  # Betsi Cadwaladr University Health Board
    "7A2",
    "7A3",
    "7A4",
    "7A5",
    "7A6",
    "7A7",  # Powys Teaching Health Board
    "7A1A1",  # a Welsh health board's hospital site
    "00K",  # a CCG / sub-ICB location
    "36J",
    "99A",
    "8JW88",  # an independent provider
    "RF401",  # a trust site
    "F86001",  # a GP practice
    "U89141",  # a PCN
    "W91016",  # a Welsh GP practice
]
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


@pytest.mark.parametrize("code", REAL_CODES)
def test_every_real_kind_of_ods_code_is_accepted(code):
    validate_ods_code(code)


@pytest.mark.parametrize("code", ["RF", "RF4-01", "F86 001", "ABCDEFGHI", "rf4", "ÄB1"])
def test_a_code_that_is_no_ods_code_is_refused_with_a_plain_sentence(code):
    with pytest.raises(ValidationError) as refused:
        validate_ods_code(code)

    assert refused.value.messages == [
        "Enter an ODS code: 3 to 8 letters or digits, like RF4, 7A1, 00K, 8JW88 or F86001."
    ]


@given(st.text(alphabet=ALPHABET, min_size=3, max_size=8))
def test_any_3_to_8_capital_letters_or_digits_are_a_code(code):
    validate_ods_code(code)


@given(
    st.text(alphabet=ALPHABET + "abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=8),
    st.text(alphabet=" \t", max_size=3),
    st.text(alphabet=" \t\n", max_size=3),
)
def test_a_code_typed_in_lower_case_or_with_spaces_around_it_is_folded(code, before, after):
    folded = normalise_ods_code(before + code + after)

    assert folded == code.upper()
    validate_ods_code(folded)


def test_the_organisation_form_takes_a_welsh_health_board_typed_loosely():
    form = OrganisationForm(
        data={"name": "Powys Teaching Health Board", "kind": "ics", "ods_code": " 7a7 "},
        parents=[],
        top_level_allowed=True,
    )
    form.is_valid()

    assert "ods_code" not in form.errors
    assert form.cleaned_data["ods_code"] == "7A7"
