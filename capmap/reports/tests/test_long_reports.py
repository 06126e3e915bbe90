"""Long reports (thousands of rows) are drawn by tablepdf, not WeasyPrint: the same content,
every row, on numbered pages, still scoped to what the requester may see.

The threshold is lowered here so a few dozen people make a "long" document; the bench
(bench/bench_reports.py) times the real thing on 5,000 staff."""

import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from capmap.core.charts import bar_chart
from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory, tree
from capmap.people.tests.factories import PersonFactory
from capmap.reports import rendering, tablepdf
from capmap.reports.models import ReportStatus
from capmap.reports.registry import ReportDocument, Section, Table
from capmap.reports.tests.test_reports import ask, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def long_documents(monkeypatch):
    assert tablepdf.available(), "Liberation Sans should be installed (fonts-liberation)"
    monkeypatch.setattr(rendering, "LONG_DOCUMENT_ROWS", 20)


def pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def test_a_long_staff_list_lists_everyone_in_scope_on_numbered_pages(client, long_documents):
    t = tree()
    manager = MembershipFactory(organisation=t.pcn_a, role=Role.MANAGER).user
    ours = [
        PersonFactory(employer=t.practice_a, first_name="Zoë", last_name=f"Łukasz-{n:03d}")
        for n in range(120)
    ]
    PersonFactory(employer=t.practice_b, first_name="Zed", last_name="Theirside")
    client.force_login(manager)

    report = ask(client, kind="staff_list", organisation=t.pcn_a.pk, format="pdf")

    assert report.status == ReportStatus.DONE
    text = pdf_text(report)
    # Every person, names outside ASCII intact, and no one from another organisation.
    assert all(person.full_name in text for person in ours)
    assert "Theirside" not in text
    assert "Staff listed 120" in text
    with report.file.open("rb") as handle:
        numbered = pages(handle.read())
    assert len(numbered) > 1
    assert all(f"Page {n} of {len(numbered)}" in page for n, page in enumerate(numbered, start=1))
    # A table that runs over a page says so, and repeats its column headings.
    assert "(continued)" in numbered[-1] and "Registration" in numbered[-1]


def test_a_long_document_keeps_every_figure_paragraph_long_cell_and_chart_figure():
    long_words = " ".join(f"word{n}" for n in range(80))
    document = ReportDocument(
        title="Everything drawn",
        organisation=None,  # type: ignore[arg-type]
        generated_at=timezone.now(),
        subtitle="On 1 May 2026",
        sections=[
            Section(
                "Summary",
                paragraphs=["A paragraph before the figures."],
                figures=[("People", "3")],
                charts=[
                    bar_chart(
                        title="People by role",
                        labels=["Nurse", "Pharmacist"],
                        values=[2, 1],
                        series_name="People",
                        chart_id="by-role",
                    )
                ],
            ),
            Section(
                "Rows",
                tables=[
                    Table(
                        "Many rows",
                        ["Name", "Note"],
                        [[f"Row {n}", long_words] for n in range(400)],
                    )
                ],
            ),
        ],
    )

    text = "\n".join(pages(tablepdf.render(document)))

    squashed = " ".join(text.split())
    assert "Everything drawn" in squashed and "On 1 May 2026" in squashed
    assert "A paragraph before the figures." in squashed and "People 3" in squashed
    assert "People by role" in squashed and "Pharmacist 1" in squashed
    # A long cell wraps onto several lines rather than being cut.
    assert all(f"word{n}" in squashed for n in range(80))
    assert all(f"Row {n} " in squashed for n in range(400))


def test_without_a_truetype_font_a_long_document_is_set_in_helvetica(monkeypatch):
    monkeypatch.setattr(tablepdf, "FACES", (("/nowhere/Regular.ttf", "/nowhere/Bold.ttf"),))
    tablepdf._font_names.cache_clear()
    document = ReportDocument(
        title="Plain fonts",
        organisation=None,  # type: ignore[arg-type]
        generated_at=timezone.now(),
        sections=[
            Section("Rows", tables=[Table("Staff", ["Name"], [[f"Row {n}"] for n in range(400)])])
        ],
    )
    try:
        assert tablepdf.available()
        content = tablepdf.render(document)
    finally:
        tablepdf._font_names.cache_clear()

    reader = PdfReader(io.BytesIO(content))
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts <= {"/Helvetica", "/Helvetica-Bold"}
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert all(f"Row {n} " in text or text.endswith(f"Row {n}") for n in range(400))
    assert f"Page {len(reader.pages)} of {len(reader.pages)}" in text
