"""MarkdownV2 and legacy Markdown parse modes, modelled on TDLib (byte offsets in errors)."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ApiError, bad_request

_V2_RESERVED = b"_*[]()~`>#+-=|{}.!"
_SPACES = b" \t\r\n\f\v"
# TDLib's names of entity types, as printed in "Can't find end of ... entity" errors.
_TD_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}


def _err(message: str) -> ApiError:
    return bad_request("can't parse entities: " + message)


@dataclass
class _Open:
    type: str
    byte_offset: int
    utf16_offset: int
    out_pos: int
    language: str = ""


class _Out:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.utf16 = 0

    def add(self, s: str) -> None:
        self.parts.append(s)
        self.length += len(s)
        self.utf16 += len(s.encode("utf-16-le")) // 2

    def text(self) -> str:
        return "".join(self.parts)


def _char_at(data: bytes, i: int) -> tuple[str, int]:
    """Decode the UTF-8 character starting at byte i; return it and the next index."""
    c = data[i]
    size = 1 if c < 0x80 else 2 if c < 0xE0 else 3 if c < 0xF0 else 4
    return data[i : i + size].decode("utf-8"), i + size


def _pre_start(data: bytes, i: int) -> tuple[int, str]:
    """i points after ``` : read an optional language and skip one leading newline."""
    n = len(data)
    end = i
    while end < n and data[end] not in _SPACES and data[end] != 0x60:
        end += 1
    language = ""
    if end != i and end < n and data[end] != 0x60:
        language = data[i:end].decode("utf-8", "replace")
        i = end
    if i < n and data[i] in b"\r\n":
        i += 2 if i + 1 < n and data[i + 1] in b"\r\n" and data[i] != data[i + 1] else 1
    return i, language


def parse_markdown_v2(text: str) -> tuple[str, list[dict]]:
    data = text.encode("utf-8")
    n = len(data)
    out = _Out()
    stack: list[_Open] = []
    entities: list[dict] = []
    quote: dict | None = None  # open blockquote
    line_end_utf16 = 0

    def at(k: int) -> int:
        return data[k] if k < n else 0

    def close_quote(end_utf16: int) -> None:
        nonlocal quote
        if quote is not None and end_utf16 > quote["offset"]:
            entities.append(
                {
                    "type": quote["type"],
                    "offset": quote["offset"],
                    "length": end_utf16 - quote["offset"],
                }
            )
        quote = None

    i = 0
    while i < n:
        c = data[i]
        in_code = bool(stack) and stack[-1].type in ("code", "pre")
        if not in_code and (i == 0 or data[i - 1] == 0x0A):
            if data.startswith(b"**>", i) or c == 0x3E:
                expandable = c != 0x3E
                if quote is None:
                    kind = "expandable_blockquote" if expandable else "blockquote"
                    quote = {"type": kind, "offset": out.utf16}
                i += 3 if expandable else 1
                continue
            if quote is not None:
                close_quote(line_end_utf16)
        if c == 0x5C and 0 < at(i + 1) <= 126:  # backslash escape
            out.add(chr(data[i + 1]))
            i += 2
            continue
        if c == 0x0A:
            line_end_utf16 = out.utf16
        reserved = b"`" if in_code else _V2_RESERVED
        if c not in reserved:
            ch, i = _char_at(data, i)
            out.add(ch)
            continue
        if (
            quote is not None
            and quote["type"] == "expandable_blockquote"
            and data.startswith(b"||", i)
            and at(i + 2) in (0, 0x0A)
            and not any(o.type == "spoiler" for o in stack)
        ):
            close_quote(out.utf16)
            i += 2
            continue
        top = stack[-1].type if stack else None
        is_end = (
            (top == "bold" and c == 0x2A)
            or (top == "italic" and c == 0x5F and at(i + 1) != 0x5F)
            or (top == "code" and c == 0x60)
            or (top == "pre" and data.startswith(b"```", i))
            or (top in ("text_link", "custom_emoji") and c == 0x5D)
            or (top == "underline" and data.startswith(b"__", i))
            or (top == "strikethrough" and c == 0x7E)
            or (top == "spoiler" and data.startswith(b"||", i))
        )
        if not is_end:
            begin = i
            language = ""
            if c == 0x5F:
                kind = "underline" if at(i + 1) == 0x5F else "italic"
                i += 2 if kind == "underline" else 1
            elif c == 0x2A:
                kind, i = "bold", i + 1
            elif c == 0x7E:
                kind, i = "strikethrough", i + 1
            elif c == 0x7C and at(i + 1) == 0x7C:
                kind, i = "spoiler", i + 2
            elif c == 0x5B:
                kind, i = "text_link", i + 1
            elif c == 0x60 and data.startswith(b"```", i):
                kind = "pre"
                i, language = _pre_start(data, i + 3)
            elif c == 0x60:
                kind, i = "code", i + 1
            elif c == 0x21 and at(i + 1) == 0x5B:
                kind, i = "custom_emoji", i + 2
            else:
                raise _err(
                    f"Character '{chr(c)}' is reserved and must be escaped with the preceding '\\'"
                )
            stack.append(_Open(kind, begin, out.utf16, out.length, language))
            continue
        opened = stack.pop()
        entity: dict = {"type": opened.type, "offset": opened.utf16_offset}
        i += {"underline": 2, "spoiler": 2, "pre": 3}.get(opened.type, 1)
        if opened.type in ("text_link", "custom_emoji"):
            url = ""
            if at(i) != 0x28:
                if opened.type == "custom_emoji":
                    raise _err("Custom emoji entity must contain a tg://emoji URL")
                url = out.text()[opened.out_pos :]
            else:
                i += 1
                url_begin = i
                chunks = bytearray()
                while i < n and data[i] != 0x29:
                    if data[i] == 0x5C and 0 < at(i + 1) <= 126:
                        chunks.append(data[i + 1])
                        i += 2
                        continue
                    chunks.append(data[i])
                    i += 1
                if i >= n:
                    raise _err(f"Can't find end of a URL at byte offset {url_begin}")
                i += 1
                url = chunks.decode("utf-8", "replace")
            if opened.type == "text_link":
                entity["url"] = url
            else:
                if not url.startswith("tg://emoji?id="):
                    raise _err("Custom emoji URL must have scheme tg://emoji?id=")
                entity["custom_emoji_id"] = url.split("=", 1)[1]
        if opened.type == "pre" and opened.language:
            entity["language"] = opened.language
        entity["length"] = out.utf16 - opened.utf16_offset
        if entity["length"] > 0:
            entities.append(entity)
    if stack:
        last = stack[-1]
        raise _err(
            f"Can't find end of {_TD_NAMES[last.type]} entity at byte offset {last.byte_offset}"
        )
    close_quote(out.utf16)
    return out.text(), entities


