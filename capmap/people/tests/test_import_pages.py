"""The staff import pages: upload, preview, confirm, templates; scoped to the importer."""

import datetime
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from capmap.core.models import PendingUpload
from capmap.organisations.models import Role
from capmap.people import importing
from capmap.people.models import Person
from capmap.people.tests.factories import PersonFactory, manager_of, tree_with_ods_codes
from capmap.people.tests.import_files import csv_file, row, xlsx_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def t():
    return tree_with_ods_codes()


def _upload(client, content: bytes, name: str = "staff.csv", **data):
    return client.post(
        "/people/import/", {"file": SimpleUploadedFile(name, content), **data}, follow=True
    )


def test_upload_previews_then_confirm_imports_all_rows(client, t):
    PersonFactory(employer=t.practice_a, registration_body="GPhC", registration_number="2087654")
    client.force_login(manager_of(t.pcn_a))
    content = xlsx_file(
        [row(), row(first_name="Ben", registration_number="2000002", email="ben@nhs.net")]
    )
    response = _upload(client, content, "staff.xlsx")
    page = response.content.decode()
    assert "Check the import" in page
    assert "1 to add, 1 to update, 0 unchanged." in page
    assert "People to update" in page and "band" in page
    assert Person.objects.count() == 1  # nothing stored before confirming
    preview_url = response.redirect_chain[-1][0]
    confirmed = client.post(preview_url, follow=True)
    assert "Staff imported: 1 added, 1 updated, 0 unchanged." in confirmed.content.decode()
    assert Person.objects.count() == 2
    assert client.get(preview_url).status_code == 404  # the upload is forgotten


def test_bad_rows_are_listed_with_row_number_and_reason_and_cannot_be_confirmed(client, t):
    client.force_login(manager_of(t.pcn_a))
    content = csv_file([row(), row(job_role="Astronaut", registration_number="2000002")])
    response = _upload(client, content)
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Row 3, job_role:" in page and "Astronaut" in page
    assert "Nothing has been imported" in page
    client.post(response.redirect_chain[-1][0])
    assert not Person.objects.exists()


def test_a_file_that_is_not_csv_or_xlsx_is_refused_from_its_content(client, t):
    client.force_login(manager_of(t.pcn_a))
    response = _upload(client, b"\x89PNG\r\n\x1a\n\x00\x00", "staff.csv")
    assert "The file must be a CSV (UTF-8) or an Excel (.xlsx) file." in response.content.decode()


def test_a_file_over_the_size_limit_is_refused(client, t, settings):
    settings.CAPMAP_MAX_IMPORT_BYTES = 100
    client.force_login(manager_of(t.pcn_a))
    response = _upload(client, csv_file([row(), row()]))
    assert "The file must be smaller than 100" in response.content.decode()


def test_the_upload_page_offers_csv_and_xlsx_templates_with_every_column(client, t):
    client.force_login(manager_of(t.pcn_a))
    page = client.get("/people/import/").content.decode()
    assert "/people/import/template.csv" in page and "/people/import/template.xlsx" in page
    csv_text = client.get("/people/import/template.csv").content.decode("utf-8-sig")
    assert csv_text.splitlines()[0] == ",".join(importing.COLUMNS)
    workbook = load_workbook(io.BytesIO(client.get("/people/import/template.xlsx").content))
    header = [cell.value for cell in workbook.active[1]]
    assert header == importing.COLUMNS
    assert client.get("/people/import/template.pdf", follow=True).status_code == 404


def test_manager_of_another_pcn_cannot_see_or_confirm_our_upload(client, t):
    client.force_login(manager_of(t.pcn_a))
    preview_url = _upload(client, csv_file([row()])).redirect_chain[-1][0]
    client.force_login(manager_of(t.pcn_b))
    assert client.get(preview_url).status_code == 404
    assert client.post(preview_url).status_code == 404
    assert not Person.objects.exists()


def test_another_pcns_import_lists_no_one_of_ours_and_cannot_update_our_person(client, t):
    PersonFactory(
        employer=t.practice_a,
        first_name="Ourasha",
        registration_body="GPhC",
        registration_number="2087654",
    )
    client.force_login(manager_of(t.pcn_b))
    content = csv_file([row(employer_ods="F86002", sites="", first_name="Theirs")])
    page = _upload(client, content).content.decode()
    assert "Row 2, registration_number:" in page
    assert "Ourasha" not in page and "Riverside" not in page
    assert Person.objects.get().first_name == "Ourasha"


def test_viewer_cannot_import(client, t):
    client.force_login(manager_of(t.pcn_a, Role.VIEWER))
    assert client.get("/people/import/").status_code == 403
    assert client.get("/people/import/template.csv").status_code == 403
    response = client.post("/people/import/", {"file": SimpleUploadedFile("a.csv", b"x")})
    assert response.status_code == 403


def test_the_upload_waits_server_side_not_in_the_session_and_is_read_again_on_confirm(client, t):
    client.force_login(manager_of(t.pcn_a))
    preview_url = _upload(client, csv_file([row()])).redirect_chain[-1][0]
    assert "Asha" not in str(dict(client.session.items()))  # no parsed rows in the session
    upload = PendingUpload.objects.get()
    assert upload.purpose == "staff-import" and upload.token in preview_url
    client.post(preview_url)
    assert Person.objects.get().first_name == "Asha"
    assert not PendingUpload.objects.exists()


def test_an_upload_whose_file_changed_or_expired_cannot_be_confirmed(client, t):
    client.force_login(manager_of(t.pcn_a))
    preview_url = _upload(client, csv_file([row()])).redirect_chain[-1][0]
    PendingUpload.objects.update(content=csv_file([row(first_name="Mallory")]))
    assert client.post(preview_url).status_code == 404
    preview_url = _upload(client, csv_file([row()])).redirect_chain[-1][0]
    PendingUpload.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.post(preview_url).status_code == 404
    assert not Person.objects.exists()


def test_a_workbook_declaring_every_cell_excel_allows_is_refused_with_the_row_limit(client, t):
    """Security finding 1 through the page: the file is refused, cheaply, with a sentence."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(importing.COLUMNS)
    sheet.cell(1048576, 1, "Asha")
    raw = io.BytesIO()
    workbook.save(raw)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', data)
            target.writestr(item, data)
    client.force_login(manager_of(t.pcn_a))
    page = _upload(client, out.getvalue(), "staff.xlsx").content.decode()
    assert "The file has more than 100,000 rows under its header." in page
    assert not PendingUpload.objects.exists() and not Person.objects.exists()
