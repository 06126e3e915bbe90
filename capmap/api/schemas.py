"""The shapes the API reads and writes.

The API is read-only, so its inputs are query strings and path segments: text by
nature, parsed into the declared types and bounded (lengths, ranges, no control
characters). A JSON request body, when one comes, gets a schema with
`model_config = ConfigDict(strict=True)` so nothing is coerced.
"""

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

# Text a query may carry: printable, no NUL (which no database stores).
SAFE_TEXT = r"^[^\x00-\x1f\x7f]*$"
MAX_LIMIT = 100
MAX_OFFSET = 1_000_000
MAX_ID = 2**63 - 1


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: list[dict[str, Any]]


class PeopleQuery(Schema):
    search: str = Field(
        "",
        max_length=100,
        pattern=SAFE_TEXT,
        description="Every word must match part of a name, e-mail or registration number.",
    )
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class MembershipOut(Schema):
    organisation_id: int
    organisation_name: str
    role: str


class MeOut(Schema):
    id: int
    email: str
    first_name: str
    last_name: str
    memberships: list[MembershipOut]


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    ods_code: str
    parent_id: int | None


class JobRoleOut(Schema):
    slug: str
    name: str


class EmployerOut(Schema):
    id: int
    name: str


class PersonOut(Schema):
    id: int
    first_name: str
    last_name: str
    email: str
    job_role: JobRoleOut
    stage: str
    registration_body: str
    registration_number: str
    afc_band: str
    employer: EmployerOut
    start_date: date
    end_date: date | None


class PeoplePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[PersonOut]


class CapabilityOut(Schema):
    competency_id: int
    code: str
    title: str
    framework: str
    level: int
    level_label: str
    signed_by: str
    signed_at: datetime


class FrameworkOwnerOut(Schema):
    id: int
    name: str


class FrameworkOut(Schema):
    slug: str
    title: str
    description: str
    owner: FrameworkOwnerOut | None
    version_count: int
