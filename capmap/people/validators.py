"""Professional registration and whole-time equivalent rules; each docstring is the
message a person sees."""

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError


def _rule(pattern: str):
    compiled = re.compile(pattern)
    return lambda number: bool(compiled.fullmatch(number))


def gphc_number(number: str) -> None:
    """A GPhC registration number is 7 digits, like 2087654."""


def nmc_pin(number: str) -> None:
    """An NMC PIN is 2 digits, a letter, 4 digits and a letter, like 12A3456E."""


def hcpc_number(number: str) -> None:
    """An HCPC registration number is 2 letters then 5 or 6 digits, like PH123456."""


def gmc_number(number: str) -> None:
    """A GMC reference number is 7 digits, like 7012345."""


REGISTRATION_FORMATS = {
    "GPhC": (_rule(r"\d{7}"), gphc_number.__doc__),
    "NMC": (_rule(r"\d{2}[A-Z]\d{4}[A-Z]"), nmc_pin.__doc__),
    "HCPC": (_rule(r"[A-Z]{2}\d{5,6}"), hcpc_number.__doc__),
    "GMC": (_rule(r"\d{7}"), gmc_number.__doc__),
}


def normalise_registration_number(number: str) -> str:
    return re.sub(r"\s+", "", number or "").upper()


def validate_registration(body: str, number: str) -> None:
    """Check a registration number against its body's format; raise with the body's rule."""
    number = normalise_registration_number(number)
    if not body:
        if number:
            raise ValidationError(
                {"registration_body": "Choose the body that issued this registration number."}
            )
        return
    if not number:
        raise ValidationError({"registration_number": f"Enter the {body} registration number."})
    matches, message = REGISTRATION_FORMATS[body]
    if not matches(number):
        raise ValidationError({"registration_number": message})


FTE_MIN, FTE_MAX = Decimal("0.01"), Decimal("1.50")


def validate_fte(value) -> None:
    """The whole-time equivalent must be a number from 0.01 to 1.5, like 1 for full time or
    0.6 for three days a week."""
    if value is None or not (FTE_MIN <= Decimal(value) <= FTE_MAX):
        raise ValidationError(" ".join((validate_fte.__doc__ or "").split()), code="fte")


def parse_fte(text: str) -> Decimal:
    """A whole-time equivalent from a cell, checked by validate_fte; ValueError when not."""
    message = " ".join((validate_fte.__doc__ or "").split())
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(message) from None
    if not value.is_finite() or value != value.quantize(Decimal("0.01")):
        raise ValueError(message + " Use at most two decimal places.")
    try:
        validate_fte(value)
    except ValidationError:
        raise ValueError(message) from None
    # Two places, as the model holds it after a save: the audit entry reads 0.60, not 0.6.
    return value.quantize(Decimal("0.01"))
