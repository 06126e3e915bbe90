"""The one pattern for importing a table: check every row, preview, then all rows or none.

An import reads its file with `capmap.core.tabular`, turns each row into a value with
`check_rows` (a mistake becomes a RowError with its row number, column and a sentence),
says what each row would do in an ImportPreview (to add, to change, unchanged,
problems) and applies it with `apply_all_or_nothing`, in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from auditlog.context import set_actor
from django.db import connections, transaction
from django.db.models import Model, QuerySet

from .exceptions import DomainError
from .tabular import Row, TableSpec, read_rows

T = TypeVar("T")
M = TypeVar("M", bound=Model)

CREATE = "create"
UPDATE = "update"
UNCHANGED = "unchanged"


class RowProblem(DomainError):
    """A mistake in one cell of a row; the message is the sentence a person sees."""

    def __init__(self, message: str, column: str = ""):
        super().__init__(message)
        self.column = column


@dataclass(frozen=True)
class RowError:
    row_number: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"Row {self.row_number}: {self.message}"


@dataclass
class PlannedRow(Generic[T]):
    row_number: int
    action: str  # CREATE, UPDATE or UNCHANGED
    details: T
    existing: Any = None  # the record an update changes
    changes: list[str] = field(default_factory=list)


@dataclass
class ImportPreview(Generic[T]):
    rows: list[PlannedRow[T]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    def with_action(self, action: str) -> list[PlannedRow[T]]:
        return [row for row in self.rows if row.action == action]

    @property
    def to_create(self) -> list[PlannedRow[T]]:
        return self.with_action(CREATE)

    @property
    def to_update(self) -> list[PlannedRow[T]]:
        return self.with_action(UPDATE)

    @property
    def unchanged(self) -> list[PlannedRow[T]]:
        return self.with_action(UNCHANGED)


class ImportRejected(DomainError):
    """The file had mistakes; nothing was saved. `preview.errors` lists every one."""

    def __init__(self, preview: ImportPreview):
        self.preview = preview
        count = len(preview.errors)
        noun = "row needs" if count == 1 else "rows need"
        super().__init__(f"Nothing was imported: {count} {noun} correcting.")

    @property
    def errors(self) -> list[RowError]:
        return self.preview.errors


def check_rows(
    rows: Iterable[Any],
    check: Callable[[Any], T],
    *,
    key: Callable[[T], Hashable] | None = None,
    repeated: Callable[[T, int], str] | None = None,
) -> tuple[list[tuple[int, T]], list[RowError]]:
    """Each row (anything with a `number`) checked: the values, and every mistake.

    `check` raises RowProblem (or any DomainError) for a row it cannot take. With `key`,
    a row whose key an earlier row already had is a mistake too: `repeated(value, first)`
    words it, given the first row's number.
    """
    checked: list[tuple[int, T]] = []
    errors: list[RowError] = []
    seen: dict[Hashable, int] = {}
    for row in rows:
        try:
            value = check(row)
        except DomainError as problem:
            errors.append(RowError(row.number, getattr(problem, "column", ""), str(problem)))
            continue
        if key is not None:
            identity = key(value)
            if identity in seen:
                message = repeated(value, seen[identity]) if repeated else "This row is repeated."
                errors.append(RowError(row.number, "", message))
                continue
            seen[identity] = row.number
        checked.append((row.number, value))
    return checked, errors


def apply_all_or_nothing(
    preview: ImportPreview[T], apply: Callable[[PlannedRow[T]], None]
) -> ImportPreview[T]:
    """Apply every row that changes something, in one transaction; or raise ImportRejected
    when any row has a problem, storing nothing."""
    if preview.errors:
        raise ImportRejected(preview)
    with transaction.atomic():
        for planned in preview.rows:
            if planned.action != UNCHANGED:
                apply(planned)
    return preview


# --- Figures: imports that set one record per key (activity counts, outcome values) -------


@dataclass(frozen=True)
class Figure:
    """One record a row sets: the fields that find it and the values it takes."""

    identity: dict[str, Any]
    values: dict[str, Any]

    @property
    def key(self) -> tuple:
        return tuple(getattr(v, "pk", v) for v in self.identity.values())


def figures_spec(columns: Sequence[str], required: Sequence[str]) -> TableSpec:
    """A CSV of figures: the sentences the activity and outcome imports show."""
    return TableSpec(
        columns=columns,
        required=required,
        ignore_unknown_columns=True,
        accepts_xlsx=False,
        empty="The file has no rows under its headings.",
        no_rows="The file has no rows under its headings.",
        not_utf8="Save the file as CSV (UTF-8) and try again.",
        not_a_table="Save the file as CSV (UTF-8) and try again.",
        missing="The first row must name the columns: {columns}. Missing: {missing}.",
    )


def preview_figures(
    *,
    content: bytes,
    spec: TableSpec,
    check: Callable[[Row], Figure],
    repeated: Callable[[Figure, int], str],
    existing: Callable[[list[Figure]], Mapping[tuple, Model]],
) -> ImportPreview[Figure]:
    """Read and check every row; say which records each would add, change or leave.

    `existing` finds, in one query, the records the figures would set, keyed as
    `Figure.key`. Raises TableRefused when the file cannot be read.
    """
    checked, errors = check_rows(
        read_rows(content, spec), check, key=lambda figure: figure.key, repeated=repeated
    )
    found = existing([figure for _, figure in checked])
    preview: ImportPreview[Figure] = ImportPreview(errors=errors)
    for number, figure in checked:
        record = found.get(figure.key)
        if record is None:
            preview.rows.append(PlannedRow(number, CREATE, figure))
            continue
        changes = [name for name, value in figure.values.items() if getattr(record, name) != value]
        action = UPDATE if changes else UNCHANGED
        preview.rows.append(PlannedRow(number, action, figure, record, changes))
    return preview


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


def apply_figures(*, actor, model: type[Model], preview: ImportPreview[Figure]) -> ImportResult:
    """Set every figure of a preview with no problems, all in one transaction, audited."""

    def apply(planned: PlannedRow[Figure]) -> None:
        model.objects.update_or_create(**planned.details.identity, defaults=planned.details.values)

    with set_actor(actor):
        apply_all_or_nothing(preview, apply)
    return ImportResult(len(preview.to_create), len(preview.to_update), len(preview.unchanged))


def fetch_in_chunks(
    queryset: QuerySet[M], field: str, values: Iterable[Any], size: int | None = None
) -> list[M]:
    """The rows whose `field` is one of `values`, in a few `__in` queries of `size` values.

    One OR term a row overflows SQLite ("Expression tree is too large") on big files;
    bounded `__in` lists stay inside every database's limits: 500 values on SQLite, 20,000
    on PostgreSQL, where each query scans the table once against a hashed list (500 a
    query made a second import of 50,000 staff scan it 100 times: 1.3 s)."""
    if size is None:
        size = 20_000 if connections[queryset.db].vendor == "postgresql" else 500
    wanted = sorted(set(values), key=str)
    found: list[M] = []
    for start in range(0, len(wanted), size):
        found.extend(queryset.filter(**{f"{field}__in": wanted[start : start + size]}))
    return found
