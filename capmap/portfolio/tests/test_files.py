"""Evidence files are checked from their content, not their name."""

import io
import zipfile

import pytest

from capmap.portfolio.files import MAX_BYTES, FileRefused, check_file

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000050001"
    "0d0a2db40000000049454e44ae426082"
)


def _ooxml(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return buffer.getvalue()


def test_pdf_and_png_are_recognised_whatever_their_name():
    assert check_file(PDF, "scan.png").content_type == "application/pdf"
    assert check_file(PNG, "photo.pdf").content_type == "image/png"


def test_office_documents_are_recognised_from_the_zip_contents():
    assert check_file(_ooxml("word/document.xml"), "x.bin").extension == ".docx"
    assert check_file(_ooxml("xl/workbook.xml"), "x").extension == ".xlsx"
    assert check_file(_ooxml("ppt/presentation.xml"), "x").extension == ".pptx"


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100,  # a Windows executable
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        b"\x7fELF\x02\x01\x01" + b"\x00" * 100,
    ],
)
def test_renamed_executables_and_html_are_refused(content):
    with pytest.raises(FileRefused, match="must be a PDF"):
        check_file(content, "certificate.pdf")


def test_a_plain_zip_is_refused_as_not_an_office_document():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", "MZ")
    with pytest.raises(FileRefused, match="zip archive"):
        check_file(buffer.getvalue(), "report.docx")


def test_empty_and_oversized_files_are_refused():
    with pytest.raises(FileRefused, match="empty"):
        check_file(b"", "a.pdf")
    with pytest.raises(FileRefused, match="20 MB"):
        check_file(PDF + b"0" * MAX_BYTES, "a.pdf")
