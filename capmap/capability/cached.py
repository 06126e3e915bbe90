"""The ICS-wide aggregates (the home page's role lines and pathway summaries, training
needs) served from Django's cache, so that it can never be stale or out of scope.

An entry's key holds everything its value depends on: the aggregate and its parameters,
the caller's scope exactly as the access policy gives it (`policy.scope_key`), today (who
is in post and who supervises whom change at midnight) and the data version
(`data_version`), read before computing. A write to anything the aggregates read moves the
version on, so no entry is ever found again after it: nothing is deleted, entries expire.
docs/adr/0017-aggregate-cache-and-data-version.md says why this is correct.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import time
from collections.abc import Callable
from typing import TypeVar, cast

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from capmap.frameworks.models import CarePathway
from capmap.organisations.models import Organisation
from capmap.people import policy
from capmap.people.models import JobRole, Person

from . import data_version, selectors

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Part of every key: change it whenever a cached value's shape changes, so servers of two
# releases sharing one Redis never read each other's entries.
FORMAT = 2  # 2: competencies as CompetencyHeader rows, not models (ADR 0024)
# Entries are never wrong, only unreachable once the version moves on: this bounds the
# memory they hold, not their freshness.
TIMEOUT = 60 * 60
# When another request is already computing the same entry (the first requests after a
# write all miss at once), wait up to this long for its answer rather than compute it
# again beside it on the same cores; then compute it anyway.
WAIT_FOR_OTHER = 10.0
POLL = 0.05
_MISSING = object()
_UNANSWERED = object()


def role_coverage(user, organisation: Organisation) -> list[selectors.RoleCoverage]:
    """selectors.role_coverage, from the cache when the data has not changed."""
    return _role_coverage(user, organisation, _version())


def pathway_summaries(user, organisation: Organisation) -> list[selectors.PathwaySummary]:
    """selectors.pathway_summaries, from the cache when the data has not changed. Its
    pathways are those the user may see, so their scope is part of the key too."""
    return _pathway_summaries(user, organisation, _version())


def team_summaries(
    user, organisation: Organisation
) -> tuple[list[selectors.RoleCoverage], list[selectors.PathwaySummary]]:
    """role_coverage and pathway_summaries together (a team on the home page), with the
    data version read once for both: still read before either is computed."""
    version = _version()
    return (
        _role_coverage(user, organisation, version),
        _pathway_summaries(user, organisation, version),
    )


def _role_coverage(
    user, organisation: Organisation, version: data_version.DataVersion | None
) -> list[selectors.RoleCoverage]:
    return _cached(
        "role_coverage",
        user,
        organisation,
        {},
        lambda: selectors.role_coverage(user, organisation),
        version=version,
    )


def _pathway_summaries(
    user, organisation: Organisation, version: data_version.DataVersion | None
) -> list[selectors.PathwaySummary]:
    return _cached(
        "pathway_summaries",
        user,
        organisation,
        {},
        lambda: selectors.pathway_summaries(user, organisation),
        version=version,
        pathways=True,
    )


def training_needs(
    user, organisation: Organisation, *, job_role: JobRole | None = None
) -> list[selectors.TrainingNeed]:
    """selectors.training_needs, from the cache when the data has not changed."""
    return _cached(
        "training_needs",
        user,
        organisation,
        {"job_role": job_role.pk if job_role is not None else None},
        lambda: selectors.training_needs(user, organisation, job_role=job_role),
        version=_version(),
    )


def _cached(
    name: str,
    user,
    organisation: Organisation,
    parameters: dict,
    compute: Callable[[], T],
    *,
    version: data_version.DataVersion | None,
    pathways: bool = False,
) -> T:
    if version is None:
        return compute()
    key = _key(name, version, user, organisation, parameters, pathways=pathways)
    found = _read(key)
    if found is _UNANSWERED:
        return compute()  # and no more waiting on it in this request
    if found is _MISSING:
        computing = f"{key}:computing"
        if _quietly(cache.add, computing, True, WAIT_FOR_OTHER) is False:
            found = _computed_by_another(key)
    if found is not _MISSING:
        return cast(T, found)
    value = compute()
    _quietly(cache.set, key, value, TIMEOUT)
    _quietly(cache.delete, f"{key}:computing")
    return value


def _version() -> data_version.DataVersion | None:
    """The data version to key entries by, or None when they must be computed: inside a
    transaction the reads may include its own uncommitted writes, which a rollback would
    undo while the version they were stored under came back."""
    if connection.in_atomic_block:
        return None
    return data_version.current()


def _quietly(call: Callable[..., object], *args) -> object:
    """A cache operation, or _UNANSWERED when the cache is down or slow: that must cost
    speed, never the page."""
    try:
        return call(*args)
    except Exception:
        logger.warning("The cache did not answer (%s).", call.__name__, exc_info=True)
        return _UNANSWERED


# What unpickling raises for an entry written by another release whose classes have since
# moved or changed (FORMAT not bumped with them).
UNREADABLE = (pickle.UnpicklingError, AttributeError, ImportError, EOFError, TypeError)


def _read(key: str) -> object:
    """The entry, _MISSING when there is none or it cannot be read (another release's,
    with classes this one does not have: computed and stored again over it, once, rather
    than a traceback on every request), or _UNANSWERED when the cache is down."""
    try:
        return cache.get(key, _MISSING)
    except UNREADABLE as error:
        logger.warning("A cached entry could not be read and is computed again (%r).", error)
        return _MISSING
    except Exception:
        logger.warning("The cache did not answer (get).", exc_info=True)
        return _UNANSWERED


def _computed_by_another(key: str) -> object:
    """The entry another request is computing, once it is stored (same key: the same
    version and scope), or _MISSING when it does not come within WAIT_FOR_OTHER."""
    deadline = time.monotonic() + WAIT_FOR_OTHER
    while time.monotonic() < deadline:
        time.sleep(POLL)
        found = _read(key)
        if found is _UNANSWERED:
            return _MISSING
        if found is not _MISSING:
            return found
    return _MISSING


def _key(
    name: str,
    version: data_version.DataVersion,
    user,
    organisation: Organisation,
    parameters: dict,
    *,
    pathways: bool,
) -> str:
    scope = [policy.scope_key(user, policy.VIEW_LEVELS, Person)]
    if pathways:
        scope.append(policy.scope_key(user, policy.VIEW_FRAMEWORK, CarePathway))
    described = repr(
        (
            FORMAT,
            name,
            tuple(version),
            timezone.localdate().isoformat(),
            organisation.pk,
            sorted(parameters.items()),
            scope,
        )
    )
    return f"capability:{name}:{hashlib.sha256(described.encode()).hexdigest()}"
