"""How many people in each tree (an ICS and everything under it) hold each verified level,
kept exact by database triggers: what the ICS-wide training needs count, without reading
12 million current levels each time.

`capmap_held_levels` counts current levels per (root organisation, job role, stage,
competency, level) over every person with no end date, under the root of their employer's
tree (the first id of its materialised path). Smaller subtrees are counted live: a PCN or
a trust reads a few hundred thousand levels at most, and counting every organisation above
each person made 9.7 million rows at 100,000 staff. Triggers on current levels, people and
organisations keep the table equal to that count in the same statement, on both databases
(PostgreSQL: once a statement, from its transition tables; SQLite: once a row), so
sign-offs, withdrawals, imports, role, stage, employer and end-date changes, erasure,
restore, `capmap generate` and raw SQL all keep it exact. It is no Django model: backups
and the test suite's copies leave it alone, and it is emptied with the current levels
(a TRUNCATE trigger, and `clear_if_no_levels` after every flush).

A writing transaction on PostgreSQL adds to the rows of its own data-version counter slot
(`capmap_data_version_slot()`, held by that transaction alone until it ends), so writers
never wait for each other on these rows; readers add the slots up. The selectors decide
when the counts give the live query's answer (capability.selectors.training); this module
only keeps and reads them. docs/adr/0021-held-level-counts.md argues the design.
"""

# Every name put into SQL here is a constant of this module or a model's table name.
# ruff: noqa: S608

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS
from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper

from . import data_version

TABLE = "capmap_held_levels"
PREFIX = "capmap_held_levels"
LEVELS = "assessments_currentcapability"
PEOPLE = "people_person"
ORGANISATIONS = "organisations_organisation"
KEY = "organisation_id, job_role_id, stage, competency_id, level, slot"


def _add(
    levels: str, people: str, sign: str, slot: str, root: str, joins: str = "", where: str = ""
) -> str:
    """The upsert adding `sign` times each (person with no end date x verified level),
    under the root of their employer's tree (`root`, read from the employer `e`), from
    `levels` joined to `people` (tables or transition tables)."""
    return (
        f"INSERT INTO {TABLE} ({KEY}, n) "
        f"SELECT {root}, p.job_role_id, p.stage, l.competency_id, l.level, {slot}, "
        f"{sign} * COUNT(*) "
        f"FROM {levels} l JOIN {people} p ON p.id = l.person_id AND p.end_date IS NULL "
        f"JOIN {ORGANISATIONS} e ON e.id = p.employer_id {joins} "
        f"WHERE TRUE {where} "
        "GROUP BY 1, 2, 3, 4, 5 "
        f"ON CONFLICT ({KEY}) DO UPDATE SET n = {TABLE}.n + excluded.n"
    )


# --- PostgreSQL: one function a table and event, from the statement's transition tables ---

# The first id of a materialised path ("/1/4/9/") is its tree's root.
PG_ROOT = "split_part(e.path, '/', 2)::bigint"
PG_SLOT = "capmap_data_version_slot()"


def _pg_add(levels: str, people: str, sign: str, root: str = PG_ROOT, joins: str = "") -> str:
    return _add(levels, people, sign, PG_SLOT, root, joins)


