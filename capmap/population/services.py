"""State changes for population need: importing QOF prevalence, linking pathways to
registers. Each one checks permission, runs in one transaction and is audited."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction

from capmap.core.actors import is_system, require_actor, set_actor, user_or_none
from capmap.core.exceptions import DomainError, NotPermitted
from capmap.core.importing import fetch_in_chunks
from capmap.frameworks.models import CarePathway
from capmap.organisations.models import Organisation, OrganisationKind
from capmap.people import policy

from . import qof
from .models import PathwayRegister, PopulationImport, RegisterCount

BATCH = 2_000
# Identifiers in double quotes, which SQLite and PostgreSQL both read as names.
INSERT_COUNT = (
    'INSERT INTO "population_registercount" '
    '("practice_id", "year", "register", "patients", "list_type", "list_size") '
    "VALUES (%s, %s, %s, %s, %s, %s)"
)
COPY_COUNTS = (
    'COPY "population_registercount" '
    '("practice_id", "year", "register", "patients", "list_type", "list_size") FROM STDIN'
)


class PopulationRejected(DomainError):
    """The file had mistakes; nothing was saved. `plan.mistakes` lists every one."""

    def __init__(self, plan: PopulationPlan):
        self.plan = plan
        count = len(plan.mistakes)
        noun = "row needs" if count == 1 else "rows need"
        super().__init__(f"Nothing was imported: {count} {noun} correcting.")


@dataclass
class PopulationPlan:
    """What importing a prevalence file for a year would do, within the actor's tree."""

    year: str
    rows: list[qof.RegisterRow] = field(default_factory=list)  # rows for practices in scope
    mistakes: list[qof.RowMistake] = field(default_factory=list)
    practice_ids: dict[str, int] = field(default_factory=dict)  # ODS code -> id, in scope
    skipped_rows: int = 0
    skipped_practices: int = 0
    replaced: int = 0  # rows of the same year there already, which the import replaces
    registers: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mistakes and bool(self.rows)

    @property
    def practices(self) -> int:
        return len({row.practice_code for row in self.rows})


def can_import_population(actor) -> bool:
    """ICS admins (those who manage organisations) import population figures for their tree."""
    return policy.allows_anywhere(actor, policy.MANAGE_ORGANISATIONS)


def _practices_in_scope(actor):
    return policy.organisations(actor, policy.MANAGE_ORGANISATIONS).filter(
        kind=OrganisationKind.PRACTICE
    )


def plan_population_import(*, actor, content: bytes, year: str) -> PopulationPlan:
    """Read and check the file: which rows fall in the actor's tree, which practices are
    not in Capmap (skipped and counted: a region imports the national file), and which
    rows are malformed. Raises PrevalenceFileRefused when the file cannot be read."""
    require_actor(actor)
    if not can_import_population(actor):
        raise NotPermitted("You cannot import population figures.")
    try:
        year = qof.check_year(year)
    except ValueError as error:
        raise DomainError(str(error)) from None
    parsed = qof.read_prevalence(content)
    plan = PopulationPlan(year=year, mistakes=parsed.mistakes)
    known = fetch_in_chunks(_practices_in_scope(actor), "ods_code", parsed.practice_codes)
    plan.practice_ids = {
        str(o.ods_code).upper(): o.pk for o in known if isinstance(o, Organisation)
    }
    for row in parsed.rows:
        if row.practice_code in plan.practice_ids:
            plan.rows.append(row)
        else:
            plan.skipped_rows += 1
    plan.skipped_practices = len(parsed.practice_codes - set(plan.practice_ids))
    plan.registers = sorted({row.register for row in plan.rows})
    plan.replaced = _existing(actor, year).count()
    return plan


def _existing(actor, year: str):
    existing = RegisterCount.objects.filter(year=year)
    if is_system(actor):
        return existing
    return existing.filter(practice__in=_practices_in_scope(actor))


def _insert_counts(plan: PopulationPlan) -> None:
    """Write the counts with one prepared INSERT run over batches of rows: the ORM's
    bulk_create spends most of a national import building model instances (about 25 s
    for England against a few seconds this way). Counts carry no audit of their own: the
    PopulationImport row records the import."""
    sql = INSERT_COUNT
    values = [
        (
            plan.practice_ids[row.practice_code],
            plan.year,
            row.register,
            row.patients,
            row.list_type,
            row.list_size,
        )
        for row in plan.rows
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # COPY: one stream instead of a round trip a row
            with cursor.cursor.copy(COPY_COUNTS) as copy:
                for value in values:
                    copy.write_row(value)
            return
        for start in range(0, len(values), BATCH):
            cursor.executemany(sql, values[start : start + BATCH])


def _scope(actor) -> Organisation | None:
    if is_system(actor):
        return None
    return policy.organisations(actor, policy.MANAGE_ORGANISATIONS).order_by("path").first()


@transaction.atomic
def import_population(*, actor, content: bytes, year: str) -> PopulationPlan:
    """Import the year's figures for every practice of the actor's tree in the file, or
    nothing: raises PopulationRejected when any row is malformed. The year's earlier
    figures for those practices are replaced, so importing the same file again changes
    nothing; other years are kept side by side."""
    plan = plan_population_import(actor=actor, content=content, year=year)
    if plan.mistakes:
        raise PopulationRejected(plan)
    _existing(actor, plan.year).delete()
    _insert_counts(plan)
    with set_actor(actor):
        PopulationImport.objects.create(
            year=plan.year,
            scope=_scope(actor),
            imported_by=user_or_none(actor),
            rows=len(plan.rows),
            practices=plan.practices,
            replaced=plan.replaced,
            skipped_rows=plan.skipped_rows,
            skipped_practices=plan.skipped_practices,
        )
    return plan


# --- Pathways and the registers they serve ------------------------------------------------


@transaction.atomic
def set_pathway_registers(*, actor, pathway: CarePathway, registers: Iterable[str]) -> list[str]:
    """Say which QOF registers the pathway serves. Whoever may change the pathway (its
    owner's framework authors; the shared library's are system administrators) may."""
    require_actor(actor)
    if not policy.allows(actor, policy.AUTHOR_FRAMEWORKS, pathway.owner):
        if pathway.owner_id is None:
            raise NotPermitted("Only a system administrator can change the shared library.")
        raise NotPermitted(f"You cannot change the pathways of {pathway.owner}.")
    wanted = {code.strip().upper() for code in registers if code.strip()}
    unknown = sorted(wanted - set(qof.REGISTERS))
    if unknown:
        raise DomainError(f"Choose QOF registers from the list, not {', '.join(unknown)}.")
    with set_actor(actor):
        for link in PathwayRegister.objects.filter(pathway=pathway).exclude(register__in=wanted):
            link.delete()  # one by one, so each removal is in the audit trail
        have = set(
            PathwayRegister.objects.filter(pathway=pathway).values_list("register", flat=True)
        )
        for code in sorted(wanted - have):
            PathwayRegister.objects.create(pathway=pathway, register=code)
    return sorted(wanted)
