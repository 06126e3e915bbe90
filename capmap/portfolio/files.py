"""Checks an uploaded evidence file from its content, never its name.

Allowed: PDF; PNG, JPEG, GIF and WebP images; Word, Excel and PowerPoint (OOXML,
checked inside the zip) and legacy Word and Excel files; up to 20 MB.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import puremagic

from capmap.core.exceptions import DomainError

MAX_BYTES = 20 * 1024 * 1024

SIGNATURE_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}
OOXML_PARTS = {
    "word/document.xml": (
        ".docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xl/workbook.xml": (
        ".xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "ppt/presentation.xml": (
        ".pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
}
OLE_TYPES = {".doc": "application/msword", ".xls": "application/vnd.ms-excel"}
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ALLOWED_TEXT = (
    "a PDF, an image (PNG, JPEG, GIF or WebP) or an Office document (Word, Excel or PowerPoint)"
)


class FileRefused(DomainError):
    """The file cannot be added; the message says why and what to do."""


@dataclass(frozen=True)
class CheckedFile:
    extension: str
    content_type: str


def _ooxml(content: bytes) -> CheckedFile | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for part, (extension, content_type) in OOXML_PARTS.items():
        if part in names:
            return CheckedFile(extension, content_type)
    return None


def check_file(content: bytes, name: str = "") -> CheckedFile:
    """The file's real type, or FileRefused with the reason."""
    if not content:
        raise FileRefused("The selected file is empty. Choose a file that has something in it.")
    if len(content) > MAX_BYTES:
        raise FileRefused("The selected file must be smaller than 20 MB.")
    if content.startswith(b"PK\x03\x04"):
        found = _ooxml(content)
        if found is None:
            raise FileRefused(
                "The selected file is a zip archive, not an Office document. "
                f"Upload {ALLOWED_TEXT}."
            )
        return found
    if content.startswith(OLE_SIGNATURE):
        extension = PurePath(name).suffix.lower()
        if extension not in OLE_TYPES:
            raise FileRefused(
                "The selected file is an older Office file that is not a Word or Excel "
                "document. Save it as .docx or .xlsx and upload it again."
            )
        return CheckedFile(extension, OLE_TYPES[extension])
    try:
        matches = puremagic.magic_string(content[:4096])
    except puremagic.PureError:
        matches = []
    for match in matches:
        extension = match.extension.lower()
        if extension in SIGNATURE_TYPES and match.offset <= 8:
            return CheckedFile(
                ".jpg" if extension == ".jpeg" else extension, SIGNATURE_TYPES[extension]
            )
    raise FileRefused(f"The selected file must be {ALLOWED_TEXT}. Its content is not one of these.")
