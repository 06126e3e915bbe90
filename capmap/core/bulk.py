"""Writing many rows in a few statements, for imports of tens of thousands of rows.

`QuerySet.bulk_create` builds a model instance and compiles an SQL expression for every
value, and `bulk_update` one CASE expression a row and field: at 50,000 rows each costs
seconds. These helpers adapt each value by its field (`get_db_prep_save`), as the ORM
would, and send it with PostgreSQL's COPY (inserts) or plain `executemany` statements.
They send no signals; a caller that audits writes the entries itself (capmap.core.audit).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.models import Field, Model, QuerySet

BATCH = 2000


def read_rows(queryset: QuerySet) -> list[tuple]:
    """A `values_list` query's rows in one fetch, as the database driver returns them.

    Evaluating a queryset fetches 100 rows a call and passes each row through its fields'
    converters: for the ten thousand (person, competency, level) triples of a team's map,
    that is most of the read. Only for columns the driver already returns as Python wants
    them (integers, text): not dates on SQLite, decimals or JSON.
    """
    try:
        sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:  # e.g. `pk__in=[]`: the ORM would not ask the database either
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# Fields whose Python values the database drivers take as they are (str, int, bool,
# None): adapting them through the field is skipped, as it would return them unchanged.
_PLAIN = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "EmailField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
}


def _adapter(field: Field, connection):
    if field.get_internal_type() in _PLAIN and not field.choices:
        return None
    # A column of an import holds a few values many times over (the time of the import,
    # start dates, bands): each is adapted once (get_db_prep_save costs ~3 µs a cell).
    # Keyed by type too, as 1 == True == Decimal("1.00"); JSON (dicts) is not hashable.
    adapted: dict[tuple[type, Any], Any] = {}

    def adapt(value: Any) -> Any:
        key = (type(value), value)
        try:
            return adapted[key]
        except KeyError:
            adapted[key] = result = field.get_db_prep_save(value, connection)
            return result
        except TypeError:
            return field.get_db_prep_save(value, connection)

    return adapt


# --- Writing in a thread alongside --------------------------------------------------------

# What a writer sends: a function given a cursor of the caller's connection (a psycopg one
# on PostgreSQL) that runs its statements in the caller's transaction.
Job = Callable[[Any], None]
Send = Callable[[Job], None]


@contextmanager
def writing_alongside(
    *, checking: Sequence[type[Model]] = (), using: str = DEFAULT_DB_ALIAS
) -> Iterator[Send | None]:
    """On PostgreSQL, a `send(job)` that runs each job, in order, on this session's
    connection from a thread of its own and returns at once, so Python prepares the next
    rows while PostgreSQL stores these (each COPY ends by waiting for the server: done in
    line, the two took turns on a two-core machine). At most one job waits, so memory
    stays at about three jobs' rows. Leaving the block waits for every job; the first
    failure is raised there, or by the next send. Elsewhere it yields None: the helpers
    below then write in line.

    The caller sends every statement while the block is open: a query of its own on the
    connection would interleave with the thread's, so it is refused. The foreign keys of
    the `checking` tables are checked as each statement ends, in the thread, rather than
    one row at a time in line at commit (330,000 checks of a 50,000-row staff import:
    3.5 s), and are deferred again, as Django declares them, when the block ends."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield None
        return
    if not connection.in_atomic_block:
        raise RuntimeError("writing_alongside writes inside the caller's transaction only")
    keys = _deferred_keys(connection, checking)
    with connection.cursor() as cursor:
        if keys:
            cursor.execute(f"SET CONSTRAINTS {', '.join(keys)} IMMEDIATE")
        raw = cursor.cursor.connection
    jobs: queue.Queue[Job | None] = queue.Queue(maxsize=1)
    failures: list[BaseException] = []

    def run_jobs() -> None:
        while (job := jobs.get()) is not None:
            if failures:
                continue
            try:
                with raw.cursor() as cursor:
                    job(cursor)
            except BaseException as error:  # raised again in the caller's thread
                failures.append(error)

    def send(job: Job) -> None:
        if failures:
            raise failures[0]
        jobs.put(job)

    def refuse(execute, sql, params, many, context):
        raise RuntimeError(f"A query while rows are written alongside: {sql[:60]}")

    sender = threading.Thread(target=run_jobs, name="writing-alongside", daemon=True)
    sender.start()
    try:
        with connection.execute_wrapper(refuse):
            yield send
    finally:
        jobs.put(None)
        sender.join()
    if failures:
        raise failures[0]
    if keys:
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS {', '.join(keys)} DEFERRED")


