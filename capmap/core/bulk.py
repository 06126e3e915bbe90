"""Writing many rows in a few statements, for imports of tens of thousands of rows.

`QuerySet.bulk_create` builds a model instance and compiles an SQL expression for every
value, and `bulk_update` one CASE expression a row and field: at 50,000 rows each costs
seconds. These helpers send plain `executemany` statements with each value adapted by
its field (`get_db_prep_save`), as the ORM would. They send no signals and return no
ids: a caller that needs ids uses bulk_create; one that audits writes the entries itself
(capmap.core.audit).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
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
    return lambda value: field.get_db_prep_save(value, connection)


def insert_rows(model: type[Model], rows: Sequence[Mapping[str, Any]]) -> None:
    """INSERT the rows (dicts keyed by field attname); a field a row leaves out takes its
    default. The primary key is left to the database unless every row gives it."""
    if not rows:
        return
    using = router.db_for_write(model)
    connection = connections[using]
    fields = [
        field
        for field in model._meta.concrete_fields
        if not (field.primary_key and field.attname not in rows[0])
    ]
    adapters = [_adapter(field, connection) for field in fields]
    defaults = {field.attname: field.get_default() for field in fields}
    quote = connection.ops.quote_name
    # Only quoted table and column names from the model go into the text; values are parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    names = [field.attname for field in fields]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            params = []
            for row in rows[start : start + BATCH]:
                values = [row.get(name, defaults[name]) for name in names]
                params.append(
                    [
                        value if adapt is None else adapt(value)
                        for value, adapt in zip(values, adapters, strict=True)
                    ]
                )
            cursor.executemany(sql, params)


def update_rows(model: type[Model], objects: Iterable[Model], fields: Sequence[str]) -> int:
    """UPDATE these fields of each object (found by primary key) to its values now."""
    objects = list(objects)
    if not objects:
        return 0
    using = router.db_for_write(model)
    connection = connections[using]
    model_fields = [model._meta.get_field(name) for name in fields]
    adapters = [_adapter(field, connection) for field in model_fields]  # type: ignore[arg-type]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(f"{quote(field.column)} = %s" for field in model_fields),  # type: ignore[union-attr]
        quote(model._meta.pk.column),  # type: ignore[union-attr]
    )
    attnames = [field.attname for field in model_fields]  # type: ignore[union-attr]
    with connection.cursor() as cursor:
        for start in range(0, len(objects), BATCH):
            params = []
            for obj in objects[start : start + BATCH]:
                values = [getattr(obj, name) for name in attnames]
                params.append(
                    [
                        value if adapt is None else adapt(value)
                        for value, adapt in zip(values, adapters, strict=True)
                    ]
                    + [obj.pk]
                )
            cursor.executemany(sql, params)
    return len(objects)


def delete_rows(model: type[Model], pks: Sequence[Any]) -> None:
    """DELETE the rows with these primary keys: no signals, no cascade (the caller knows
    nothing refers to them, and audits the deletion itself)."""
    if not pks:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for start in range(0, len(pks), BATCH):
            batch = list(pks[start : start + BATCH])
            cursor.execute(
                "DELETE FROM {} WHERE {} IN ({})".format(  # noqa: S608
                    quote(model._meta.db_table),
                    quote(model._meta.pk.column),  # type: ignore[union-attr]
                    ", ".join(["%s"] * len(batch)),
                ),
                batch,
            )
