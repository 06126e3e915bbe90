"""Values that cross layers: what a form or an import row says a staff record should hold."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from capmap.organisations.models import Organisation

from .models import JobRole


@dataclass
class PersonDetails:
    first_name: str
    last_name: str
    job_role: JobRole
    employer: Organisation
    start_date: date
    email: str = ""
    stage: str = ""
    registration_body: str = ""
    registration_number: str = ""
    afc_band: str = ""
    sites: list[Organisation] = field(default_factory=list)
    end_date: date | None = None
    # Whole-time equivalent; None leaves it as it is (a new record starts at 1.00).
    fte: Decimal | None = None
    # The e-mail of the user account to link; "" unlinks, None leaves the link as it is.
    user_email: str | None = None
