"""The data version: a number that moves on with every committed write to the tables the
ICS-wide aggregates read, kept by database triggers so that no write path can miss it.

Triggers on each table (PostgreSQL: one per statement, SQLite: one per row) count writes
in `capmap_data_version`, a table of SLOTS counters that is no Django model, so flush,
backups and the test suite's database copies leave it alone. A writing transaction on
PostgreSQL takes whichever counter no other transaction holds (`SKIP LOCKED`), once per
transaction, so writers never wait for each other on it; the version is the sum of the
counters, which every commit moves on by one. `epoch` is renewed by every `migrate`, so a
version never names two different states of the data across a restore or an upgrade.
docs/adr/0017-aggregate-cache-and-data-version.md argues the design.
"""

# Every name put into SQL here is a constant of this module or a model's table name.
# ruff: noqa: S608

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "capmap_data_version"
FUNCTION = "capmap_bump_data_version"
TRIGGER = "capmap_data_version"
# Counters on PostgreSQL: more than the connections that ever write at once, so a writer
# nearly always finds a free one (and waits for one only when every one is held).
SLOTS = 64

# What the ICS-wide aggregates read (capability.selectors role_coverage,
# pathway_summaries and training_needs, with the access policy they are scoped by).
# tests/test_data_version.py fails when they read a table that is not here. The user
# table is not: a sign-in writes last_login, and the only user field the aggregates
# depend on (is_superuser, for the shared library) is part of the cache key instead.
VERSIONED_MODELS = (
    "assessments.CurrentCapability",
    "people.Person",
    "people.JobRole",
    "people.Supervision",
    "organisations.Organisation",
    "organisations.Membership",
    "frameworks.Framework",
    "frameworks.FrameworkVersion",
    "frameworks.Domain",
    "frameworks.Competency",
    "frameworks.RoleProfile",
    "frameworks.RoleRequirement",
    "frameworks.CarePathway",
    "frameworks.PathwayCapability",
)


class DataVersion(NamedTuple):
    epoch: int
    changes: int


def versioned_tables() -> list[str]:
    return [apps.get_model(label)._meta.db_table for label in VERSIONED_MODELS]


def current(using: str = "default") -> DataVersion | None:
    """The version of the committed data, read in one statement; None when the counters
    are missing (a database set up by hand), in which case nothing may be cached."""
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT count(*), max(epoch), sum(changes) FROM {TABLE}")
        count, epoch, changes = cursor.fetchone()
    if count != _slots(connections[using]) or epoch is None:
        return None
    return DataVersion(int(epoch), int(changes))


def _slots(connection: BaseDatabaseWrapper) -> int:
    # SQLite has one writer at a time anyway: one counter.
    return SLOTS if connection.vendor == "postgresql" else 1


# --- Installing: from the migration, and again after every migrate ------------------------


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the counters and any missing trigger, and renew the epoch. Safe to repeat:
    a later migration that rebuilds a table (SQLite does, to alter a column) loses its
    triggers, and the next migrate puts them back."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} ("
            "slot integer PRIMARY KEY, changes bigint NOT NULL DEFAULT 0, "
            "epoch bigint NOT NULL DEFAULT 0)"
        )
        slots = ", ".join(f"({slot})" for slot in range(_slots(connection)))
        # Only tables that exist: `migrate` of a single app may stop short of some.
        existing = set(connection.introspection.table_names(cursor))
        tables = [table for table in versioned_tables() if table in existing]
        if connection.vendor == "postgresql":
            cursor.execute(f"INSERT INTO {TABLE} (slot) VALUES {slots} ON CONFLICT DO NOTHING")
            _install_postgresql(cursor, connection, tables)
        else:
            cursor.execute(f"INSERT OR IGNORE INTO {TABLE} (slot) VALUES {slots}")
            _install_sqlite(cursor, connection, tables)
    renew_epoch(connection)


def renew_epoch(connection: BaseDatabaseWrapper) -> None:
    """A new epoch: every version read from now on differs from every one read before.
    For after the data was put back to an earlier state together with its counters (a
    restore from pg_dump or of a file copy), which would otherwise count again through
    versions whose cached entries describe other data."""
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET epoch = %s", [secrets.randbits(62)])


