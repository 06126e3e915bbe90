"""Reads for credentials: the holder's own credentials, what is public by design (issuer
profiles, status lists, a credential behind its unguessable link), and verification
against this deployment's keys and status lists."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from capmap.assessments.models import CapabilityEvent, CurrentCapability
from capmap.organisations.models import Organisation
from capmap.people.models import Person

from . import publishing
from .models import IssuedCredential, IssuerKey, StatusList
from .vc.dataintegrity import ResolvedKey
from .vc.verify import Report, verify


def holder_person(actor: Any) -> Person | None:
    if not getattr(actor, "is_authenticated", False) or not getattr(actor, "pk", None):
        return None
    return Person.objects.filter(user=actor).select_related("employer").first()


def credentials_of_holder(actor: Any) -> QuerySet[IssuedCredential]:
    """The signed-in person's own credentials, newest first (nobody else's)."""
    person = holder_person(actor)
    if person is None:
        return IssuedCredential.objects.none()
    return (
        IssuedCredential.objects.filter(person=person)
        .select_related("organisation", "revocation")
        .prefetch_related("rests_on__accepted")
        .order_by("-issued_at", "-pk")
    )


def holder_credential(actor: Any, public_id: Any) -> IssuedCredential | None:
    return credentials_of_holder(actor).filter(public_id=public_id).first()


@dataclass(frozen=True)
class Issuable:
    event_id: int
    competency: str
    level: int
    signed_at: Any


def levels_without_credential(actor: Any) -> list[Issuable]:
    """The holder's current verified levels that have no credential yet."""
    person = holder_person(actor)
    if person is None:
        return []
    issued = IssuedCredential.objects.filter(person=person, capability_event__isnull=False).values(
        "capability_event_id"
    )
    rows = (
        CurrentCapability.objects.filter(person=person)
        .exclude(event_id__in=issued)
        # A level verified elsewhere is certified by its own issuer's credential.
        .exclude(event__verified_elsewhere_by__gt="")
        .select_related("competency")
        .order_by("competency__code", "competency__title")
    )
    return [
        Issuable(
            r.event_id, f"{r.competency.code} {r.competency.title}".strip(), r.level, r.signed_at
        )
        for r in rows
    ]


def holder_event(actor: Any, event_id: int) -> CapabilityEvent | None:
    person = holder_person(actor)
    if person is None:
        return None
    return CapabilityEvent.objects.filter(pk=event_id, person=person).first()


def shared_credential(public_id: Any) -> IssuedCredential | None:
    """A credential behind its shareable link (public by design: whoever has the link)."""
    return (
        IssuedCredential.objects.filter(public_id=public_id)
        .select_related("organisation", "revocation")
        .first()
    )


def credential_behind_link(link: str) -> dict[str, Any] | None:
    """The signed credential a shareable link of this deployment points at (public by
    design, as the link is), or None for any other link: nothing is fetched from elsewhere."""
    prefix = publishing.credential_url("")
    address = link.strip().split("?", 1)[0].split("#", 1)[0].rstrip("/")
    if not address.startswith(prefix):
        return None
    try:
        public_id = uuid.UUID(address[len(prefix) :])
    except ValueError:
        return None
    found = shared_credential(public_id)
    return found.document if found else None


def issuer_organisation(organisation_id: int) -> Organisation | None:
    """An organisation that has issued (has a signing key): its profile is public."""
    if not IssuerKey.objects.filter(organisation_id=organisation_id).exists():
        return None
    return Organisation.objects.filter(pk=organisation_id).first()


def status_list(organisation_id: int, number: int) -> StatusList | None:
    return (
        StatusList.objects.filter(organisation_id=organisation_id, number=number)
        .select_related("organisation")
        .first()
    )


def credentials_of_person(person: Person) -> QuerySet[IssuedCredential]:
    """Every credential issued to a person (the command line's export; no web caller)."""
    return (
        IssuedCredential.objects.filter(person=person)
        .select_related("organisation")
        .order_by("issued_at", "pk")
    )


# --- verification against this deployment ------------------------------------------------


def deployment_key(verification_method: str) -> ResolvedKey | None:
    """A key Capmap holds (current or retired): confirmed as its issuer's."""
    multikey = verification_method.removeprefix("did:key:").split("#")[0]
    key = IssuerKey.objects.filter(public_key=multikey).first()
    if key is None:
        return None
    return ResolvedKey(
        publishing.key_bytes(key),
        "the issuer's keys published by this Capmap",
        publishing.issuer_url(key.organisation_id),
        confirmed=True,
    )


STATUS_PATH = re.compile(r"/credentials/status/(\d+)/(\d+)$")


def deployment_status_list(url: str) -> dict[str, Any] | None:
    base = publishing.public_url()
    if not url.startswith(base):
        return None
    match = STATUS_PATH.search(url[len(base) :])
    if match is None:
        return None
    found = status_list(int(match.group(1)), int(match.group(2)))
    return publishing.signed_status_list(found) if found else None


def verify_here(
    raw: str | bytes | dict[str, Any],
    *,
    extra_status_lists: dict[str, dict[str, Any]] | None = None,
) -> Report:
    """Verify offline, knowing this deployment's keys and status lists (and any saved
    status list credentials of other issuers, by their id)."""
    saved = {} if extra_status_lists is None else extra_status_lists

    def status_lists(url: str) -> dict[str, Any] | None:
        return saved.get(url) or deployment_status_list(url)

    return verify(raw, resolvers=[deployment_key], status_lists=status_lists)