def _deferred_keys(connection, models: Sequence[type[Model]]) -> list[str]:
    """The quoted names of the deferred foreign keys of these models' tables."""
    if not models:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT conname FROM pg_constraint WHERE contype = 'f'"
            " AND condeferrable AND condeferred AND conrelid = ANY(%s::regclass[])",
            [[connection.ops.quote_name(model._meta.db_table) for model in models]],
        )
        return sorted(connection.ops.quote_name(name) for (name,) in cursor.fetchall())


def _run(connection, send: Send | None, job: Job) -> None:
    if send is not None:
        send(job)
        return
    with connection.cursor() as cursor:
        job(cursor)


# --- PostgreSQL's COPY ---------------------------------------------------------------------

# Rows formatted and sent to COPY at a time.
COPY_CHUNK = 10_000


def copy_statement(connection, model: type[Model], columns: Sequence[str]) -> str:
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    return f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN"


def copy_rows(cursor, statement: str, rows: Iterable[Sequence[Any]]) -> None:
    """COPY rows of any values psycopg adapts (text with tabs or backslashes, dates, JSON),
    each escaped by psycopg."""
    with cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def copy_plain_rows(cursor, statement: str, width: int, rows: Sequence[tuple]) -> None:
    """COPY rows of numbers and text without tabs, newlines or backslashes (generated
    data), formatted here: half the CPU of psycopg's write_row."""
    line = "\t".join(["%s"] * width) + "\n"
    with cursor.copy(statement) as copy:
        for start in range(0, len(rows), COPY_CHUNK):
            copy.write("".join([line % row for row in rows[start : start + COPY_CHUNK]]))


# --- Inserts, updates and deletes ----------------------------------------------------------


def insert_rows(
    model: type[Model], rows: Sequence[Mapping[str, Any]], *, send: Send | None = None
) -> None:
    """INSERT the rows (dicts keyed by field attname); a field a row leaves out takes its
    default. The primary key is left to the database unless every row gives it."""
    if not rows:
        return
    fields = [
        field
        for field in model._meta.concrete_fields
        if not (field.primary_key and field.attname not in rows[0])
    ]
    defaults = [(field.attname, field.get_default()) for field in fields]
    _insert(
        model, fields, [[row.get(name, value) for name, value in defaults] for row in rows], send
    )


def give_keys(model: type[Model], objects: Sequence[Model]) -> None:
    """On PostgreSQL, give each new object its primary key now, from the table's sequence
    in one query, so that `create_objects` can write it later, through COPY. Elsewhere
    the keys come with the insert."""
    connection = connections[router.db_for_write(model)]
    new = [obj for obj in objects if obj.pk is None]
    if connection.vendor != "postgresql" or not new:
        return
    pk = model._meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [connection.ops.quote_name(model._meta.db_table), pk.column, len(new)],
        )
        keys = sorted(key for (key,) in cursor.fetchall())
    for obj, key in zip(new, keys, strict=True):
        obj.pk = key


def create_objects(
    model: type[Model], objects: Sequence[Model], *, send: Send | None = None
) -> None:
    """Insert new objects, as `bulk_create` does; each has its primary key after.

    On PostgreSQL through COPY, with their keys (`give_keys`, called here if need be) and
    every value as the object holds it: the caller sets `auto_now` times itself.
    Elsewhere this is `bulk_create`, which returns the keys."""
    if not objects:
        return
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objects, batch_size=BATCH)
        return
    give_keys(model, objects)
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias
    fields = [field for field in model._meta.concrete_fields if not field.generated]
    names = [field.attname for field in fields]
    _insert(model, fields, [[getattr(obj, name) for name in names] for obj in objects], send)