# Once per transaction: the GUC set with is_local lives until commit or rollback (and
# is undone with a rolled-back savepoint, like the update it stands for). The slot taken
# stays the transaction's own until it ends: the held-level counts (held_levels) write
# their rows under it, so writers never wait for each other there either.
SLOT_FUNCTION = "capmap_data_version_slot"
POSTGRESQL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {SLOT_FUNCTION}() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    chosen integer;
BEGIN
    chosen := nullif(current_setting('capmap.data_version_slot', true), '')::integer;
    IF chosen IS NOT NULL THEN
        RETURN chosen;
    END IF;
    SELECT slot INTO chosen FROM {TABLE}
        ORDER BY (slot + pg_backend_pid()) % {SLOTS} LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF chosen IS NULL THEN
        chosen := pg_backend_pid() % {SLOTS};  -- every counter held: wait for one
    END IF;
    UPDATE {TABLE} SET changes = changes + 1 WHERE slot = chosen;
    PERFORM set_config('capmap.data_version_slot', chosen::text, true);
    RETURN chosen;
END
$$;
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM {SLOT_FUNCTION}();
    RETURN NULL;
END
$$
"""


def _install_postgresql(cursor, connection: BaseDatabaseWrapper, tables: list[str]) -> None:
    cursor.execute(POSTGRESQL_FUNCTION)
    present = set(tables) - set(triggers_missing(connection))
    for table in tables:
        if table not in present:
            cursor.execute(
                f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f"ON {connection.ops.quote_name(table)} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
            )


def _install_sqlite(cursor, connection: BaseDatabaseWrapper, tables: list[str]) -> None:
    for table in tables:
        for event in ("INSERT", "UPDATE", "DELETE"):
            cursor.execute(
                f"CREATE TRIGGER IF NOT EXISTS {TRIGGER}_{table}_{event.lower()} "
                f"AFTER {event} ON {connection.ops.quote_name(table)} "
                f"BEGIN UPDATE {TABLE} SET changes = changes + 1; END"
            )


def loading_in_one_transaction(using: str) -> BaseDatabaseWrapper:
    """The connection of a bulk load that sets triggers aside (they come back when it
    commits, or with its rollback). Outside a transaction nothing may be set aside."""
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("Triggers are set aside for a load inside a transaction only.")
    return connection


def sqlite_loading_in_one_transaction(using: str) -> BaseDatabaseWrapper | None:
    """The connection, when a bulk load should set SQLite's once-a-row triggers aside;
    None on PostgreSQL, whose version triggers fire once a statement and stay."""
    if connections[using].vendor != "sqlite":
        return None
    return loading_in_one_transaction(using)


@contextmanager
def counted_once(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """For a bulk load in one transaction (`capmap generate`): SQLite's triggers fire once
    a row, which more than doubled a generated ICS's time there, so they are set aside and
    the version moves once, at the end. SQLite's schema changes are transactional: a load
    that fails rolls back with its triggers in place. PostgreSQL's fire once a statement
    already, and stay."""
    connection = sqlite_loading_in_one_transaction(using)
    if connection is None:
        yield
        return
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        tables = [table for table in versioned_tables() if table in existing]
        for table in tables:
            for event in ("insert", "update", "delete"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}_{table}_{event}")
    yield
    with connection.cursor() as cursor:
        _install_sqlite(cursor, connection, tables)
        cursor.execute(f"UPDATE {TABLE} SET changes = changes + 1")


def triggers_missing(connection: BaseDatabaseWrapper) -> list[str]:
    """Versioned tables without their trigger (there should be none)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = %s", [TRIGGER]
            )
            present = {row[0].strip('"') for row in cursor.fetchall()}
            return [t for t in versioned_tables() if t not in present]
        cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
        names = {name for _, name in cursor.fetchall()}
        return [
            table
            for table in versioned_tables()
            if not all(f"{TRIGGER}_{table}_{e}" in names for e in ("insert", "update", "delete"))
        ]


def uninstall(connection: BaseDatabaseWrapper) -> None:
    """Undo `install` (the migration's reverse)."""
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        for table in versioned_tables():
            if table not in existing:
                continue
            if connection.vendor == "postgresql":
                quoted = connection.ops.quote_name(table)
                cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {quoted}")
            else:
                for event in ("insert", "update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}_{table}_{event}")
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
            cursor.execute(f"DROP FUNCTION IF EXISTS {SLOT_FUNCTION}()")
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
