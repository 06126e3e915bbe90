"""Sign-offs to issue credentials from, for the credentials tests."""

from django.utils import timezone

from capmap.assessments import services as assessment_services
from capmap.assessments.models import CapabilityEvent
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