# --- accepting credentials from elsewhere ------------------------------------------------


def person_for_accepting(actor: Any, person_id: int) -> Person | None:
    """The person, when the actor may see their staff record."""
    from capmap.people import policy

    person = Person.objects.filter(pk=person_id).select_related("employer").first()
    if person is None or not policy.allows(actor, policy.VIEW_PERSON, person):
        return None
    return person


def issuer_recognised_for(person: Person, issuer_id: str) -> bool:
    """Whether the person's employer, or an organisation above it, recognises the issuer."""
    from .models import RecognisedIssuer

    return RecognisedIssuer.objects.filter(
        organisation_id__in=person.employer.ancestor_ids(), issuer_id=issuer_id
    ).exists()


def accepted_rows(person: Person) -> list:
    """The person's imported credentials still on their record, each with why it does not
    count (or "") and the level it gives them now (the caller has checked access)."""
    from .accepting import AcceptedRow, latest_status_note, why_it_does_not_count
    from .models import AcceptedCredential, CountedLevel, RecognisedIssuer

    recognised = set(
        RecognisedIssuer.objects.filter(
            organisation_id__in=person.employer.ancestor_ids()
        ).values_list("issuer_id", flat=True)
    )
    rows = AcceptedCredential.objects.filter(person=person).prefetch_related("checks")
    gave = {
        counted.accepted_id: f"{counted.event.competency.code} at level {counted.event.level}"
        for counted in CountedLevel.objects.filter(
            accepted__person=person, withdrawn_at__isnull=True
        ).select_related("event__competency")
    }
    result = []
    for accepted in rows:
        accepted.person = person  # already loaded, with its employer
        why = why_it_does_not_count(accepted, recognised=accepted.issuer_id in recognised)
        if why != "Removed from the person's record.":
            note = latest_status_note(accepted)
            result.append(AcceptedRow(accepted, why, gave.get(accepted.pk, ""), note))
    return result


def accepted_due_for_recheck(actor: Any, checked_before: datetime) -> QuerySet:
    """Accepted credentials still on a record whose latest check (or import, when never
    checked) is older than `checked_before`, oldest id first. Every organisation's, so
    for the system's daily re-check only: any other actor gets none."""
    from capmap.core.actors import is_system

    from .models import AcceptedCredential, AcceptedCredentialCheck

    if not is_system(actor):
        return AcceptedCredential.objects.none()
    latest = AcceptedCredentialCheck.objects.filter(accepted=OuterRef("pk")).order_by(
        "-checked_at", "-pk"
    )
    return (
        AcceptedCredential.objects.annotate(
            last_checked=Coalesce(Subquery(latest.values("checked_at")[:1]), F("accepted_at")),
            removed=Coalesce(Subquery(latest.values("removed")[:1]), Value(False)),
        )
        .filter(last_checked__lt=checked_before, removed=False)
        .select_related("person__employer")
        .order_by("pk")
    )


def accepted_for_person(actor: Any, person_id: int, accepted_id: int) -> Any:
    """An accepted credential of a person whose staff record the actor sees, or None."""
    from .models import AcceptedCredential

    person = person_for_accepting(actor, person_id)
    if person is None:
        return None
    accepted = AcceptedCredential.objects.filter(pk=accepted_id, person=person).first()
    if accepted is not None:
        accepted.person = person
    return accepted


def recognised_issuer_of(actor: Any, organisation_id: int, issuer_id: int) -> Any:
    """A recognised issuer of an organisation whose people the actor sees, or None."""
    from .models import RecognisedIssuer

    organisation = organisation_for_issuers(actor, organisation_id)
    if organisation is None:
        return None
    return (
        RecognisedIssuer.objects.filter(pk=issuer_id, organisation=organisation)
        .select_related("organisation")
        .first()
    )


def organisation_for_issuers(actor: Any, organisation_id: int) -> Organisation | None:
    from capmap.people import policy

    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None or not policy.allows(actor, policy.VIEW_PEOPLE, organisation):
        return None
    return organisation


def recognised_issuers(organisation: Organisation) -> QuerySet:
    from .models import RecognisedIssuer

    return RecognisedIssuer.objects.filter(organisation_id__in=organisation.ancestor_ids())


# --- revoking --------------------------------------------------------------------------------


def credential_to_revoke(actor: Any, public_id: Any) -> IssuedCredential | None:
    """A credential the actor may withdraw: they may verify (and so withdraw) the holder's
    sign-offs, as their supervisor, mentor or a manager over their employer."""
    from capmap.people import policy

    credential = (
        IssuedCredential.objects.filter(public_id=public_id)
        .select_related("person__employer", "organisation", "revocation")
        .first()
    )
    if credential is None or not policy.allows(actor, policy.VERIFY_RECORD, credential.person):
        return None
    return credential


def issued_to_person(actor: Any, person: Person) -> list[tuple[IssuedCredential, bool]]:
    """Credentials Capmap issued to a person whose staff record the actor sees (checked by
    the caller), each with whether the actor may revoke it."""
    from capmap.people import policy

    may_revoke = policy.allows(actor, policy.VERIFY_RECORD, person)
    rows = IssuedCredential.objects.filter(person=person).select_related("revocation")
    return [(c, may_revoke) for c in rows.order_by("-issued_at", "-pk")]
