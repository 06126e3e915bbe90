"""Who acts when no person does: the command line, data loading and background jobs.

Services take an actor always. A person is a User; the system is `SYSTEM`, which may
do anything and is named "system" in the audit trail. `None` is never an actor: a
service given it raises TypeError, so a missing actor is a bug, not a superuser.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from auditlog.context import set_actor as _auditlog_set_actor
from auditlog.context import set_extra_data


class SystemActor:
    """The system acting on its own behalf (see the module docstring)."""

    is_system = True
    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_superuser = False
    is_staff = False
    pk = None
    id = None
    email = "system"

    def __str__(self) -> str:
        return "system"

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = SystemActor()


def is_system(actor: Any) -> bool:
    """Whether the actor is the system (users and anonymous visitors are not)."""
    return getattr(actor, "is_system", False) is True


def require_actor(actor: Any) -> None:
    """Refuse a missing actor: the caller must say who acts, SYSTEM if no person does."""
    if actor is None:
        raise TypeError("A service needs an actor: pass capmap.core.actors.SYSTEM, not None.")


def user_or_none(actor: Any) -> Any:
    """The user to store in a 'by' column: the system is stored as no one."""
    require_actor(actor)
    return None if is_system(actor) else actor


@contextmanager
def set_actor(actor: Any) -> Iterator[None]:
    """auditlog's set_actor, which also records the system's changes as made by "system".

    auditlog stores only a User as the actor; for the system it names the change with
    `actor_email`, so the audit trail says who made it rather than showing no one.
    """
    require_actor(actor)
    if is_system(actor):
        with set_extra_data({"actor_email": SYSTEM.email}):
            yield
    else:
        with _auditlog_set_actor(actor):
            yield
