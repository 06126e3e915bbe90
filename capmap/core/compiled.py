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

from django.conf import settings
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


def _check_compilable(queryset: QuerySet) -> type:
    """The queryset's iterable class, when its rows can be made without Django's iterator."""
    iterable = queryset._iterable_class
    if iterable not in (ModelIterable, ValuesListIterable, FlatValuesListIterable):
        raise ImproperlyConfigured("Compile model, values_list or flat querysets only.")
    if getattr(queryset, "_prefetch_related_lookups", ()) or getattr(
        queryset, "_known_related_objects", {}
    ):
        raise ImproperlyConfigured("A compiled query cannot prefetch.")
    return iterable


class _Plan:
    """The SQL of one shape on one database, and how to turn its rows into results."""

    def __init__(
        self, queryset: QuerySet, compiler, sql: str, slots: tuple[_Slot, ...], using: str
    ):
        self.sql = sql
        self.slots = slots
        self.iterable = _check_compilable(queryset)
        fields = [selected[0] for selected in compiler.select[: compiler.col_count]]
        if compiler.has_composite_fields(fields):
            raise ImproperlyConfigured("A compiled query cannot select composite fields.")
        self.column_count = compiler.col_count
        self.converters = list(compiler.get_converters(fields).items())
        if self.iterable is ModelIterable:
            self._plan_models(compiler, using)

    @classmethod
    def with_markers(
        cls, build: Callable[..., QuerySet], kinds: tuple[type, ...], using: str
    ) -> _Plan:
        """The shape's SQL with each argument's place found by building it twice."""
        first, second = _markers(kinds, 0), _markers(kinds, 1)
        queryset = build(*first)
        compiler, (sql, params) = _compiled(queryset, using)
        other_sql, other_params = _compiled(build(*second), using)[1]
        if sql != other_sql or len(params) != len(other_params):
            raise ImproperlyConfigured("This query's SQL depends on its arguments' values.")
        slots = tuple(_slot(a, b, first, second) for a, b in zip(params, other_params, strict=True))
        unused = set(range(len(kinds))) - {slot.argument for slot in slots}
        if unused:
            raise ImproperlyConfigured(f"Arguments {sorted(unused)} never reach the SQL.")
        return cls(queryset, compiler, sql, slots, using)

    @classmethod
    def as_built(cls, queryset: QuerySet, using: str) -> _Plan | _NoRows:
        """The queryset's own SQL and parameters, every one a constant; a plan of no rows
        when Django knows the answer is empty without asking (a filter on no ids)."""
        _check_compilable(queryset)  # the same for callers who may see nothing
        compiler = queryset.query.get_compiler(using=using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return _NO_ROWS
        slots = tuple(_Slot(argument=None, constant=value) for value in params)
        return cls(queryset, compiler, sql, slots, using)

    def parameters(self, arguments: tuple[Any, ...]) -> list[Any]:
        return [slot.value(arguments) for slot in self.slots]

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
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.parameters(arguments))
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


class _NoRows:
    """The plan of a query Django answers without the database: no rows."""

    sql = ""

    def parameters(self, arguments: tuple[Any, ...]) -> list[Any]:
        return []

    def run(self, arguments: tuple[Any, ...], using: str) -> list[Any]:
        return []


_NO_ROWS = _NoRows()


class _Count:
    """How many rows a plan's query gives, counted by the database (0 for no rows)."""

    def __init__(self, plan: _Plan | _NoRows):
        self.plan = plan
        # The inner SQL is Django's own compiled query, its values all parameters.
        self.sql = f"SELECT COUNT(*) FROM ({plan.sql}) AS counted" if plan.sql else ""  # noqa: S608

    def parameters(self, arguments: tuple[Any, ...]) -> list[Any]:
        return self.plan.parameters(arguments)

    def run(self, arguments: tuple[Any, ...], using: str) -> int:
        if not self.sql:
            return 0
        with connections[using].cursor() as cursor:
            cursor.execute(self.sql, self.parameters(arguments))
            return cursor.fetchone()[0]


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
                plan = self._plans.get(key) or _Plan.with_markers(self._build, self._kinds, using)
                self._plans[key] = plan
        return plan


# --- Queries whose SQL depends on who asks -------------------------------------------

_PLAIN = (int, str, bool, datetime.date, type(None))


