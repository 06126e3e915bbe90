"""Sign-offs to issue credentials from, for the credentials tests."""

from django.utils import timezone

from capmap.assessments import services as assessment_services
from capmap.assessments.models import CapabilityEvent
from capmap.credentials import accepting
from capmap.credentials.models import AcceptedCredential
from capmap.portfolio.services import add_evidence


def signed_off(w, competency=None, level: int = 3) -> CapabilityEvent:
    """The mentor signs one competency off on the pharmacist's evidence."""
    competency = competency or w.competencies[0]
    evidence = add_evidence(
        actor=w.pharmacist_user,
        person=w.pharmacist,
        kind="dops",
        title="Observed reconciliation",
        occurred_on=timezone.localdate(),
        competencies=[competency],
    )
    sign_off = assessment_services.sign_off_competency(
        actor=w.mentor, person=w.pharmacist, competency=competency, level=level, evidence=[evidence]
    )
    return CapabilityEvent.objects.get(competency_sign_off=sign_off)


def own_sign_off(w, person, competency, level: int) -> None:
    """The manager signs one competency of the person off, on their evidence."""
    evidence = add_evidence(
        actor=w.manager,
        person=person,
        kind="dops",
        title="Observed",
        occurred_on=timezone.localdate(),
        competencies=[competency],
    )
    assessment_services.sign_off_competency(
        actor=w.manager, person=person, competency=competency, level=level, evidence=[evidence]
    )


def hold(w, person, document: dict, **fields) -> AcceptedCredential:
    """The credential on the person's record, as a manager accepted it when it verified
    (without verifying it again: for many holders)."""
    values = {"verified": True, "revoked": False, "problems": [], **fields}
    return AcceptedCredential.objects.create(
        person=person,
        document=document,
        issuer_id=document["issuer"]["id"],
        issuer_name=document["issuer"]["name"],
        achievement="MED.1",
        level="Level 3",
        accepted_by=w.manager,
        **values,
    )


def recognise(w, credential):
    """The PCN's manager recognises the credential's issuer."""
    return accepting.recognise_issuer(
        actor=w.manager,
        organisation=w.orgs.pcn_a,
        issuer_id=credential.document["issuer"]["id"],
        name="Previous practice",
    )
