"""Query shapes compiled to SQL once a process, then run with each call's values.

Django builds a queryset and compiles its SQL on every evaluation. For the small queries
every signed-in page makes (the user with their staff record, their memberships, their
supervisions) that is three quarters of the cost: reading the user took 0.78 ms of CPU,
of which running its SQL took 0.14 ms (ADR 0026). A `CompiledQuery` builds its queryset
once per database with marker values in place of its arguments, finds the parameters that
carry them, and from then on sends the same SQL with the real values, turning the rows
into what the queryset would have given (tuples, single values or model instances with
their `select_related` records) through Django's own converters and populators.

Only shapes whose SQL does not depend on the values can be compiled, and that is checked
when they are: the queryset is built and compiled twice with different markers, and the
two must give the same SQL with the markers in the same places. A builder that inlines a
value, expands a list, or wraps a value (`__contains`) is refused at once.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesListIterable,
    get_related_populators,
)

# How a value reaches the database: as it is, or as the text the backend adapts it to
# (SQLite is given dates as ISO text by the ORM).
_AS_IS = "as is"
_ISO = "iso"


def _markers(kinds: tuple[type, ...], series: int) -> tuple[Any, ...]:
    """Values no real argument takes, distinct per argument and per series (0 or 1)."""
    markers: list[Any] = []
    for index, kind in enumerate(kinds):
        if kind is int:
            markers.append(-(917_000_000 + series * 1_000 + index))
        elif kind is datetime.date:
            markers.append(datetime.date(1901 + series, 2, 3) + datetime.timedelta(days=index))
        elif kind is str:
            markers.append(f"\x1fcompiled-query-marker-{series}-{index}")
        else:
            raise ImproperlyConfigured(f"A CompiledQuery argument cannot be a {kind.__name__}.")
    return tuple(markers)


def _forms(value: Any) -> dict[Any, str]:
    forms: dict[Any, str] = {value: _AS_IS}
    if isinstance(value, datetime.date):
        forms.setdefault(value.isoformat(), _ISO)
    return forms


@dataclass(frozen=True)
class _Slot:
    """One parameter of the SQL: an argument's value (in a form), or a constant."""

    argument: int | None
    form: str = _AS_IS
    constant: Any = None

    def value(self, arguments: tuple[Any, ...]) -> Any:
        if self.argument is None:
            return self.constant
        value = arguments[self.argument]
        return value.isoformat() if self.form == _ISO else value


