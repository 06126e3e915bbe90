"""Credentials for a completed role profile, a care pathway's capabilities and a completed
placement: issued by the same signing code, valid against the OB 3.0 schema, verified here
and independently, and revoked when a correction means they no longer hold."""

import pytest
from django.utils import timezone

from capmap.core.exceptions import DomainError
from capmap.credentials import completions, selectors
from capmap.credentials.models import Revocation, SourceKind
from capmap.credentials.vc.schema import schema_problems
from capmap.frameworks.models import CarePathway, PathwayCapability
from capmap.placements import services as placement_services
from capmap.placements.tests.factories import running_story

from .helpers import signed_off
from .independent import independently_verified


def _all_signed_off(w, level=2):
    return [signed_off(w, competency=c, level=level) for c in w.competencies]


def test_a_completed_role_profile_becomes_a_credential_that_verifies(w):
    _all_signed_off(w)
    [completion] = [
        c for c in completions.completions_of(w.pharmacist) if c.source == SourceKind.ROLE_PROFILE
    ]
    credential = completions.issue_completion(
        actor=w.pharmacist_user, person=w.pharmacist, subject_key=completion.subject_key
    )
    doc = credential.document
    achievement = doc["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "Certificate"
    assert achievement["name"].endswith("role profile")
    assert "All 3 requirements" in achievement["criteria"]["narrative"]
    assert schema_problems(doc) == []
    assert independently_verified(doc)
    report = selectors.verify_here(doc)
    assert report.verified, report.problems
    assert report.achievement == achievement["name"]


def test_an_incomplete_role_profile_cannot_be_issued(w):
    signed_off(w, competency=w.competencies[0], level=2)
    assert completions.completions_of(w.pharmacist) == []
    with pytest.raises(DomainError, match="not complete"):
        completions.issue_completion(
            actor=w.pharmacist_user,
            person=w.pharmacist,
            subject_key=f"role_profile:{w.profile.pk}",
        )


def test_a_correction_below_the_profile_level_revokes_the_role_profile_credential(w):
    _all_signed_off(w)
    credential = completions.issue_completion(
        actor=w.pharmacist_user, person=w.pharmacist, subject_key=f"role_profile:{w.profile.pk}"
    )
    signed_off(w, competency=w.competencies[1], level=1)  # corrected downwards
    assert "Corrected" in Revocation.objects.get(credential=credential).reason
    assert selectors.verify_here(credential.document).revoked
    assert completions.completions_without_credential(w.pharmacist) == []


def test_a_completed_care_pathway_becomes_a_credential(w):
    pathway = CarePathway.objects.create(slug="copd", title="COPD")
    PathwayCapability.objects.create(pathway=pathway, competency=w.competencies[0], minimum_level=2)
    signed_off(w, competency=w.competencies[0], level=3)
    credential = completions.issue_completion(
        actor=w.mentor, person=w.pharmacist, subject_key=f"pathway:{pathway.pk}"
    )
    achievement = credential.document["credentialSubject"]["achievement"]
    assert achievement["name"] == "COPD care pathway capability"
    assert selectors.verify_here(credential.document).verified
    assert independently_verified(credential.document)
    # Asked again while it stands: the same credential.
    assert (
        completions.issue_completion(
            actor=w.pharmacist_user, person=w.pharmacist, subject_key=f"pathway:{pathway.pk}"
        )
        == credential
    )


def test_another_organisations_admin_cannot_issue_a_completion(w):
    from capmap.core.exceptions import NotPermitted

    _all_signed_off(w)
    with pytest.raises(NotPermitted):
        completions.issue_completion(
            actor=w.other_admin, person=w.pharmacist, subject_key=f"role_profile:{w.profile.pk}"
        )


@pytest.fixture
def placed(db, settings):
    settings.CAPMAP_BASE_URL = "https://capmap.example.nhs.uk"
    s = running_story()
    today = timezone.localdate()
    day = max(s.scheme.starts_on, min(s.scheme.ends_on, today))
    s.sessions = []
    for _ in range(2):
        session = placement_services.log_session(
            actor=s.alice.user,
            participation=s.participation,
            date=day,
            half_days=1,
            activities="Clinic with the mentor: inhaler technique reviews",
            reflection="Private reflection about a patient",
        )
        placement_services.confirm_session(actor=s.mentor, session=session)
        s.sessions.append(session)
    return s


def test_a_completed_placement_becomes_a_credential_without_clinical_detail(placed):
    s = placed
    [completion] = completions.completions_of(s.alice)
    assert completion.source == SourceKind.PLACEMENT
    credential = completions.issue_completion(
        actor=s.alice.user, person=s.alice, subject_key=completion.subject_key
    )
    doc = credential.document
    subject = doc["credentialSubject"]
    assert subject["achievement"]["achievementType"] == "Fieldwork"
    assert subject["achievement"]["fieldOfStudy"] == "Respiratory"
    assert s.t.trust.name in subject["achievement"]["name"]
    assert s.scheme.title in subject["achievement"]["description"]
    assert subject["activityStartDate"] <= subject["activityEndDate"]
    text = str(doc)
    assert "inhaler" not in text and "patient" not in text.lower()
    assert schema_problems(doc) == []
    assert independently_verified(doc)
    assert selectors.verify_here(doc).verified


def test_correcting_the_placement_record_revokes_its_credential(placed):
    s = placed
    credential = completions.issue_completion(
        actor=s.alice.user, person=s.alice, subject_key=f"placement:{s.participation.pk}"
    )
    s.sessions[0].delete()  # a session recorded in error is removed
    assert "placement record" in Revocation.objects.get(credential=credential).reason
    assert selectors.verify_here(credential.document).revoked


def test_completion_credentials_are_listed_on_my_credentials(placed, client):
    s = placed
    client.force_login(s.alice.user)
    page = client.get("/credentials/").content.decode()
    assert "Respiratory placement with" in page
    response = client.post(
        "/credentials/issue/", {"completion": f"placement:{s.participation.pk}"}, follow=True
    )
    assert "Your credential has been issued." in response.content.decode()
    assert s.alice.pk == completions.IssuedCredential.objects.get().person_id
