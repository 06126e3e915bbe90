"""The subject access export: one ZIP with a JSON file per kind of data (valid against
its own schema), the evidence files and a readable PDF summary; built in the background,
downloaded with permission checked again, audited, expiring."""

import io
import json
import zipfile
from datetime import timedelta

import jsonschema
import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from capmap.core.exceptions import DomainError, NotPermitted
from capmap.organisations.models import Membership
from capmap.placements.models import Invitation
from capmap.privacy import services
from capmap.privacy.datamap import KINDS
from capmap.privacy.models import ExportStatus

from .conftest import PNG, REGISTRATION


def _zip(export) -> zipfile.ZipFile:
    with export.file.open("rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def _data(archive, model: str) -> dict:
    return json.loads(archive.read(f"data/{model.lower()}.json"))


def test_an_admin_gets_everything_about_a_person_in_one_zip(p):
    export = services.request_export(actor=p.ics_admin, person=p.pharmacist)
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE and export.progress == 100
    archive = _zip(export)
    names = set(archive.namelist())
    assert {"README.md", "schema.json", "summary.pdf"} <= names
    assert {f"data/{kind.section}.json" for kind in KINDS} <= names

    # Every data file is valid against the schema documented beside it.
    schema = json.loads(archive.read("schema.json"))
    for kind in KINDS:
        path = f"data/{kind.section}.json"
        jsonschema.validate(json.loads(archive.read(path)), schema["files"][path])

    person = _data(archive, "people.Person")["about_you"]
    assert person[0]["first_name"] == "Priya" and person[0]["registration_number"] == REGISTRATION
    account = _data(archive, "accounts.User")["about_you"][0]
    assert account["email"] == "priya.shah@nhs.net" and "password" not in account
    # Assessments with both ratings and comments; sign-offs received and given.
    assert len(_data(archive, "assessments.Assessment")["about_you"]) == 2
    assessor = _data(archive, "assessments.AssessorRating")["about_you"]
    assert {r["comment"] for r in assessor} == {"Safe and sound"}
    assert len(_data(archive, "assessments.SelfRating")["about_you"]) == 3
    sign_offs = _data(archive, "assessments.SignOff")
    assert [s["id"] for s in sign_offs["about_you"]] == [p.her_sign_off.pk]
    assert [s["id"] for s in sign_offs["by_you"]] == [p.given_sign_off.pk]
    assert _data(archive, "organisations.Membership")["about_you"]
    assert _data(archive, "assessments.Notification")["about_you"]
    audit = _data(archive, "auditlog.LogEntry")
    assert any(e["actor_id"] == p.pharmacist_user.pk for e in audit["about_you"] + audit["by_you"])
    assert all("remote_addr" not in e for e in audit["about_you"])
    # The evidence file itself.
    assert archive.read(f"evidence/{p.evidence.pk}-clinic.png") == PNG
    # A readable summary.
    text = "".join(page.extract_text() for page in PdfReader(archive.open("summary.pdf")).pages)
    assert "Priya Shah" in text and "Sign-offs" in text
    assert "Feedback from single-use surveys is anonymous" in archive.read("README.md").decode()


@pytest.mark.django_db
def test_feedback_about_a_placement_does_not_identify_its_respondents(tmp_path):
    from capmap.placements.models import Answer, Question, Response, Survey
    from capmap.placements.tests.factories import running_story

    s = running_story()
    survey = Survey.objects.create(scheme=s.scheme, audience="gp", title="GP feedback")
    question = Question.objects.create(survey=survey, kind="text", text="How was it?")
    Invitation.objects.create(
        survey=survey,
        participation=s.participation,
        email="dr.respondent@example.nhs.uk",
        token_hash="a" * 64,
        expires_at=timezone.now() + timedelta(days=7),
        used_at=timezone.now(),
    )
    from capmap.placements import services as placements

    session = placements.log_session(
        actor=s.alice.user,
        participation=s.participation,
        date=max(s.scheme.starts_on, timezone.localdate() - timedelta(days=1)),
        half_days=1,
        activities="Asthma clinic",
    )
    response = Response.objects.create(survey=survey)
    Answer.objects.create(response=response, question=question, text="Written by Dr Respondent")
    out = tmp_path / "alice.zip"
    call_command("subject_access", s.alice.user.email, out=str(out))
    archive = zipfile.ZipFile(out)
    everything = b"".join(archive.read(n) for n in archive.namelist() if n.endswith(".json"))
    assert b"dr.respondent" not in everything and b"Written by Dr Respondent" not in everything
    assert b"a" * 64 not in everything
    invitations = _data(archive, "placements.Invitation")["about_you"]
    assert len(invitations) == 1 and invitations[0]["used_at"]
    assert _data(archive, "placements.Application")["about_you"][0]["statement"] == "Keen"
    assert _data(archive, "placements.Participation")["about_you"]
    sessions = _data(archive, "placements.SessionLog")["about_you"]
    assert [r["id"] for r in sessions] == [session.pk]


def test_the_person_exports_their_own_record_and_downloads_it_once_audited(p):
    export = services.request_export(actor=p.pharmacist_user, person=p.pharmacist)
    export.refresh_from_db()
    services.record_download(actor=p.pharmacist_user, export=export)
    entries = LogEntry.objects.get_for_object(export).filter(actor=p.pharmacist_user)
    assert any("downloads" in (e.changes or {}) for e in entries)


@pytest.mark.parametrize("who", ["other_admin", "manager", "mentor", "viewer"])
def test_no_one_exports_a_person_outside_their_organisations(p, who):
    with pytest.raises(NotPermitted):
        services.request_export(actor=getattr(p, who), person=p.pharmacist)


def test_permission_is_checked_again_at_download_time(p):
    export = services.request_export(actor=p.ics_admin, person=p.pharmacist)
    export.refresh_from_db()
    Membership.objects.filter(user=p.ics_admin).delete()
    from capmap.people.policy import forget_scope

    forget_scope(p.ics_admin)
    with pytest.raises(NotPermitted):
        services.record_download(actor=p.ics_admin, export=export)


def test_an_export_expires_and_its_file_is_removed(p):
    export = services.request_export(actor=p.ics_admin, person=p.pharmacist)
    export.refresh_from_db()
    name = export.file.name
    later = timezone.now() + timedelta(days=services.export_days() + 1)
    assert services.prune_expired_exports(now=later) == 1
    assert services.prune_expired_exports(now=later) == 0
    export.refresh_from_db()
    assert export.status == ExportStatus.EXPIRED and not export.file
    assert not export.file.storage.exists(name)
    with pytest.raises(DomainError):
        services.record_download(actor=p.ics_admin, export=export)


def test_the_export_holds_her_plan_credentials_and_last_sign_in(p):
    from capmap.assessments.models import CapabilityEvent
    from capmap.core.actors import SYSTEM
    from capmap.credentials import services as credentials
    from capmap.development.models import DevelopmentPlan

    # She has no gaps left to plan for, so her plan is written straight in.
    plan = DevelopmentPlan.objects.create(person=p.pharmacist, created_by=p.pharmacist_user)
    event = CapabilityEvent.objects.filter(person=p.pharmacist).first()
    credential = credentials.issue_credential(actor=SYSTEM, event=event)
    signed_in = timezone.now().replace(microsecond=0)
    type(p.pharmacist_user).objects.filter(pk=p.pharmacist_user.pk).update(last_login=signed_in)

    export = services.request_export(actor=p.ics_admin, person=p.pharmacist)
    export.refresh_from_db()
    archive = _zip(export)
    assert [r["id"] for r in _data(archive, "development.DevelopmentPlan")["about_you"]] == [
        plan.pk
    ]
    issued = _data(archive, "credentials.IssuedCredential")["about_you"]
    assert [c["id"] for c in issued] == [credential.pk]
    # Capmap keeps the last sign-in (no history of every sign-in): it is in the export.
    account = _data(archive, "accounts.User")["about_you"][0]
    assert account["last_login"] and account["last_login"].startswith(signed_in.date().isoformat())
