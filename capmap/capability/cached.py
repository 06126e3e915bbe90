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
from collections.abc import Callable
from typing import TypeVar

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
FORMAT = 1
# Entries are never wrong, only unreachable once the version moves on: this bounds the
# memory they hold, not their freshness.
TIMEOUT = 60 * 60
_MISSING = object()


def role_coverage(user, organisation: Organisation) -> list[selectors.RoleCoverage]:
    """selectors.role_coverage, from the cache when the data has not changed."""
    return _cached(
        "role_coverage",
        user,
        organisation,
        {},
        lambda: selectors.role_coverage(user, organisation),
    )


def pathway_summaries(user, organisation: Organisation) -> list[selectors.PathwaySummary]:
    """selectors.pathway_summaries, from the cache when the data has not changed. Its
    pathways are those the user may see, so their scope is part of the key too."""
    return _cached(
        "pathway_summaries",
        user,
        organisation,
        {},
        lambda: selectors.pathway_summaries(user, organisation),
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
    )


def _cached(
    name: str,
    user,
    organisation: Organisation,
    parameters: dict,
    compute: Callable[[], T],
    *,
    pathways: bool = False,
) -> T:
    # Inside a transaction the reads may include its own uncommitted writes, which a
    # rollback would undo while the version they were stored under came back: compute.
    if connection.in_atomic_block:
        return compute()
    version = data_version.current()
    if version is None:
        return compute()
    key = _key(name, version, user, organisation, parameters, pathways=pathways)
    try:
        found = cache.get(key, _MISSING)
    except Exception:  # a cache that is down must cost speed, never the page
        logger.warning("The cache did not answer; computing %s.", name, exc_info=True)
        return compute()
    if found is not _MISSING:
        return found
    value = compute()
    try:
        cache.set(key, value, TIMEOUT)
    except Exception:
        logger.warning("The cache did not store %s.", name, exc_info=True)
    return value


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
