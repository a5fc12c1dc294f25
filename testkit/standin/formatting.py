"""Text rules: parse_mode dispatch, whitespace trimming and length limits (UTF-16 units)."""

from __future__ import annotations

from .errors import bad_request
from .html_parser import parse_html

MAX_RAW_BYTES = 1 << 15
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_ANSWER = 200
_TRIM = " \t\n\r\f\v"


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _check_entities(text: str, entities: list[dict]) -> None:
    size = utf16_len(text)
    for e in entities:
        if e["offset"] < 0 or e["length"] <= 0 or e["offset"] + e["length"] > size:
            raise bad_request("can't parse entities: entity is out of the text bounds")


def _rest(entity: dict) -> dict:
    return {k: v for k, v in entity.items() if k not in ("type", "offset", "length")}


def _trim(text: str, entities: list[dict]) -> tuple[str, list[dict]]:
    """Telegram strips leading/trailing whitespace of messages; shift entities along."""
    stripped = text.lstrip(_TRIM)
    shift = utf16_len(text[: len(text) - len(stripped)])
    stripped = stripped.rstrip(_TRIM)
    size = utf16_len(stripped)
    result = []
    for e in entities:
        start = max(e["offset"] - shift, 0)
        end = min(e["offset"] + e["length"] - shift, size)
        if end > start:
            result.append({"type": e["type"], "offset": start, "length": end - start, **_rest(e)})
    return stripped, result


def parse_text(
    text: str, parse_mode: str | None, entities: list[dict] | None
) -> tuple[str, list[dict]]:
    """Return (visible text, entities) after entity parsing and trimming."""
    mode = (parse_mode or "").lower()
    if mode not in ("", "none", "html"):  # the bot never uses Markdown
        raise bad_request("unsupported parse_mode")
    if len(text.encode("utf-8")) > MAX_RAW_BYTES:
        raise bad_request("text is too long")
    if mode == "html":
        visible, found = parse_html(text)
    else:
        visible, found = text, [dict(e) for e in entities or []]
        _check_entities(visible, found)
    found.sort(key=lambda e: (e["offset"], -e["length"]))
    return _trim(visible, found)


def message_text(
    text: str | None, parse_mode: str | None, entities: list[dict] | None
) -> tuple[str, list[dict]]:
    """sendMessage / editMessageText text: 1-4096 characters after entity parsing."""
    visible, found = parse_text(text or "", parse_mode, entities)
    if not visible:
        raise bad_request("message text is empty")
    if utf16_len(visible) > MAX_TEXT:
        raise bad_request("message is too long")
    return visible, found


def caption_text(
    caption: str | None, parse_mode: str | None, entities: list[dict] | None
) -> tuple[str, list[dict]]:
    """Media captions: 0-1024 characters after entity parsing."""
    visible, found = parse_text(caption or "", parse_mode, entities)
    if utf16_len(visible) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    return visible, found
