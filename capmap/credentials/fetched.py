"""What checking a credential fetches from other sites, through the one safeguarded
fetcher (capmap.core.fetching): another issuer's status list, kept in the database and
fetched again once older than CAPMAP_STATUS_LIST_MAX_AGE_HOURS, and a credential behind a
link to another site. What a failed fetch means is in docs/adr/0015."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from capmap.core.actors import SYSTEM, set_actor
from capmap.core.exceptions import DomainError
from capmap.core.fetching import Fetched, FetchRefused, fetch_json

from . import publishing, selectors
from .models import FetchedStatusList
from .vc.verify import Report, StatusListUnavailable, verify

# A list that failed to fetch is not tried again sooner than this: a daily re-check of a
# hundred credentials naming one dead site would otherwise wait on it a hundred times.
RETRY_AFTER = timedelta(minutes=15)
# One check fetches at most this many status lists: a credential naming dozens would
# otherwise make one page view wait on dozens of sites.
MAX_FETCHES_PER_CHECK = 3


def verify_online(
    raw: str | bytes | dict[str, Any], *, saved: dict[str, dict[str, Any]] | None = None
) -> Report:
    """Verify as `selectors.verify_here` does, and also against other issuers' status
    lists, fetched (or taken from the copy held, while fresh)."""
    fetches = 0

    def status_lists(url: str) -> dict[str, Any] | None:
        nonlocal fetches
        # `saved` may be the command line's one list standing for any URL: ask it, always.
        listed = (saved.get(url) if saved is not None else None) or (
            selectors.deployment_status_list(url)
        )
        if listed is not None:
            return listed
        fetches += 1
        if fetches > MAX_FETCHES_PER_CHECK:
            raise StatusListUnavailable(
                f"Its status list ({url}) was not fetched: the credential names more than "
                f"{MAX_FETCHES_PER_CHECK} status lists."
            )
        return other_issuers_status_list(url)

    return verify(raw, resolvers=[selectors.deployment_key], status_lists=status_lists)


def other_issuers_status_list(url: str) -> dict[str, Any]:
    """The status list credential at `url`: the copy held while fresh, else fetched again
    (conditionally, when the site gave an ETag or date). Raises StatusListUnavailable,
    with the last good copy to judge by, when it cannot be fetched."""
    held = FetchedStatusList.objects.filter(url=url).first()
    now = timezone.now()
    if held is not None and held.document is not None and _fresh(held, now):
        return held.document
    if held is not None and _failed_lately(held, now):
        raise _unavailable(held, now)
    try:
        fetched = fetch_json(
            url,
            etag=held.etag if held and held.document else "",
            last_modified=held.last_modified if held and held.document else "",
        )
        if not fetched.not_modified and not isinstance(fetched.document, dict):
            raise FetchRefused(f"{url} did not send a status list credential.")
    except FetchRefused as error:
        held = _record_failure(url, str(error), now)
        raise _unavailable(held, now) from None
    return _record_success(url, fetched, now).document or {}


def _fresh(held: FetchedStatusList, now: datetime) -> bool:
    max_age = timedelta(hours=settings.CAPMAP_STATUS_LIST_MAX_AGE_HOURS)
    return held.fetched_at is not None and now - held.fetched_at < max_age


def _failed_lately(held: FetchedStatusList, now: datetime) -> bool:
    return (
        held.failing_since is not None
        and held.tried_at is not None
        and now - held.tried_at < RETRY_AFTER
    )


def _record_success(url: str, fetched: Fetched, now: datetime) -> FetchedStatusList:
    changes: dict[str, Any] = {
        "fetched_at": now,
        "tried_at": now,
        "failing_since": None,
        "last_error": "",
    }
    if not fetched.not_modified:
        changes |= {
            "document": fetched.document,
            "etag": fetched.etag[:300],
            "last_modified": fetched.last_modified[:100],
        }
    with set_actor(SYSTEM):
        held, _ = FetchedStatusList.objects.update_or_create(url=url, defaults=changes)
    return held


def _record_failure(url: str, reason: str, now: datetime) -> FetchedStatusList:
    with set_actor(SYSTEM):
        held, _ = FetchedStatusList.objects.get_or_create(url=url)
        held.tried_at, held.last_error = now, reason
        held.failing_since = held.failing_since or now
        held.save(update_fields=["tried_at", "last_error", "failing_since"])
    return held


def _unavailable(held: FetchedStatusList, now: datetime) -> StatusListUnavailable:
    """A failed fetch changes nothing by itself: the last good copy is judged by, until no
    fetch has succeeded for CAPMAP_STATUS_LIST_GRACE_DAYS; then the credential is not
    relied on until one does."""
    grace = settings.CAPMAP_STATUS_LIST_GRACE_DAYS
    unchecked_since = held.fetched_at or held.failing_since or now
    too_long = now - unchecked_since > timedelta(days=grace)
    reason = f"Its status list could not be fetched: {held.last_error}"
    if held.document is not None and held.fetched_at is not None:
        reason += f" Its copy fetched on {held.fetched_at:%d %B %Y} was used."
    if too_long:
        reason += (
            f" No fetch has succeeded for more than {grace} days, so whether it has been "
            "revoked is not known: it is not relied on until a fetch succeeds."
        )
    return StatusListUnavailable(reason, fallback=held.document, too_long=too_long)


def credential_at(link: str) -> bytes | dict[str, Any]:
    """The credential a verification link points at: this Capmap's own without fetching,
    another site's through the safeguarded fetcher. DomainError says why not."""
    own = selectors.credential_behind_link(link)
    if own is not None:
        return own
    if link.strip().startswith(publishing.public_url()):
        raise DomainError(
            "This link is not a credential issued on this Capmap. Check the link, or "
            "download the credential's file and upload that instead."
        )
    try:
        fetched = fetch_json(link.strip())
    except FetchRefused as error:
        raise DomainError(
            f"The credential could not be fetched from its link. {error} Open the link, "
            "download the credential's file there, and upload that file instead."
        ) from None
    if not isinstance(fetched.document, dict):
        raise DomainError("The link does not lead to a credential: upload its file instead.")
    return fetched.document
