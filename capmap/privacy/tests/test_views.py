"""The privacy pages: a person's data page, export progress and download, erasure preview
and confirmation; someone from another organisation gets nothing."""

import io
import zipfile

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from capmap.people.models import Person
from capmap.privacy.models import ErasureRecord, SubjectAccessExport


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def test_the_person_exports_their_own_data_and_downloads_it(p, as_user):
    client = as_user(p.pharmacist_user)
    page = client.get(reverse("privacy:my_data"), follow=True)
    assert "Your data" in page.content.decode()
    response = client.post(reverse("privacy:request_export", args=[p.pharmacist.pk]), follow=True)
    export = SubjectAccessExport.objects.get(requested_by=p.pharmacist_user)
    assert "The export is ready" in response.content.decode()
    download = client.get(reverse("privacy:download_export", args=[export.public_id]))
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert "summary.pdf" in archive.namelist()
    export.refresh_from_db()
    assert export.downloads == 1
    assert LogEntry.objects.get_for_object(export).filter(actor=p.pharmacist_user).exists()


def test_the_person_cannot_erase_themself(p, as_user):
    client = as_user(p.pharmacist_user)
    page = client.get(reverse("privacy:show_person_data", args=[p.pharmacist.pk]))
    assert "Preview the erasure" not in page.content.decode()
    assert client.get(reverse("privacy:erase_person", args=[p.pharmacist.pk])).status_code == 404


def test_an_admin_previews_and_confirms_an_erasure(p, as_user, django_capture_on_commit_callbacks):
    client = as_user(p.ics_admin)
    url = reverse("privacy:erase_person", args=[p.pharmacist.pk])
    preview = client.get(url).content.decode()
    assert "Sign-offs" in preview and "Clinical assurance" in preview
    refused = client.post(url, {"reason": "Request received"})
    assert refused.status_code == 400
    assert "Select the box to confirm" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"reason": "Request received", "confirm": "on"}, follow=True)
    record = ErasureRecord.objects.get()
    assert f"They are now {record.pseudonym}" in done.content.decode()
    assert Person.objects.get(pk=p.pharmacist.pk).last_name == record.pseudonym


def test_someone_from_another_organisation_gets_nothing(p, as_user):
    export = SubjectAccessExport.objects.create(person=p.pharmacist, requested_by=p.other_admin)
    client = as_user(p.other_admin)
    for name in ("privacy:show_person_data", "privacy:erase_person"):
        assert client.get(reverse(name, args=[p.pharmacist.pk])).status_code == 404
    assert client.post(reverse("privacy:request_export", args=[p.pharmacist.pk])).status_code == 404
    for name in ("privacy:show_export", "privacy:download_export"):
        assert client.get(reverse(name, args=[export.public_id])).status_code == 404
    assert Person.objects.get(pk=p.pharmacist.pk).last_name == "Shah"
