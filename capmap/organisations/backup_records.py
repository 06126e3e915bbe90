"""Load a backup's records (JSON Lines) in bounded memory, a batch of rows at a time.

Django's `loaddata` saves row by row: an UPDATE then an INSERT for each record and a query
for each many-to-many link, millions of round trips at 5,000 staff. Here up to BATCH
consecutive records of one model become one INSERT (and their many-to-many links one
more), stored as they are in the backup: primary keys and times kept, no save signals,
as a raw `loaddata` save would. Only one batch is held at a time.

Records may point forward, at a record later in the file (a cycle between models, or a
parent organisation with a higher key): foreign keys are checked at commit, and
`check_constraints` names a broken one before that. The caller holds the transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from django.core.management.color import no_style
from django.core.serializers import base, python
from django.db import DatabaseError, connections, models

BATCH = 2000


def load_records(path: Path, *, using: str) -> int:
    """Insert every record of a JSON Lines backup; returns how many were loaded."""
    connection = connections[using]
    loaded = 0
    restored: set[type[models.Model]] = set()
    waiting: list[base.DeserializedObject] = []  # natural keys of rows not loaded yet
    with connection.constraint_checks_disabled():
        for batch in _batches_by_model(_records(path)):
            objects = list(python.Deserializer(batch, using=using, handle_forward_references=True))
            model = type(objects[0].object)
            _insert_rows(model, objects, using)
            _insert_links(model, objects, using)
            waiting.extend(obj for obj in objects if obj.deferred_fields)
            restored.add(model)
            loaded += len(objects)
        for obj in waiting:
            obj.save_deferred_fields(using=using)
    try:
        connection.check_constraints(table_names=[m._meta.db_table for m in restored])
    except DatabaseError as error:
        error.args = (f"the backup's records do not fit together: {error}",)
        raise
    _reset_sequences(using, restored)
    return loaded


def _records(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except ValueError as error:
                raise base.DeserializationError(
                    f"line {number} of the records is not JSON ({error})."
                ) from None


def _batches_by_model(records: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """Runs of consecutive records of one model, at most BATCH long."""
    batch: list[dict[str, Any]] = []
    for record in records:
        if batch and (record.get("model") != batch[0].get("model") or len(batch) >= BATCH):
            yield batch
            batch = []
        batch.append(record)
    if batch:
        yield batch


def _chunks(items: list, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, max(size, 1))):
        yield chunk


def _insert_rows(
    model: type[models.Model], objects: list[base.DeserializedObject], using: str
) -> None:
    # Raw, as loaddata saves: values as stored (auto_now times are not touched).
    fields = [f for f in model._meta.local_concrete_fields if not f.generated]
    rows = [obj.object for obj in objects]
    size = connections[using].ops.bulk_batch_size(fields, rows)
    manager = model._base_manager.db_manager(using)
    for chunk in _chunks(rows, size):
        try:
            manager._insert(chunk, fields=fields, raw=True, using=using)  # type: ignore[attr-defined]
        except DatabaseError as error:
            error.args = (f"could not load {_span(model, chunk)}: {error}",)
            raise
        except ValueError as error:  # psycopg refuses NUL characters in text this way
            raise base.DeserializationError(
                f"could not load {_span(model, chunk)}: {error}"
            ) from None


def _span(model: type[models.Model], rows: list[models.Model]) -> str:
    return f"{model._meta.label} records {rows[0].pk} to {rows[-1].pk}"


def _insert_links(
    model: type[models.Model], objects: list[base.DeserializedObject], using: str
) -> None:
    for field in model._meta.local_many_to_many:
        through: Any = field.remote_field.through
        if not through._meta.auto_created:
            continue  # its own model, with its own records in the backup
        source = through._meta.get_field(field.m2m_field_name()).attname
        target = through._meta.get_field(field.m2m_reverse_field_name()).attname
        links = [
            through(**{source: obj.object.pk, target: value})
            for obj in objects
            for value in (obj.m2m_data or {}).get(field.name, ())
        ]
        through._base_manager.db_manager(using).bulk_create(links, batch_size=BATCH)


def _reset_sequences(using: str, restored: set[type[models.Model]]) -> None:
    """New rows after the restore get keys after the restored ones."""
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), list(restored))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