class _Plan:
    """The SQL of one shape on one database, and how to turn its rows into results."""

    def __init__(self, build: Callable[..., QuerySet], kinds: tuple[type, ...], using: str):
        first, second = _markers(kinds, 0), _markers(kinds, 1)
        queryset = build(*first)
        compiler, (sql, params) = _compiled(queryset, using)
        other_sql, other_params = _compiled(build(*second), using)[1]
        if sql != other_sql or len(params) != len(other_params):
            raise ImproperlyConfigured("This query's SQL depends on its arguments' values.")
        self.sql = sql
        self.slots = tuple(
            _slot(a, b, first, second) for a, b in zip(params, other_params, strict=True)
        )
        unused = set(range(len(kinds))) - {slot.argument for slot in self.slots}
        if unused:
            raise ImproperlyConfigured(f"Arguments {sorted(unused)} never reach the SQL.")
        self.iterable = queryset._iterable_class
        if self.iterable not in (ModelIterable, ValuesListIterable, FlatValuesListIterable):
            raise ImproperlyConfigured("Compile model, values_list or flat querysets only.")
        if getattr(queryset, "_prefetch_related_lookups", ()) or getattr(
            queryset, "_known_related_objects", {}
        ):
            raise ImproperlyConfigured("A compiled query cannot prefetch.")
        fields = [selected[0] for selected in compiler.select[: compiler.col_count]]
        if compiler.has_composite_fields(fields):
            raise ImproperlyConfigured("A compiled query cannot select composite fields.")
        self.column_count = compiler.col_count
        self.converters = list(compiler.get_converters(fields).items())
        if self.iterable is ModelIterable:
            self._plan_models(compiler, using)

    def _plan_models(self, compiler, using: str) -> None:
        klass_info, select = compiler.klass_info, compiler.select
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.model_columns = slice(fields[0], fields[-1] + 1)
        self.init_list = [column[0].target.attname for column in select[self.model_columns]]
        # The stubs describe a later Django, whose populators also take a fetch mode.
        self.populators = get_related_populators(klass_info, select, using)  # type: ignore[call-arg]
        self.annotations = dict(compiler.annotation_col_map or {})

    def run(self, arguments: tuple[Any, ...], using: str) -> list[Any]:
        connection = connections[using]
        params = [slot.value(arguments) for slot in self.slots]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        rows = [self._converted(row, connection) for row in rows]
        if self.iterable is FlatValuesListIterable:
            return [row[0] for row in rows]
        if self.iterable is ValuesListIterable:
            return [tuple(row) for row in rows]
        return [self._instance(row, using) for row in rows]

    def _converted(self, row, connection) -> list[Any]:
        row = list(row[: self.column_count])
        for position, (converters, expression) in self.converters:
            value = row[position]
            for converter in converters:
                value = converter(value, expression, connection)
            row[position] = value
        return row

    def _instance(self, row: list[Any], using: str):
        instance = self.model.from_db(using, self.init_list, row[self.model_columns])
        for populator in self.populators:
            populator.populate(row, instance)
        for name, position in self.annotations.items():
            setattr(instance, name, row[position])
        return instance


def _compiled(queryset: QuerySet, using: str):
    compiler = queryset.query.get_compiler(using=using)
    try:
        return compiler, compiler.as_sql()
    except EmptyResultSet as empty:
        raise ImproperlyConfigured("A compiled query must not be empty by construction.") from empty


def _slot(first_value, second_value, first: tuple, second: tuple) -> _Slot:
    if first_value == second_value and type(first_value) is type(second_value):
        return _Slot(argument=None, constant=first_value)
    for index, (a, b) in enumerate(zip(first, second, strict=True)):
        forms_a, forms_b = _forms(a), _forms(b)
        if first_value in forms_a and forms_a[first_value] == forms_b.get(second_value):
            return _Slot(argument=index, form=forms_a[first_value])
    raise ImproperlyConfigured(
        f"A parameter changes with the arguments but is none of them: {first_value!r}."
    )


class CompiledQuery:
    """A queryset built by `build(*arguments)` whose SQL is compiled once per database.

        MEMBERSHIPS = CompiledQuery(
            lambda user_id: Membership.objects.filter(user_id=user_id).values_list("role"),
            int,
        )
        MEMBERSHIPS(user.pk)  # -> [("admin",), ...]

    `kinds` are the arguments' types (int, date or str). Calling it returns a list: model
    instances (with `select_related` records and annotations), tuples for `values_list`,
    values for `values_list(flat=True)`. It runs in whatever transaction is open, like
    any query, and appears in Django's query log.
    """

    def __init__(self, build: Callable[..., QuerySet], *kinds: type):
        self._build = build
        self._kinds = kinds
        self._plans: dict[tuple[str, str], _Plan] = {}
        self._lock = threading.Lock()

    def __call__(self, *arguments: Any, using: str = "default") -> list[Any]:
        if len(arguments) != len(self._kinds):
            raise TypeError(f"Expected {len(self._kinds)} arguments, got {len(arguments)}.")
        return self._plan(using).run(arguments, using)

    def queryset(self, *arguments: Any) -> QuerySet:
        """The queryset itself for these arguments, to filter further or run as Django would."""
        return self._build(*arguments)

    def _plan(self, using: str) -> _Plan:
        key = (using, connections[using].vendor)
        plan = self._plans.get(key)
        if plan is None:
            with self._lock:
                plan = self._plans.get(key) or _Plan(self._build, self._kinds, using)
                self._plans[key] = plan
        return plan