def _insert(
    model: type[Model], fields: list[Field], rows: list[list[Any]], send: Send | None
) -> None:
    """Insert rows of values in the order of `fields`, each adapted by its field: through
    COPY on PostgreSQL (one stream, where executemany parsed and planned a statement a
    row: 100,000 audit entries took 38 s at load 6), executemany elsewhere."""
    connection = connections[router.db_for_write(model)]
    adapters = [_adapter(field, connection) for field in fields]
    for index, adapt in enumerate(adapters):
        if adapt is not None:
            for row in rows:
                row[index] = adapt(row[index])
    columns = [field.column for field in fields]
    if connection.vendor == "postgresql":
        _run(
            connection,
            send,
            partial(copy_rows, statement=copy_statement(connection, model, columns), rows=rows),
        )
        return
    quote = connection.ops.quote_name
    # Only quoted table and column names from the model go into the text; values are parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(quote(column) for column in columns),
        ", ".join(["%s"] * len(fields)),
    )
    _run(connection, send, partial(_executemany, sql=sql, params=rows))


def _executemany(cursor, sql: str, params: list[list[Any]]) -> None:
    for start in range(0, len(params), BATCH):
        cursor.executemany(sql, params[start : start + BATCH])


def update_rows(
    model: type[Model], objects: Iterable[Model], fields: Sequence[str], *, send: Send | None = None
) -> int:
    """UPDATE these fields of each object (found by primary key) to its values now."""
    objects = list(objects)
    if not objects:
        return 0
    connection = connections[router.db_for_write(model)]
    model_fields = [model._meta.get_field(name) for name in fields]
    adapters = [_adapter(field, connection) for field in model_fields]  # type: ignore[arg-type]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(f"{quote(field.column)} = %s" for field in model_fields),  # type: ignore[union-attr]
        quote(model._meta.pk.column),  # type: ignore[union-attr]
    )
    attnames = [field.attname for field in model_fields]  # type: ignore[union-attr]
    params = [
        [
            value if adapt is None else adapt(value)
            for value, adapt in zip(
                [getattr(obj, name) for name in attnames], adapters, strict=True
            )
        ]
        + [obj.pk]
        for obj in objects
    ]
    _run(connection, send, partial(_executemany, sql=sql, params=params))
    return len(objects)


def delete_rows(model: type[Model], pks: Sequence[Any], *, send: Send | None = None) -> None:
    """DELETE the rows with these primary keys: no signals, no cascade (the caller knows
    nothing refers to them, and audits the deletion itself)."""
    if not pks:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    statements = []
    for start in range(0, len(pks), BATCH):
        batch = list(pks[start : start + BATCH])
        sql = "DELETE FROM {} WHERE {} IN ({})".format(  # noqa: S608
            quote(model._meta.db_table),
            quote(model._meta.pk.column),  # type: ignore[union-attr]
            ", ".join(["%s"] * len(batch)),
        )
        statements.append((sql, batch))

    def delete(cursor) -> None:
        for sql, batch in statements:
            cursor.execute(sql, batch)

    _run(connection, send, delete)


# --- Statistics ----------------------------------------------------------------------------

# PostgreSQL's autovacuum analyses a table once this share of its rows has changed (plus
# 50 rows), within a minute or so; an import that adds that many asks for it at commit.
ANALYZE_SHARE = 0.1


def analyze_when_grown(model: type[Model], added: int) -> None:
    """After the transaction commits, ANALYZE the model's table on PostgreSQL if `added`
    rows are more than autovacuum would wait for: until then the planner reads the
    table as it was (a lookup of 500 e-mail addresses in 50,000 new staff records was a
    sequential scan, 25 ms, run 300 times by a second import of the same file)."""
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql" or not added:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
        (held,) = cursor.fetchone()
    if added > 50 + ANALYZE_SHARE * max(held, 0):

        def analyze() -> None:
            with connections[connection.alias].cursor() as cursor:
                cursor.execute(f"ANALYZE {table}")

        transaction.on_commit(analyze, using=connection.alias)
