"""In-memory file storage for getFile, downloads and sent/received media."""

from __future__ import annotations

import itertools
import mimetypes
import struct
from dataclasses import dataclass, field

from .errors import bad_request

MAX_DOWNLOAD = 20 * 1024 * 1024
MAX_PHOTO_UPLOAD = 10 * 1024 * 1024
MAX_UPLOAD = 50 * 1024 * 1024


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    content: bytes = field(repr=False)
    file_size: int
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None

    def document(self) -> dict:
        doc: dict = {"file_id": self.file_id, "file_unique_id": self.file_unique_id}
        if self.file_name is not None:
            doc["file_name"] = self.file_name
        if self.mime_type is not None:
            doc["mime_type"] = self.mime_type
        doc["file_size"] = self.file_size
        return doc

    def info(self) -> dict:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
            "file_path": self.file_path,
        }


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, GIF or JPEG, else None."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return struct.unpack("<HH", data[6:10])
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                return None
            marker = data[i + 1]
            length = struct.unpack(">H", data[i + 2 : i + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return width, height
            i += 2 + length
    return None


class FileStore:
    def __init__(self) -> None:
        self._files: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._seq = itertools.count(1)

    def add(
        self,
        content: bytes,
        file_name: str | None = None,
        mime_type: str | None = None,
        file_size: int | None = None,
        *,
        folder: str = "documents",
    ) -> StoredFile:
        n = next(self._seq)
        if mime_type is None and file_name:
            mime_type = mimetypes.guess_type(file_name)[0]
        suffix = ""
        if file_name and "." in file_name:
            suffix = "." + file_name.rsplit(".", 1)[1]
        elif folder == "photos":
            suffix = ".jpg"
        stored = StoredFile(
            file_id=f"BQACAgIAAxkBAAI{n:06d}standin{n * 7919:08x}",
            file_unique_id=f"AgAD{n:06d}",
            content=content,
            file_size=len(content) if file_size is None else file_size,
            file_path=f"{folder}/file_{n}{suffix}",
            file_name=file_name,
            mime_type=mime_type,
        )
        self._files[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def get(self, file_id: str) -> StoredFile:
        stored = self._files.get(file_id)
        if stored is None:
            raise bad_request("wrong file_id or the file is temporarily unavailable")
        return stored

    def by_path(self, path: str) -> StoredFile | None:
        return self._by_path.get(path)

    def photo_sizes(self, stored: StoredFile) -> list[dict]:
        """Two PhotoSize objects for a stored photo, the largest last."""
        width, height = image_size(stored.content) or (1280, 960)
        scale = max(width, height) / 90 or 1
        thumb = self.add(stored.content[:1024], folder="thumbnails")
        small = {
            "file_id": thumb.file_id,
            "file_unique_id": thumb.file_unique_id,
            "file_size": thumb.file_size,
            "width": max(1, round(width / scale)),
            "height": max(1, round(height / scale)),
        }
        large = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
            "width": width,
            "height": height,
        }
        return [small, large]
