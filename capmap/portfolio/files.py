"""Checks an uploaded evidence file from its content, never its name.

Allowed: PDF; PNG, JPEG, GIF and WebP images; Word, Excel and PowerPoint (OOXML,
checked inside the zip) and legacy Word and Excel files; up to 20 MB. What a file is
comes from the one sniffer in `capmap.core.filetypes`; this module says which kinds
evidence may be.
"""

from __future__ import annotations

from dataclasses import dataclass

from capmap.core.exceptions import DomainError
from capmap.core.filetypes import OLE_OTHER, ZIP, sniff

MAX_BYTES = 20 * 1024 * 1024

ALLOWED_EXTENSIONS = {
    ".pdf",
    ".png",
    ".jpg",
    ".gif",
    ".webp",
    ".docx",
    ".xlsx",
    ".pptx",
    ".doc",
    ".xls",
}
ALLOWED_TEXT = (
    "a PDF, an image (PNG, JPEG, GIF or WebP) or an Office document (Word, Excel or PowerPoint)"
)


class FileRefused(DomainError):
    """The file cannot be added; the message says why and what to do."""


@dataclass(frozen=True)
class CheckedFile:
    extension: str
    content_type: str


def check_file(content: bytes, name: str = "") -> CheckedFile:
    """The file's real type, or FileRefused with the reason."""
    if not content:
        raise FileRefused("The selected file is empty. Choose a file that has something in it.")
    if len(content) > MAX_BYTES:
        raise FileRefused("The selected file must be smaller than 20 MB.")
    found = sniff(content, name)
    if found == ZIP:
        raise FileRefused(
            f"The selected file is a zip archive, not an Office document. Upload {ALLOWED_TEXT}."
        )
    if found == OLE_OTHER:
        raise FileRefused(
            "The selected file is an older Office file that is not a Word or Excel "
            "document. Save it as .docx or .xlsx and upload it again."
        )
    if found is None or found.extension not in ALLOWED_EXTENSIONS:
        raise FileRefused(
            f"The selected file must be {ALLOWED_TEXT}. Its content is not one of these."
        )
    return CheckedFile(found.extension, found.content_type)