def parse_markdown(text: str) -> tuple[str, list[dict]]:
    """Legacy Markdown: *bold* _italic_ `code` ```pre``` [text](url), no nesting."""
    data = text.encode("utf-8")
    n = len(data)
    out = _Out()
    entities: list[dict] = []
    i = 0
    while i < n:
        c = data[i]
        if c == 0x5C and i + 1 < n and data[i + 1] in b"_*`[":
            out.add(chr(data[i + 1]))
            i += 2
            continue
        if c not in b"_*`[":
            ch, i = _char_at(data, i)
            out.add(ch)
            continue
        begin = i
        end_char = 0x5D if c == 0x5B else c
        is_pre = c == 0x60 and data.startswith(b"```", i)
        language = ""
        i += 1
        if is_pre:
            i, language = _pre_start(data, i + 2)
        offset, out_pos = out.utf16, out.length
        while i < n and (data[i] != end_char or (is_pre and not data.startswith(b"```", i))):
            ch, i = _char_at(data, i)
            out.add(ch)
        if i >= n:
            raise _err(f"Can't find end of the entity starting at byte offset {begin}")
        length = out.utf16 - offset
        entity: dict = {"offset": offset, "length": length}
        if c == 0x5F:
            entity["type"] = "italic"
        elif c == 0x2A:
            entity["type"] = "bold"
        elif c == 0x5B:
            entity["type"] = "text_link"
            url = out.text()[out_pos:]
            if i + 1 < n and data[i + 1] == 0x28:
                close = data.find(b")", i + 2)
                close = n if close < 0 else close
                url = data[i + 2 : close].decode("utf-8", "replace")
                i = close
            entity["url"] = url
        else:
            entity["type"] = "pre" if is_pre else "code"
            if language:
                entity["language"] = language
        if length > 0:
            entities.append(entity)
        i += 3 if is_pre else 1
    return out.text(), entities
