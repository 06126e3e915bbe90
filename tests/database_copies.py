"""Copies of the test database, for putting it back quickly between transactional tests.

A transactional test (the browser tests, the worker tests) cannot roll back, so Django
flushes every table after it and replays the post-migrate handlers (content types,
permissions); on PostgreSQL that TRUNCATE of ~150 tables took 3 to 6 s per test on the CI
machine, and loading the demo story at the start of each browser test 2 to 5 s more.
Copying rows back costs a small fraction of either: the suite takes a copy of the database
as migrations left it, and of each stage of the demo the first time a test loads it, and
puts the right copy back instead of flushing and loading again.

SQLite copies the whole in-memory database with its backup API; PostgreSQL copies each
non-empty table's rows with COPY in text form, which round-trips every column type exactly.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from django.db import connections, transaction

from capmap.capability import data_version


@dataclass
class DatabaseCopy:
    """What one database held: a whole SQLite database, or PostgreSQL's rows per table."""

    sqlite: sqlite3.Connection | None = None
    tables: dict[str, bytes] = field(default_factory=dict)


def take_copy(alias: str = "default") -> DatabaseCopy:
    connection = connections[alias]
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        kept = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(kept)
        return DatabaseCopy(sqlite=kept)
    copy = DatabaseCopy()
    with connection.cursor() as cursor:
        for table in _tables(alias):
            with cursor.cursor.copy(f"COPY {_quoted(table, alias)} TO STDOUT") as rows:
                data = b"".join(bytes(chunk) for chunk in rows)
            if data:
                copy.tables[table] = data
    return copy


def put_back(copy: DatabaseCopy, alias: str = "default") -> None:
    """Make the database hold exactly what `copy` held (its schema is unchanged)."""
    connection = connections[alias]
    connection.ensure_connection()
    if copy.sqlite is not None:
        copy.sqlite.backup(connection.connection)
        # The copy held the data version's counters too: versions would be counted again.
        data_version.renew_epoch(connection)
        return
    tables = _tables(alias)
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        # Django's foreign keys are deferrable: checked once, at commit, whatever the order.
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("; ".join(f"DELETE FROM {_quoted(table, alias)}" for table in tables))
        for table, data in copy.tables.items():
            with cursor.cursor.copy(f"COPY {_quoted(table, alias)} FROM STDIN") as rows:
                rows.write(data)
        _sequences_past_copied_keys(cursor, alias, copy)


def _sequences_past_copied_keys(cursor, alias: str, copy: DatabaseCopy) -> None:
    """A test may have set a sequence back (bulk loads with explicit keys do): move any
    sequence behind the keys just copied in past them, so the next insert cannot collide."""
    statements = []
    for table, column, sequence in _sequences(alias):
        if table in copy.tables:
            statements.append(
                f"SELECT setval('{sequence}', m) FROM (SELECT max({_quoted(column, alias)}) AS m "
                f"FROM {_quoted(table, alias)}) AS keys, {sequence} AS s WHERE m > s.last_value"
            )
    if statements:
        cursor.execute("; ".join(statements))


_TABLES: dict[str, list[str]] = {}
_SEQUENCES: dict[str, list[tuple[str, str, str]]] = {}


def _tables(alias: str) -> list[str]:
    if alias not in _TABLES:
        introspection = connections[alias].introspection
        _TABLES[alias] = sorted(introspection.django_table_names(only_existing=True))
    return _TABLES[alias]


def _sequences(alias: str) -> list[tuple[str, str, str]]:
    if alias not in _SEQUENCES:
        connection = connections[alias]
        with connection.cursor() as cursor:
            _SEQUENCES[alias] = [
                (table, found["column"], connection.ops.quote_name(found["name"]))
                for table in _tables(alias)
                for found in connection.introspection.get_sequences(cursor, table)
            ]
    return _SEQUENCES[alias]


def _quoted(name: str, alias: str) -> str:
    return connections[alias].ops.quote_name(name)
