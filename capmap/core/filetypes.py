"""What kind of file some bytes are, read from the content and never from the name.

The one sniffer: evidence uploads and the spreadsheet imports both ask it.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePath

import puremagic

ZIP_SIGNATURE = b"PK\x03\x04"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class FileType:
    extension: str  # ".pdf", ".xlsx"...; ".zip" for a zip that is no Office document
    content_type: str


ZIP = FileType(".zip", "application/zip")
# An older Office file that is neither a Word nor an Excel document by its name.
OLE_OTHER = FileType("", "application/x-ole-storage")
XLSX = FileType(".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

SIGNATURE_TYPES = {
    ".pdf": FileType(".pdf", "application/pdf"),
    ".png": FileType(".png", "image/png"),
    ".jpg": FileType(".jpg", "image/jpeg"),
    ".jpeg": FileType(".jpg", "image/jpeg"),
    ".gif": FileType(".gif", "image/gif"),
    ".webp": FileType(".webp", "image/webp"),
}
OOXML_PARTS = {
    "word/document.xml": FileType(
        ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    "xl/workbook.xml": XLSX,
    "ppt/presentation.xml": FileType(
        ".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    ),
}
# OLE containers (legacy .doc and .xls) look alike inside; their name tells them apart.
OLE_TYPES = {
    ".doc": FileType(".doc", "application/msword"),
    ".xls": FileType(".xls", "application/vnd.ms-excel"),
}


# What reading a damaged or unusual ZIP can raise: besides BadZipFile, zipfile refuses a
# later format version or a compression method it lacks with NotImplementedError, and a
# damaged deflate stream fails in zlib.
ZIP_ERRORS = (zipfile.BadZipFile, NotImplementedError, ValueError, OSError, EOFError, zlib.error)


def _ooxml(content: bytes) -> FileType:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except ZIP_ERRORS:
        return ZIP
    if "[Content_Types].xml" in names:
        for part, found in OOXML_PARTS.items():
            if part in names:
                return found
    return ZIP


def sniff(content: bytes, name: str = "") -> FileType | None:
    """The file's type from its first bytes (and, for a zip, the parts inside it).

    None when the content is none of the kinds Capmap knows: plain text such as CSV
    is None too, and the caller decides whether to read it as text.
    """
    if content.startswith(ZIP_SIGNATURE):
        return _ooxml(content)
    if content.startswith(OLE_SIGNATURE):
        return OLE_TYPES.get(PurePath(name).suffix.lower(), OLE_OTHER)
    try:
        matches = puremagic.magic_string(content[:4096])
    except (puremagic.PureError, ValueError):
        matches = []
    for match in matches:
        extension = match.extension.lower()
        if extension in SIGNATURE_TYPES and match.offset <= 8:
            return SIGNATURE_TYPES[extension]
    return None
