"""What waits for people in placement schemes: sessions to confirm, surveys to answer, and
each led scheme's state and what is late. A fixed number of queries, whatever the number
of schemes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

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


def lead_scheme_progress(user) -> list[SchemeProgress]:
    """The schemes the user leads that are not closed, each with what is late:
    an allocation not yet confirmed while allocating, sessions waiting for their mentor,
    participants short of their sessions once the scheme has ended, and survey links that
    run out within a week unanswered."""
    schemes = list(
        led_schemes(user)
        .exclude(status=SchemeStatus.CLOSED)  # type: ignore[misc]  # annotated by StatusManager
        # What the summary shows (and the status, annotated): not its owner or description.
        .select_related(None)
        .only("title", "starts_on", "ends_on", "sessions_required")
        .order_by("starts_on", "pk")
    )
    if not schemes:
        return []  # most managers lead none: build none of the four queries below
    ids = [scheme.pk for scheme in schemes]
    confirmed_runs = set(
        Scheme.objects.filter(
            pk__in=ids,
            allocation_runs__in=_confirmed_runs(ids),
        ).values_list("pk", flat=True)
    )
    unconfirmed = dict(
        SessionLog.objects.filter(
            participation__placement__scheme_id__in=ids, confirmed_at__isnull=True
        )
        .values_list("participation__placement__scheme_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    done: dict[int, list[int]] = defaultdict(list)
    for scheme_id, half_days in (
        Participation.objects.filter(placement__scheme_id__in=ids)
        .values_list("placement__scheme_id")
        .annotate(n=Sum("sessions__half_days", filter=Q(sessions__confirmed_at__isnull=False)))
        .order_by()
        .values_list("placement__scheme_id", "n")
    ):
        done[scheme_id].append(half_days or 0)
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


def _confirmed_runs(scheme_ids: list[int]) -> QuerySet:
    return AllocationRun.objects.filter(
        scheme_id__in=scheme_ids,
        status=RunStatus.CONFIRMED,  # type: ignore[misc]  # annotated by StatusManager
    ).values("pk")