def _typed(value: Any) -> Any:
    """The value with its type, so True and 1 (equal, and equal in hash) key apart; None
    for a value that is not plain (a model instance, a subclass such as TextChoices)."""
    if type(value) is tuple:
        items = tuple(_typed(item) for item in value)
        return None if None in items else (tuple, items)
    if type(value) not in _PLAIN:
        return None
    return (type(value), value)


def _refuse_reads(execute, sql, params, many, context):
    raise ImproperlyConfigured(
        "A QueryPerScope builder read the database while building its query: its SQL would "
        "depend on data its key does not hold. Pass what it reads as an argument."
    )


class QueryPerScope:
    """A queryset whose SQL depends on who asks (the access policy's filter holds their
    organisation paths, the people they supervise, their own id): Django builds and
    compiles it once for each caller's scope and arguments, and while both stay the same
    the same SQL is sent again with its parameters, as `CompiledQuery` sends its own.

        MY_TEAM = policy.per_scope(lambda caller, organisation_id: ...queryset...)
        MY_TEAM(request.user, organisation.pk)  # -> a list, as CompiledQuery gives

    Nothing is templated: each plan is the ORM's own SQL for exactly those inputs (ADR
    0029). `scope(actor)` gives the key of everything about the actor the SQL may depend
    on, and a function making what the builder is given in the actor's place, which holds
    that and nothing more (the policy's `Caller`). The arguments must be plain values (int,
    str, bool, date, None, tuples of them; not subclasses) so that nothing else reaches the
    builder through them, and building runs with database reads refused. With the setting
    CAPMAP_VERIFY_QUERIES_PER_SCOPE (on in the tests) every reuse is compared with the SQL
    and parameters Django compiles afresh, so a key that misses an input fails the suite.

    With `count=True` a call gives how many rows the queryset has, counted by the database.

    Plans are kept per process, at most `size` of them (the oldest dropped first). Rows are
    never kept, only SQL: what a caller sees is always read from the database.
    """

    def __init__(
        self,
        build: Callable[..., QuerySet],
        scope: Callable[[Any], tuple[Any, Callable[[], Any]]],
        size: int = 512,
        count: bool = False,
    ):
        if size < 1:
            raise ValueError("A QueryPerScope keeps at least one plan.")
        self.counts = count
        self._build = build
        self._scope = scope
        self._size = size
        self._plans: dict[tuple, _Plan | _NoRows | _Count] = {}
        self._lock = threading.Lock()

    def __call__(self, actor: Any, *arguments: Any, using: str = "default") -> Any:
        typed = _typed(arguments)
        if typed is None:
            raise TypeError(
                "QueryPerScope arguments must be plain ints, text, booleans, dates or None."
            )
        scope, caller = self._scope(actor)
        key = (using, connections[using].vendor, scope, typed)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._compiled(caller(), arguments, using)
            with self._lock:
                while len(self._plans) >= self._size:
                    self._plans.pop(next(iter(self._plans)), None)
                self._plans[key] = plan
        elif getattr(settings, "CAPMAP_VERIFY_QUERIES_PER_SCOPE", False):
            self._verify(plan, caller(), arguments, using)
        return plan.run((), using)

    def queryset(self, actor: Any, *arguments: Any) -> QuerySet:
        """The queryset itself, built for the actor, to filter further or run as Django would."""
        return self._build(actor, *arguments)

    def _compiled(self, caller: Any, arguments: tuple, using: str) -> _Plan | _NoRows | _Count:
        with connections[using].execute_wrapper(_refuse_reads):
            queryset = self._build(caller, *arguments)
            if self.counts and not queryset.query.is_sliced:
                queryset = queryset.order_by()  # as QuerySet.count(): order counts nothing
            if queryset.db != using:
                raise ImproperlyConfigured(f"This query reads {queryset.db!r}, not {using!r}.")
            plan = _Plan.as_built(queryset, using)
        return _Count(plan) if self.counts else plan

    def _verify(self, plan: Any, caller: Any, arguments: tuple, using: str) -> None:
        fresh = self._compiled(caller, arguments, using)
        if (fresh.sql, fresh.parameters(())) != (plan.sql, plan.parameters(())):
            raise ImproperlyConfigured(
                "A QueryPerScope plan was reused for a caller whose SQL is now different: "
                "its scope key misses something the query depends on."
            )
