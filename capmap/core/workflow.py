"""One pattern for workflow state: append-only status rows with declared transitions.

A workflow (assessment, plan, evidence review, scheme, allocation run) declares its
statuses, where it starts and which moves are allowed. `transition` is the only way a
status changes: it locks the subject, checks the move, appends a `StatusRow` and writes
the audit trail. The current status is the latest row: `with_status` annotates it on a
queryset (one subquery, no query per row) and `current_status` reads it for one subject.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from auditlog.context import set_actor
from django.db import OperationalError, connection, models
from django.db.models import OuterRef, QuerySet, Subquery

from .exceptions import DomainError
from .models import StatusRow

M = TypeVar("M", bound=models.Model)
F = TypeVar("F", bound=Callable[..., Any])


class TransitionRefused(DomainError):
    """The subject cannot move from its current status to the one asked for."""


@dataclass(frozen=True)
class Workflow:
    """The statuses of one kind of subject and the moves allowed between them."""

    noun: str  # "scheme", as in "This scheme is running..."
    statuses: type[models.TextChoices]
    initial: str
    transitions: Mapping[str, Iterable[str]]
    # The exception raised when a move is refused (a TransitionRefused subclass).
    error: type[TransitionRefused] = TransitionRefused
    # Words for a refusal more helpful than the default, given the current row and target.
    refusal: Callable[[StatusRow, str], str | None] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        known = set(self.statuses.values)
        declared = {self.initial, *self.transitions}
        declared.update(to for targets in self.transitions.values() for to in targets)
        if declared - known:
            raise ValueError(f"Unknown statuses in the {self.noun} workflow: {declared - known}")

    def label(self, status: str | None) -> str:
        return self.statuses(status).label if status in self.statuses.values else str(status)

    def next_statuses(self, current: str | None) -> list[str]:
        """The statuses the subject may move to next, in the order they were declared."""
        if current is None:
            return [self.initial]
        return list(self.transitions.get(current, ()))

    def allows(self, current: str | None, to: str) -> bool:
        return to in self.next_statuses(current)

    def check(self, current: StatusRow | None, to: str) -> None:
        """Raise `error`, whose message is shown to the person, unless the move is allowed."""
        status = current.status if current is not None else None
        if self.allows(status, to):
            return
        if current is not None and self.refusal is not None:
            message = self.refusal(current, to)
            if message:
                raise self.error(message)
        if to not in self.statuses.values:
            raise self.error(f"Choose a status this {self.noun} can move to.")
        if status is None:
            raise self.error(
                f"A new {self.noun} starts as {self.label(self.initial).lower()}. Nothing was "
                "changed."
            )
        options = [self.label(s).lower() for s in self.next_statuses(status)]
        then = (
            f"It can move only to {' or '.join(options)}."
            if options
            else "It cannot move on from here."
        )
        raise self.error(
            f"This {self.noun} is {self.label(status).lower()}, so it cannot move to "
            f"{self.label(to).lower()}. {then}"
        )


@functools.cache
def _rows_of(subject_model: type[models.Model]) -> tuple[type[StatusRow], str]:
    """The status row model of a subject model, and the name of its foreign key."""
    found = [
        (rel.related_model, rel.field.name)
        for rel in subject_model._meta.related_objects
        if isinstance(rel.related_model, type) and issubclass(rel.related_model, StatusRow)
    ]
    if len(found) != 1:
        raise LookupError(f"{subject_model.__name__} needs exactly one status row model.")
    return found[0]


def workflow_of(subject_model: type[models.Model]) -> Workflow:
    return _rows_of(subject_model)[0].workflow


def _latest_rows(subject_model: type[models.Model]) -> QuerySet:
    row_model, subject_field = _rows_of(subject_model)
    return row_model.objects.filter(**{subject_field: OuterRef("pk")}).order_by("-at", "-pk")


def with_status(queryset: QuerySet[M], name: str = "status") -> QuerySet[M]:
    """Annotate each subject with its current status as `name`, with `<name>_at` and
    `<name>_comment` from the same latest row. (Each is a subquery that every query of
    the subject compiles and runs: the latest row's actor, which no list shows, is read
    by `current_status` instead.)"""
    return queryset.annotate(**_status_subqueries(queryset.model, name))


@functools.cache
def _status_subqueries(subject_model: type[models.Model], name: str) -> dict[str, Subquery]:
    """The three subqueries of `with_status`, built once a process: every list and count
    of a status subject asks for them (a page several times), and a queryset resolves a
    copy of each expression it is given, never the expression itself."""
    rows = _latest_rows(subject_model)
    return {
        name: Subquery(rows.values("status")[:1]),
        f"{name}_at": Subquery(rows.values("at")[:1]),
        f"{name}_comment": Subquery(rows.values("comment")[:1]),
    }


def current_status(subject: models.Model) -> StatusRow | None:
    """The subject's latest status row (None before its workflow started)."""
    row_model, subject_field = _rows_of(type(subject))
    return (
        row_model.objects.filter(**{subject_field: subject.pk})
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
    )


