"""Attachment files on disk, named by checksum so the dossier can prove what it holds."""

import asyncio
import hashlib
import re
from pathlib import Path, PurePath


def _safe_suffix(file_name: str) -> str:
    suffix = PurePath(file_name).suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,5}", suffix) else ""


def _write(target: Path, content: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(target.suffix + ".part")
    temporary.write_bytes(content)
    temporary.replace(target)


async def store_file(
    files_dir: Path, dossier_id: int, file_name: str, content: bytes
) -> tuple[Path, str]:
    """Write `content` under FILES_DIR/<dossier>/ and return its path and SHA-256."""
    digest = hashlib.sha256(content).hexdigest()
    target = files_dir / str(dossier_id) / f"{digest}{_safe_suffix(file_name)}"
    await asyncio.to_thread(_write, target, content)
    return target, digest


async def remove_files(paths: list[str]) -> None:
    """Delete files no attachment refers to any more (missing ones are ignored)."""

    def _remove() -> None:
        for path in paths:
            Path(path).unlink(missing_ok=True)

    await asyncio.to_thread(_remove)
