"""Placement offers: the e-mail each placed applicant gets when the allocation is confirmed,
and sending it again to a participant who has not started (logged no session) yet.

Sending again is rate-limited like survey invitations (RESEND_MINUTES) and audited: the
participation's offers_sent and offer_last_sent_at change under the lead's name.
"""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.db import transaction
from django.utils import timezone

from capmap.core.actors import set_actor
from capmap.core.exceptions import DomainError
from capmap.core.workflow import lock

from ..models import Participation, Placement, Scheme, SchemeStatus
from .feedback import RESEND_MINUTES, _require_lead


def offer_body(scheme: Scheme, placement: Placement) -> str:
    """What the offer e-mail says: the placement, its host, the mentor and the dates."""
    return (
        f"You have a placement in {scheme.title}: {placement.title} at "
        f"{placement.host.name}, with {placement.mentor.get_full_name() or 'your mentor'}. "
        f"It runs from {scheme.starts_on:%d %B %Y} to {scheme.ends_on:%d %B %Y}."
    )


def offer_subject(scheme: Scheme) -> str:
    return f"{scheme.title}: your placement"


def offer_answered(participation: Participation) -> bool:
    """An offer counts as answered once the participant has logged a session of it."""
    return participation.sessions.exists()


def _check_may_resend(participation: Participation, now) -> None:
    """An offer is sent again only while the scheme runs, to a participant who has not
    started and has an e-mail address, and at most once every RESEND_MINUTES minutes."""
    name = participation.person.full_name
    if participation.placement.scheme.status != SchemeStatus.RUNNING:
        raise DomainError("The scheme is not running: there is no offer to send again.")
    if offer_answered(participation):
        raise DomainError(
            f"{name} has already logged a session of this placement: there is nothing to resend."
        )
    if not participation.person.email:
        raise DomainError(
            f"{name} has no e-mail address on their staff record. Add one, then send again."
        )
    ready_at = participation.offer_sent_at + timedelta(minutes=RESEND_MINUTES)
    if now < ready_at:
        local = timezone.localtime(ready_at)
        raise DomainError(
            f"The offer to {name} was sent less than {RESEND_MINUTES} minutes ago. "
            f"You can send it again from {local:%H:%M}."
        )


@transaction.atomic
def resend_offer(*, actor, participation: Participation) -> Participation:
    """E-mail the placement offer again to a participant who has not started yet; audited."""
    scheme = participation.placement.scheme
    _require_lead(actor, scheme)
    lock(participation)  # two clicks at once send one e-mail
    participation.refresh_from_db(fields=["offer_last_sent_at", "offers_sent"])
    now = timezone.now()
    _check_may_resend(participation, now)
    with set_actor(actor):
        participation.offer_last_sent_at = now
        participation.offers_sent += 1
        participation.save(update_fields=["offer_last_sent_at", "offers_sent", "updated_at"])
    body = (
        f"A reminder of your placement offer.\n\n{offer_body(scheme, participation.placement)}\n\n"
        "Your first step is to arrange your first session with your mentor, then log it in "
        "Capmap. Your programme lead can tell you more."
    )
    mail.send_mail(f"Reminder: {offer_subject(scheme)}", body, None, [participation.person.email])
    return participation
