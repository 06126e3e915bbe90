"""Validation rules for organisations; each docstring is the message a person sees."""

import re

from django.core.exceptions import ValidationError

# ODS codes as NHS Digital issues them: 3 characters for trusts, ICBs, sub-ICB locations
# and Welsh health boards (RF4, QMF, 00K, 36J, 7A1), 5 for sites and independent providers
# (RF401, 7A1A1, 8JW88), 6 for GP practices and PCNs (F86001, U89141). Any character may
# be a digit, the first included; up to 8 leaves room for the longer codes ODS issues to
# a few other services.
_ODS_CODE = re.compile(r"^[A-Z0-9]{3,8}$")


def normalise_ods_code(text: str) -> str:
    """The code as ODS writes it: spaces around it removed, letters in capitals."""
    return text.strip().upper()


def validate_ods_code(value: str) -> None:
    """Enter an ODS code: 3 to 8 letters or digits, like RF4, 7A1, 00K, 8JW88 or F86001."""
    if value and not _ODS_CODE.match(value):
        raise ValidationError(validate_ods_code.__doc__, code="ods_code")