# People whose counted fields changed, before and after (the transition tables old/new).
_CHANGED_PEOPLE = (
    "(SELECT o.* FROM old o JOIN new n ON n.id = o.id WHERE "
    "(o.job_role_id, o.stage, o.employer_id, o.end_date) IS DISTINCT FROM "
    "(n.job_role_id, n.stage, n.employer_id, n.end_date))"
)
# Organisations whose path changed, with their old path.
_PG_MOVED = (
    "JOIN (SELECT o.id, o.path FROM old o JOIN new n ON n.id = o.id "
    "WHERE o.path IS DISTINCT FROM n.path) moved ON moved.id = e.id"
)
PG_BODIES = {
    (LEVELS, "INSERT"): [_pg_add("new", PEOPLE, "1")],
    (LEVELS, "DELETE"): [_pg_add("old", PEOPLE, "-1")],
    (LEVELS, "UPDATE"): [_pg_add("old", PEOPLE, "-1"), _pg_add("new", PEOPLE, "1")],
    (PEOPLE, "INSERT"): [_pg_add(LEVELS, "new", "1")],
    (PEOPLE, "DELETE"): [_pg_add(LEVELS, "old", "-1")],
    (PEOPLE, "UPDATE"): [
        _pg_add(LEVELS, _CHANGED_PEOPLE, "-1"),
        _pg_add(LEVELS, _CHANGED_PEOPLE.replace("SELECT o.*", "SELECT n.*"), "1"),
    ],
    # Moving an organisation changes its path: its own staff may now count under another
    # root (each organisation below it has its own path updated too).
    (ORGANISATIONS, "UPDATE"): [
        _pg_add(LEVELS, PEOPLE, "-1", PG_ROOT.replace("e.path", "moved.path"), _PG_MOVED),
        _pg_add(LEVELS, PEOPLE, "1", PG_ROOT, _PG_MOVED),
    ],
}
REFERENCING = {
    "INSERT": "REFERENCING NEW TABLE AS new",
    "DELETE": "REFERENCING OLD TABLE AS old",
    "UPDATE": "REFERENCING OLD TABLE AS old NEW TABLE AS new",
}


def _pg_install(cursor) -> None:
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {TABLE} (organisation_id bigint NOT NULL, "
        "job_role_id bigint NOT NULL, stage varchar(40) NOT NULL, competency_id bigint NOT NULL, "
        "level integer NOT NULL, slot integer NOT NULL, n bigint NOT NULL, "
        f"PRIMARY KEY ({KEY}))"
    )
    for (table, event), statements in PG_BODIES.items():
        name = f"{PREFIX}_{table}_{event.lower()}"
        body = ";\n".join(statements)
        cursor.execute(
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN\n{body};\nRETURN NULL;\nEND\n$$"
        )
        cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        cursor.execute(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} {REFERENCING[event]} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )
    cursor.execute(
        f"CREATE OR REPLACE FUNCTION {PREFIX}_truncate() RETURNS trigger LANGUAGE plpgsql "
        f"AS $$ BEGIN TRUNCATE {TABLE}; RETURN NULL; END $$"
    )
    for table in (LEVELS, PEOPLE, ORGANISATIONS):
        name = f"{PREFIX}_{table}_truncate"
        cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        cursor.execute(
            f"CREATE TRIGGER {name} AFTER TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {PREFIX}_truncate()"
        )


# --- SQLite: one trigger a row (one writer at a time: one slot) ----------------------------

SQLITE_ROOT = "CAST(substr(e.path, 2, instr(substr(e.path, 2), '/') - 1) AS integer)"


def _sqlite_add(levels: str, people: str, sign: str, where: str = "", root=SQLITE_ROOT) -> str:
    return _add(levels, people, sign, "0", root, where=where)


def _one(alias: str) -> str:
    """The trigger's OLD or NEW row as a one-row table."""
    return (
        f"(SELECT {alias}.person_id AS person_id, {alias}.competency_id AS competency_id, "
        f"{alias}.level AS level)"
    )


def _one_person(alias: str) -> str:
    return (
        f"(SELECT {alias}.id AS id, {alias}.job_role_id AS job_role_id, {alias}.stage AS stage, "
        f"{alias}.employer_id AS employer_id, {alias}.end_date AS end_date)"
    )


COUNTED_FIELDS = ("job_role_id", "stage", "employer_id", "end_date")
PERSON_CHANGED = "(" + " OR ".join(f"OLD.{f} IS NOT NEW.{f}" for f in COUNTED_FIELDS) + ")"
SQLITE_BODIES = {
    (LEVELS, "INSERT", ""): [_sqlite_add(_one("NEW"), PEOPLE, "1")],
    (LEVELS, "DELETE", ""): [_sqlite_add(_one("OLD"), PEOPLE, "-1")],
    (LEVELS, "UPDATE", ""): [
        _sqlite_add(_one("OLD"), PEOPLE, "-1"),
        _sqlite_add(_one("NEW"), PEOPLE, "1"),
    ],
    (PEOPLE, "INSERT", ""): [_sqlite_add(LEVELS, _one_person("NEW"), "1")],
    (PEOPLE, "DELETE", ""): [_sqlite_add(LEVELS, _one_person("OLD"), "-1")],
    (PEOPLE, "UPDATE", ""): [
        _sqlite_add(LEVELS, _one_person("OLD"), "-1", f"AND {PERSON_CHANGED}"),
        _sqlite_add(LEVELS, _one_person("NEW"), "1", f"AND {PERSON_CHANGED}"),
    ],
}


