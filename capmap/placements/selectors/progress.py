"""What waits for people in placement schemes: sessions to confirm, surveys to answer, and
each led scheme's state and what is late. A fixed number of queries, whatever the number
of schemes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from capmap.core.compiled import CompiledQuery
from capmap.people import policy

from ..models import (
    AllocationRun,
    Invitation,
    Participation,
    RunStatus,
    Scheme,
    SchemeStatus,
    SessionLog,
)
from . import led_schemes

# A survey link that runs out within this many days is "closing soon".
CLOSING_SOON = timedelta(days=7)


def sessions_to_confirm(user) -> QuerySet[SessionLog]:
    """Logged sessions of the participants the user mentors now, not yet confirmed."""
    waiting = SessionLog.objects.filter(confirmed_at__isnull=True).order_by("date", "pk")
    return policy.allowed_rows(user, policy.MENTOR_PARTICIPATION, waiting, via="participation__")


# Every supervisor's home asks, compiled once per caller's scope (ADR 0029).
_SESSIONS_TO_CONFIRM = policy.per_scope(
    lambda caller: sessions_to_confirm(caller).values_list("participation_id", flat=True)
)


def participations_with_sessions_to_confirm(user) -> list[int]:
    """The participation of each session waiting for the user to confirm it."""
    return _SESSIONS_TO_CONFIRM(user)


def surveys_to_answer(user) -> QuerySet[Invitation]:
    """Unanswered, unexpired survey invitations sent to the user's e-mail address. Their
    links live only in the e-mail (a token is stored as its hash), so this is a count."""
    if not user.is_authenticated or not user.email:
        return Invitation.objects.none()
    return Invitation.objects.filter(
        email__iexact=user.email, used_at__isnull=True, expires_at__gt=timezone.now()
    )


@dataclass
class SchemeProgress:
    """A scheme its programme lead runs: where it stands and what is late."""

    scheme: Scheme
    status_label: str
    allocation_unpublished: bool = False
    sessions_unconfirmed: int = 0
    participants_behind: int = 0
    participants: int = 0
    participants_done: int = 0
    invitations_closing: int = 0


def _led_open_schemes(caller) -> QuerySet[Scheme]:
    return (
        led_schemes(caller)
        .exclude(status=SchemeStatus.CLOSED)  # type: ignore[misc]  # annotated by StatusManager
        # What the summary shows (and the status, annotated): not its owner or description.
        .select_related(None)
        .only("title", "starts_on", "ends_on", "sessions_required")
        .order_by("starts_on", "pk")
    )


# Every programme lead's home (ADR 0029).
_LED_OPEN_SCHEMES = policy.per_scope(_led_open_schemes)


def lead_scheme_progress(user) -> list[SchemeProgress]:
    """The schemes the user leads that are not closed, each with what is late:
    an allocation not yet confirmed while allocating, sessions waiting for their mentor,
    participants short of their sessions once the scheme has ended, and survey links that
    run out within a week unanswered."""
    schemes = _LED_OPEN_SCHEMES(user)
    if not schemes:
        return []  # most managers lead none: build none of the four queries below
    ids = [scheme.pk for scheme in schemes]
    confirmed_runs, unconfirmed, done = _figures_of(ids)
    closing = dict(
        Invitation.objects.filter(
            survey__scheme_id__in=ids,
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
            expires_at__lte=timezone.now() + CLOSING_SOON,
        )
        .values_list("survey__scheme_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    today = timezone.localdate()
    result = []
    for scheme in schemes:
        progress = SchemeProgress(scheme, scheme.get_status_display())
        progress.allocation_unpublished = (
            scheme.status == SchemeStatus.ALLOCATING and scheme.pk not in confirmed_runs
        )
        progress.sessions_unconfirmed = unconfirmed.get(scheme.pk, 0)
        progress.participants = len(done[scheme.pk])
        progress.participants_done = sum(
            1 for n in done[scheme.pk] if n >= scheme.sessions_required
        )
        if scheme.ends_on < today:
            progress.participants_behind = sum(
                1 for n in done[scheme.pk] if n < scheme.sessions_required
            )
        progress.invitations_closing = closing.get(scheme.pk, 0)
        result.append(progress)
    return result


# The figures of the schemes a lead runs, each query built for some schemes by `among`:
# `field__in=ids`, or `field=id` for one. A lead of one scheme (the demo's programme
# lead) is read through queries compiled once a process (ADR 0026); the same builders
# serve both, so the two cannot disagree on what they count.
Among = Callable[[str], Q]


def _among(ids: list[int]) -> Among:
    return lambda field: Q(**{f"{field}__in": ids})


def _just(pk: int) -> Among:
    return lambda field: Q(**{field: pk})


def _with_confirmed_run(among: Among) -> QuerySet:
    """The schemes whose allocation a lead has confirmed."""
    runs = AllocationRun.objects.filter(
        among("scheme_id"),
        status=RunStatus.CONFIRMED,  # type: ignore[misc]  # annotated by StatusManager
    ).values("pk")
    return Scheme.objects.filter(among("pk"), allocation_runs__in=runs).values_list("pk", flat=True)


def _unconfirmed_sessions(among: Among) -> QuerySet:
    """(scheme id, sessions logged and not yet confirmed by the mentor)."""
    return (
        SessionLog.objects.filter(
            among("participation__placement__scheme_id"), confirmed_at__isnull=True
        )
        .values_list("participation__placement__scheme_id")
        .annotate(n=Count("pk"))
        .order_by()
    )


def _confirmed_half_days(among: Among) -> QuerySet:
    """(scheme id, confirmed half days) of each participant, None for none."""
    return (
        Participation.objects.filter(among("placement__scheme_id"))
        .values_list("placement__scheme_id")
        .annotate(n=Sum("sessions__half_days", filter=Q(sessions__confirmed_at__isnull=False)))
        .order_by()
        .values_list("placement__scheme_id", "n")
    )


_ONE_WITH_CONFIRMED_RUN = CompiledQuery(lambda pk: _with_confirmed_run(_just(pk)), int)
_ONE_UNCONFIRMED_SESSIONS = CompiledQuery(lambda pk: _unconfirmed_sessions(_just(pk)), int)
_ONE_CONFIRMED_HALF_DAYS = CompiledQuery(lambda pk: _confirmed_half_days(_just(pk)), int)


def _figures_of(ids: list[int]) -> tuple[set[int], dict[int, int], dict[int, list[int]]]:
    """The schemes with a confirmed allocation, the unconfirmed sessions of each, and the
    confirmed half days of each participant of each."""
    if len(ids) == 1:
        confirmed = _ONE_WITH_CONFIRMED_RUN(ids[0])
        unconfirmed = _ONE_UNCONFIRMED_SESSIONS(ids[0])
        half_days = _ONE_CONFIRMED_HALF_DAYS(ids[0])
    else:
        among = _among(ids)
        confirmed = list(_with_confirmed_run(among))
        unconfirmed = list(_unconfirmed_sessions(among))
        half_days = list(_confirmed_half_days(among))
    done: dict[int, list[int]] = defaultdict(list)
    for scheme_id, n in half_days:
        done[scheme_id].append(n or 0)
    return set(confirmed), dict(unconfirmed), done
