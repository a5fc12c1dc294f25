"""Which files a dossier accepts: the types the Secretariat can open, within Telegram's limit, and
whose content is what their name says (checked on the first bytes: no library guesses types)."""

import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePath

from bot.domain.text import one_line, visible_length

MAX_BYTES = 20 * 1024 * 1024  # Telegram bots cannot download bigger files
MAX_NAME = 255
ACCEPTED = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
ZIP = b"PK\x03\x04"
# What each type's content begins with; the office formats are zip containers holding their
# main part (a renamed .doc, .xls or random bytes are not).
SIGNATURES = {
    ".pdf": b"%PDF-",
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
    ".png": b"\x89PNG\r\n\x1a\n",
    ".docx": ZIP,
    ".xlsx": ZIP,
    ".odt": ZIP,
}
MAIN_PART = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml", ".odt": "content.xml"}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
PDF_HEADER_WINDOW = 1024  # readers accept a PDF header anywhere in the first kilobyte


def file_name(name: str | None) -> str | None:
    """A sent file's name as stored and shown: bidirectional controls removed (they make
    `gpj.exe` look like `exe.jpg`), blanks collapsed; None when nothing visible is left."""
    cleaned = one_line(name or "")[:MAX_NAME]
    return cleaned if visible_length(cleaned) else None


def type_label(file_name: str | None) -> str:
    """ "PDF", "DOCX", "JPEG"...: the type a file's name claims."""
    suffix = PurePath(file_name or "").suffix.lower()
    return "JPEG" if suffix == ".jpg" else suffix.lstrip(".").upper()


def upload_problem(file_name: str | None, mime_type: str | None, size: int | None) -> str | None:
    """None when the file is acceptable, else the reason code ("file_type", "file_size" or
    "file_empty")."""
    suffix = PurePath(file_name or "").suffix.lower()
    if suffix not in ACCEPTED:
        return "file_type"
    if mime_type and mime_type != ACCEPTED[suffix] and mime_type != "application/octet-stream":
        return "file_type"
    if size is not None and size > MAX_BYTES:
        return "file_size"
    if size == 0:
        return "file_empty"
    return None


def content_problem(file_name: str | None, content: bytes) -> str | None:
    """Once downloaded: None when the content is what the name says, else "file_empty" or
    "file_content"."""
    if not content:
        return "file_empty"
    suffix = PurePath(file_name or "").suffix.lower()
    signature = SIGNATURES.get(suffix)
    if signature is None:
        return "file_content"
    if suffix == ".pdf":
        return None if signature in content[:PDF_HEADER_WINDOW] else "file_content"
    if not content.startswith(signature):
        return "file_content"
    if suffix in MAIN_PART and not _office_document(suffix, content):
        return "file_content"
    return None


def _office_document(suffix: str, content: bytes) -> bool:
    """A zip container that holds the format's main part (and, for ODT, says it is a text)."""
    try:
        with zipfile.ZipFile(BytesIO(content)) as container:
            names = set(container.namelist())
            if MAIN_PART[suffix] not in names:
                return False
            if suffix == ".odt":
                if "mimetype" not in names or container.getinfo("mimetype").file_size > 100:
                    return False
                return container.read("mimetype").strip() == ODT_MIMETYPE
            return True
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError, NotImplementedError):
        return False


@dataclass(frozen=True)
class SentFile:
    """A file as its message describes it, before its bytes are fetched."""

    name: str | None
    mime: str | None
    size: int | None
    file_id: str


class DownloadFailed(Exception):
    """The file's bytes could not be fetched (`too_big`: over what a bot may download)."""

    def __init__(self, too_big: bool) -> None:
        super().__init__("too big" if too_big else "failed")
        self.too_big = too_big