def _sqlite_organisation_moved() -> list[str]:
    moved = "AND e.id = NEW.id AND OLD.path IS NOT NEW.path"
    return [
        _sqlite_add(LEVELS, PEOPLE, "-1", moved, SQLITE_ROOT.replace("e.path", "OLD.path")),
        _sqlite_add(LEVELS, PEOPLE, "1", moved),
    ]


SQLITE_BODIES[(ORGANISATIONS, "UPDATE", "")] = _sqlite_organisation_moved()


def _sqlite_install(cursor) -> None:
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {TABLE} (organisation_id integer NOT NULL, "
        "job_role_id integer NOT NULL, stage varchar(40) NOT NULL, "
        "competency_id integer NOT NULL, level integer NOT NULL, slot integer NOT NULL, "
        f"n integer NOT NULL, PRIMARY KEY ({KEY}))"
    )
    for (table, event, _), statements in SQLITE_BODIES.items():
        name = f"{PREFIX}_{table}_{event.lower()}"
        cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        body = "".join(f"{statement};\n" for statement in statements)
        cursor.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN\n{body}END")


# --- Installing, rebuilding, reading --------------------------------------------------------


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the table and its triggers (again: safe to repeat after any migrate)."""
    with connection.cursor() as cursor:
        # `migrate` of a single app may stop short of the tables counted from.
        if {LEVELS, PEOPLE, ORGANISATIONS} - set(connection.introspection.table_names(cursor)):
            return
        if connection.vendor == "postgresql":
            _pg_install(cursor)
        else:
            _sqlite_install(cursor)


def rebuild(connection: BaseDatabaseWrapper = default_connection) -> None:
    """Count everything again from the current levels (installing, and for an operator
    who wants to check): the triggers keep it exact from then on."""
    if connection.vendor == "postgresql":
        query = _pg_add(LEVELS, PEOPLE, "1")
    else:
        query = _sqlite_add(LEVELS, PEOPLE, "1")
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute(query)


@contextmanager
def recounted_after(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """For a bulk load in one transaction (`capmap generate`): the triggers are set aside
    and everything is counted once at the end, in the same transaction (a load that fails
    rolls back with its triggers in place, on both databases). SQLite's fire once a row;
    PostgreSQL's once a statement, but each costs about 0.8 s a slice of 240,000 levels
    (2.1 to 2.3 s against 1.2 to 1.5 s without, at 100,000 staff): some 40 s for a
    region's 12 million, against one grouped count of about 6 s after. Writers to people,
    organisations and levels wait for the load meanwhile, as they already do for the keys
    it sets aside."""
    connection = data_version.loading_in_one_transaction(using)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _pg_set_triggers(cursor, "DISABLE")
        else:
            for table, event, _ in SQLITE_BODIES:
                cursor.execute(f"DROP TRIGGER IF EXISTS {PREFIX}_{table}_{event.lower()}")
    yield
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            _pg_set_triggers(cursor, "ENABLE")
    else:
        install(connection)
    rebuild(connection)


def _pg_set_triggers(cursor, how: str) -> None:
    for table, event in PG_BODIES:
        cursor.execute(f"ALTER TABLE {table} {how} TRIGGER {PREFIX}_{table}_{event.lower()}")


def compact(connection: BaseDatabaseWrapper = default_connection) -> tuple[int, int]:
    """Sum each count's slots into one row and drop the counts that came to zero, in the
    caller's transaction: (rows before, rows after). Changes no figure.

    Each writing transaction adds to its own slot's rows, so one count spreads over up to
    64 rows with time (and a level signed off then withdrawn leaves a zero), which readers
    add up. PostgreSQL: the sums go into this transaction's own slot, which no other
    transaction writes meanwhile; rows a transaction still writing holds are left for the
    next run (`SKIP LOCKED`), so compaction never waits for a writer and cannot deadlock
    with one, and a writer waits at most until it commits. SQLite has one writer at a time.
    Safe to run at any time, and twice."""
    fields = KEY.replace(", slot", "")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")
        before = cursor.fetchone()[0]
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT {PG_SLOT}")
            slot = cursor.fetchone()[0]
            cursor.execute(
                f"WITH gone AS (DELETE FROM {TABLE} WHERE ctid = ANY(ARRAY("
                f"SELECT ctid FROM {TABLE} WHERE slot <> %s FOR UPDATE SKIP LOCKED)) "
                f"RETURNING {fields}, n) "
                f"INSERT INTO {TABLE} ({KEY}, n) SELECT {fields}, %s, SUM(n) FROM gone "
                "GROUP BY 1, 2, 3, 4, 5 HAVING SUM(n) <> 0 "
                f"ON CONFLICT ({KEY}) DO UPDATE SET n = {TABLE}.n + excluded.n",
                [slot, slot],
            )
            cursor.execute(f"DELETE FROM {TABLE} WHERE slot = %s AND n = 0", [slot])
        else:
            cursor.execute(
                f"CREATE TEMP TABLE capmap_held_levels_summed AS SELECT {fields}, SUM(n) AS n "
                f"FROM {TABLE} GROUP BY {fields} HAVING SUM(n) <> 0"
            )
            cursor.execute(f"DELETE FROM {TABLE}")
            cursor.execute(
                f"INSERT INTO {TABLE} ({KEY}, n) SELECT {fields}, 0, n "
                "FROM capmap_held_levels_summed"
            )
            cursor.execute("DROP TABLE capmap_held_levels_summed")
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")
        return before, cursor.fetchone()[0]


def clear_if_no_levels(connection: BaseDatabaseWrapper) -> None:
    """After a flush (which on SQLite deletes tables one by one, in an order the triggers
    cannot rely on): no current levels, no counts."""
    with connection.cursor() as cursor:
        if TABLE not in connection.introspection.table_names(cursor):
            return
        cursor.execute(f"SELECT 1 FROM {LEVELS} LIMIT 1")
        if cursor.fetchone() is None:
            cursor.execute(f"DELETE FROM {TABLE}")


def uninstall(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table, event in PG_BODIES:
                name = f"{PREFIX}_{table}_{event.lower()}"
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
            for table in (LEVELS, PEOPLE, ORGANISATIONS):
                cursor.execute(f"DROP TRIGGER IF EXISTS {PREFIX}_{table}_truncate ON {table}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {PREFIX}_truncate()")
        else:
            for table, event, _ in SQLITE_BODIES:
                cursor.execute(f"DROP TRIGGER IF EXISTS {PREFIX}_{table}_{event.lower()}")
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def counts(
    organisation_id: int, job_role_id: int | None = None
) -> dict[tuple[int, str, int], dict[int, int]]:
    """{(job role, stage, competency): {level: people}} over the people with no end date
    employed in a root organisation's tree (all of them: the caller checks the scope)."""
    query = (
        f"SELECT job_role_id, stage, competency_id, level, SUM(n) FROM {TABLE} "
        "WHERE organisation_id = %s"
    )
    params: list[int] = [organisation_id]
    if job_role_id is not None:
        query += " AND job_role_id = %s"
        params.append(job_role_id)
    query += " GROUP BY job_role_id, stage, competency_id, level HAVING SUM(n) <> 0"
    found: dict[tuple[int, str, int], dict[int, int]] = defaultdict(dict)
    with default_connection.cursor() as cursor:
        cursor.execute(query, params)
        for role, stage, competency, level, n in cursor.fetchall():
            found[(role, stage, competency)][level] = int(n)
    return found
