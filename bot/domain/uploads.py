"""Which files a dossier accepts: the types the Secretariat can open, within Telegram's limit."""

from pathlib import PurePath

MAX_BYTES = 20 * 1024 * 1024  # Telegram bots cannot download bigger files
ACCEPTED = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}


def upload_problem(file_name: str | None, mime_type: str | None, size: int | None) -> str | None:
    """None when the file is acceptable, else the reason code ("file_type" or "file_size")."""
    suffix = PurePath(file_name or "").suffix.lower()
    if suffix not in ACCEPTED:
        return "file_type"
    if mime_type and mime_type != ACCEPTED[suffix] and mime_type != "application/octet-stream":
        return "file_type"
    if size is not None and size > MAX_BYTES:
        return "file_size"
    return None