def history(subject: models.Model) -> QuerySet[StatusRow]:
    """Every status row of the subject, oldest first, with who made each move."""
    row_model, subject_field = _rows_of(type(subject))
    return (
        row_model.objects.filter(**{subject_field: subject.pk})
        .select_related("actor")
        .order_by("at", "pk")
    )


def lock(subject: M) -> M:
    """Lock the subject's row until the end of the caller's transaction, so that two
    moves of the same subject run one after the other (SQLite takes its write lock at
    BEGIN IMMEDIATE, so this is a plain read there)."""
    model = type(subject)
    list(model._base_manager.select_for_update(of=("self",)).filter(pk=subject.pk).values("pk"))
    CurrentStatus.forget(subject)  # read afresh now that no one else can move it
    return subject


def transition(*, actor, subject: models.Model, to: str, comment: str = "") -> StatusRow:
    """Move the subject to `to`, in the caller's transaction: lock it, check the move is
    declared, append the status row and audit it. Raises the workflow's error (a
    TransitionRefused) with a sentence for the person when the move is not allowed."""
    if actor is None:
        raise ValueError("A status change needs the person or the system that made it.")
    row_model, subject_field = _rows_of(type(subject))
    workflow = row_model.workflow
    lock(subject)
    workflow.check(current_status(subject), to)
    user = None if getattr(actor, "is_system", False) else actor
    with set_actor(user):
        row = row_model.objects.create(
            **{subject_field: subject}, status=to, actor=user, comment=comment.strip()
        )
    CurrentStatus.remember(subject, to)
    return row


class CurrentStatus:
    """A subject's current status as an attribute: set by `StatusManager`'s annotation,
    else read once from the latest row, and kept up to date by `transition`."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        owner._current_status_attribute = name  # type: ignore[attr-defined]

    def __get__(self, subject: Any, owner: type | None = None) -> Any:
        if subject is None:
            return self
        if self.name not in subject.__dict__:
            row = current_status(subject) if subject.pk is not None else None
            subject.__dict__[self.name] = row.status if row else None
        return subject.__dict__[self.name]

    def __set__(self, subject: Any, value: str | None) -> None:
        subject.__dict__[self.name] = value

    @staticmethod
    def remember(subject: models.Model, status: str) -> None:
        name = getattr(type(subject), "_current_status_attribute", None)
        if name is not None:
            subject.__dict__[name] = status

    @staticmethod
    def forget(subject: models.Model) -> None:
        name = getattr(type(subject), "_current_status_attribute", None)
        if name is not None:
            subject.__dict__.pop(name, None)


class StatusManager(models.Manager):
    """A default manager whose querysets carry the current status, so that filters such
    as `status="applications_open"` read as if it were a column."""

    def get_queryset(self) -> QuerySet:
        return with_status(super().get_queryset())


class StatusSubject(models.Model):
    """A model whose current status reads like a field: `status` on every instance and
    in every filter through the default manager (and so its related managers), while the
    status itself lives only in the append-only rows."""

    objects = StatusManager()
    status = CurrentStatus()

    class Meta:
        abstract = True

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        CurrentStatus.forget(self)
        super().refresh_from_db(*args, **kwargs)

    def get_status_display(self) -> str:
        return workflow_of(type(self)).label(self.status)


def retry_when_locked(function: F) -> F:
    """On SQLite, a writer that finds the database locked by another transaction (as the
    in-memory shared-cache test database does at once, without waiting) tries again, so
    it sees the other's move; PostgreSQL waits on the row lock instead."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        attempts = 40
        for attempt in range(attempts):
            try:
                return function(*args, **kwargs)
            except OperationalError as error:
                retry = (
                    connection.vendor == "sqlite"
                    and "locked" in str(error)
                    and not connection.in_atomic_block
                    and attempt < attempts - 1
                )
                if not retry:
                    raise
                time.sleep(0.05)
        raise AssertionError("unreachable")

    return wrapper  # type: ignore[return-value]
