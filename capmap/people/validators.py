"""Professional registration rules; each docstring is the message a person sees."""

import re

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
