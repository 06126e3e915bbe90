"""Validation rules for organisations; each docstring is the message a person sees."""

import re

from django.core.exceptions import ValidationError

# ODS codes: 3 characters for trusts and ICBs (RF4, QMF), 5 for sites and PCN-like
# bodies (RF401, U12345), 6 for GP practices (F86001): letters and digits only.
_ODS_CODE = re.compile(r"^[A-Z][A-Z0-9]{2}([A-Z0-9]{2,3})?$")


def validate_ods_code(value: str) -> None:
    """Enter an ODS code: a capital letter then 2, 4 or 5 letters or digits, like RF4 or F86001."""
    if value and not _ODS_CODE.match(value):
        raise ValidationError(validate_ods_code.__doc__, code="ods_code")
