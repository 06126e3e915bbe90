"""How the synthetic generators write tens of millions of history rows quickly.

Straight into the tables, not through the ORM (its per-object work costs minutes), and
on PostgreSQL through COPY, from a thread of its own, into tables whose keys,
constraints and indexes are set aside while the rows go in (ADR 0018). Only for
generated data: the tables are locked until the
generator's transaction ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial

from django.db import connection, transaction

from capmap.core import bulk

# Rows in one executemany on SQLite.
SQLITE_CHUNK = 20_000
# Memory for sorting while indexes are rebuilt (PostgreSQL's default is 64 MB, and a
# region's 16 million rows then sort on disk; 1 GB built them no faster and made the
# checks of the foreign keys slower: 20 s against 11 s). Local to the transaction.
INDEX_BUILD_MEMORY = "256MB"

Writer = Callable[[type, list[str], list[tuple]], None]


def write_rows(model, columns: list[str], rows: list[tuple]) -> None:
    """Insert the rows (tuples of numbers and text without tabs, newlines or backslashes,
    in the order of `columns`). PostgreSQL takes them through COPY (one stream, no
    statement per row), as text formatted here, half the CPU of psycopg's write_row;
    SQLite through executemany in the caller's transaction."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            statement = bulk.copy_statement(connection, model, columns)
            bulk.copy_plain_rows(cursor.cursor, statement, len(columns), rows)
            return
        if connection.vendor == "sqlite":
            # A bigger page cache keeps the tables' indexes in memory while they grow.
            cursor.execute("PRAGMA cache_size = -262144")
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        marks = ", ".join(["%s"] * len(columns))
        for start in range(0, len(rows), SQLITE_CHUNK):
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608 - fixed names
                rows[start : start + SQLITE_CHUNK],
            )


@contextmanager
def writing_alongside() -> Iterator[Writer]:
    """A `write_rows` that, on PostgreSQL, hands each slice of rows to a thread of its own
    (capmap.core.bulk.writing_alongside) and returns at once, so Python draws the next
    slice while PostgreSQL stores this one. SQLite writes in line."""
    with bulk.writing_alongside() as send:
        if send is None:
            yield write_rows
            return

        def write_soon(model, columns: list[str], rows: list[tuple]) -> None:
            statement = bulk.copy_statement(connection, model, columns)
            send(partial(bulk.copy_plain_rows, statement=statement, width=len(columns), rows=rows))

        yield write_soon


@contextmanager
def loading_in_bulk(*models, adding: int) -> Iterator[None]:
    """On PostgreSQL, set aside the foreign keys of these tables and those pointing to
    them, and, when a table holds fewer rows than `adding`, its indexes, primary key and
    unique constraints, while about that many rows go in; then bring them back, all in
    one transaction, with their own names and definitions, so the schema is unchanged.

    Django's foreign keys are deferred: each inserted row queues one check a key, run one
    by one at commit (30 million at 20,000 staff, most of the run's time); adding a key
    back checks the whole table in one join. Keeping eight indexes up to date row by row
    cost 54 s for a million rows, against 4 s to insert them and 12 s to build the
    indexes after; even the primary key alone, kept row by row, made COPY 1.6 times as
    slow (3.0 s against 1.8 s a million rows), and is built after from ids in order."""
    if connection.vendor != "postgresql":
        yield
        return
    tables = [connection.ops.quote_name(model._meta.db_table) for model in models]
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        # A key cannot be dropped while the table it points to (people, users, competencies
        # inserted earlier in this transaction) still has checks queued: run them now.
        connection.check_constraints()
        keys = _foreign_keys(cursor, tables)
        emptyish = [table for table in tables if _holds_fewer(cursor, table, adding)]
        uniques = [found for table in emptyish for found in _unique_constraints(cursor, table)]
        indexes = [index for table in emptyish for index in _other_indexes(cursor, table)]
        for table, name, _ in [*keys, *uniques]:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
        yield
        # Statistics first, so the checks of the keys are planned on the rows now there.
        cursor.execute(f"ANALYZE {', '.join(tables)}")
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")
        for table, name, definition in uniques:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
        for _, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")


def _foreign_keys(cursor, tables: list[str]) -> list[tuple[str, str, str]]:
    """The keys of these tables and those of other tables pointing to them (which hang on
    their primary keys)."""
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
        " FROM pg_constraint WHERE contype = 'f'"
        " AND (conrelid = ANY(%s::regclass[]) OR confrelid = ANY(%s::regclass[]))"
        " ORDER BY conrelid, conname",
        [tables, tables],
    )
    return cursor.fetchall()


def _unique_constraints(cursor, table: str) -> list[tuple[str, str, str]]:
    """The table's primary key and unique constraints."""
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
        " FROM pg_constraint WHERE contype IN ('p', 'u') AND conrelid = %s::regclass"
        " ORDER BY contype, conname",
        [table],
    )
    return cursor.fetchall()


def _other_indexes(cursor, table: str) -> list[tuple[str, str]]:
    """The table's indexes that no constraint owns (plain, partial, unique indexes)."""
    cursor.execute(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index"
        " WHERE indrelid = %s::regclass AND indexrelid NOT IN"
        " (SELECT conindid FROM pg_constraint WHERE conrelid = %s::regclass"
        "  AND contype IN ('p', 'u', 'x'))"
        " ORDER BY indexrelid",
        [table, table],
    )
    return cursor.fetchall()


def _holds_fewer(cursor, table: str, rows: int) -> bool:
    """Whether the table holds fewer rows than this, counting no further than that."""
    cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT %s) AS held", [rows])  # noqa: S608
    return cursor.fetchone()[0] < rows
