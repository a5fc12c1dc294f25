"""HTML parse_mode, modelled on TDLib's parse_html but stricter (LIMITS.md section 7).

Works on the UTF-8 bytes so that the byte offsets in error messages match Telegram's.
Stricter than Telegram, on purpose:
* a bare "&" (not starting `&lt;` `&gt;` `&amp;` `&quot;` `&#N;` `&#xH;`) and a bare ">"
  are errors (Telegram silently keeps them);
* named entities other than the four supported ones are errors;
* the nesting rules of the documentation are enforced instead of silently dropping
  entities (e.g. `<b><code>x</code></b>`, nested blockquotes, a link inside a link).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import ApiError, bad_request

SUPPORTED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "tg-emoji",
        "tg-time",
        "code",
        "pre",
        "blockquote",
    }
)
_KIND = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "link",
    "tg-emoji": "custom_emoji",
    "tg-time": "date_time",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_FORMATTING = frozenset({"bold", "italic", "underline", "strikethrough", "spoiler"})
_NAMED = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"'}
_ENTITY_RE = re.compile(rb"&(?:#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,7})|([A-Za-z][A-Za-z0-9]*));")
_TIME_FORMAT_RE = re.compile(r"w?[dD]?[tT]?")
_SPACES = b" \t\r\n\f\v"


@dataclass
class _Open:
    tag: str
    kind: str
    byte_offset: int
    utf16_offset: int
    out_pos: int
    attrs: dict[str, str] = field(default_factory=dict)


def _err(message: str) -> ApiError:
    return bad_request("can't parse entities: " + message)


def _can_nest(parent: str, child: str) -> bool:
    """Documented rules: formatting entities nest with anything but pre/code; blockquotes
    can't be nested; all other entities can't contain each other. <pre><code> is allowed."""
    if parent == "pre" and child == "code":
        return True
    if parent in ("code", "pre"):
        return False
    if parent == "blockquote":
        return child != "blockquote"
    if child in ("code", "pre"):
        return False
    return parent in _FORMATTING or child in _FORMATTING


class _Parser:
    def __init__(self, text: str) -> None:
        self.data = text.encode("utf-8")
        self.n = len(self.data)
        self.out: list[str] = []
        self.out_len = 0  # characters appended to out
        self.utf16 = 0
        self.stack: list[_Open] = []
        self.entities: list[dict] = []

    def at(self, i: int) -> int:
        return self.data[i] if i < self.n else 0

    def emit(self, s: str) -> None:
        self.out.append(s)
        self.out_len += len(s)
        self.utf16 += len(s.encode("utf-16-le")) // 2

    def decode_entity(self, i: int, strict: bool) -> tuple[str, int] | None:
        m = _ENTITY_RE.match(self.data, i)
        if m is None:
            if strict:
                raise _err(f'character "&" must be escaped as "&amp;" at byte offset {i}')
            return None
        dec, hexa, name = m.groups()
        if name is not None:
            if name not in _NAMED:
                if strict:
                    raise _err(
                        f'unsupported HTML entity "&{name.decode()};" at byte offset {i}; only '
                        "&lt; &gt; &amp; &quot; and numeric entities are supported"
                    )
                return None
            return _NAMED[name], m.end()
        code = int(dec) if dec is not None else int(hexa, 16)
        if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            if strict:
                raise _err(f"invalid numeric HTML entity at byte offset {i}")
            return None
        return chr(code), m.end()

    def parse(self) -> tuple[str, list[dict]]:
        i = 0
        data = self.data
        while i < self.n:
            c = data[i]
            if c == 0x26:  # &
                ch, i = self.decode_entity(i, strict=True)  # type: ignore[misc]
                self.emit(ch)
                continue
            if c == 0x3E:  # >
                raise _err(f'character ">" must be escaped as "&gt;" at byte offset {i}')
            if c != 0x3C:  # <
                j = i + 1
                while j < self.n and data[j] not in (0x26, 0x3C, 0x3E):
                    j += 1
                self.emit(data[i:j].decode("utf-8"))
                i = j
                continue
            i = self.end_tag(i) if self.at(i + 1) == 0x2F else self.start_tag(i)  # "</" or "<"
        if self.stack:
            raise _err(f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"')
        for entity in self.entities:
            entity.pop("_language", None)
        return "".join(self.out), self.entities

    # ------------------------------------------------------------------ tags
    def start_tag(self, begin: int) -> int:
        i = begin + 1
        while self.at(i) and self.at(i) not in _SPACES and self.at(i) != 0x3E:
            i += 1
        if i >= self.n:
            raise _err(f"Unclosed start tag at byte offset {begin}")
        tag = self.data[begin + 1 : i].decode("utf-8", "replace").lower()
        if tag not in SUPPORTED_TAGS:
            raise _err(f'Unsupported start tag "{tag}" at byte offset {begin}')
        attrs: dict[str, str] = {}
        while self.at(i) != 0x3E:
            while self.at(i) and self.at(i) in _SPACES:
                i += 1
            if self.at(i) == 0x3E:
                break
            if i >= self.n:
                raise _err(f"Unclosed start tag at byte offset {begin}")
            name_begin = i
            while self.at(i) and self.at(i) not in _SPACES and self.at(i) not in b"=>":
                i += 1
            name = self.data[name_begin:i].decode("utf-8", "replace").lower()
            if not name:
                raise _err(f'Empty attribute name in the tag "{tag}" at byte offset {begin}')
            while self.at(i) and self.at(i) in _SPACES:
                i += 1
            if self.at(i) != 0x3D:  # =
                if tag == "blockquote" and name == "expandable":
                    attrs[name] = ""
                    continue
                raise _err(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{tag}" at byte offset {begin}'
                )
            i += 1
            while self.at(i) and self.at(i) in _SPACES:
                i += 1
            if i >= self.n:
                raise _err(f'Unclosed start tag "{tag}" at byte offset {begin}')
            value, i = self.attribute_value(i)
            if i >= self.n:
                raise _err(f"Unclosed start tag at byte offset {begin}")
            attrs[name] = value
        i += 1  # skip ">"
        kind = _KIND[tag]
        self.check_tag(tag, attrs, begin)
        for parent in self.stack:
            if not _can_nest(parent.kind, kind):
                raise _err(
                    f'tag "{tag}" can\'t be nested inside tag "{parent.tag}" at byte offset {begin}'
                )
        self.stack.append(_Open(tag, kind, begin, self.utf16, self.out_len, attrs))
        return i

    def attribute_value(self, i: int) -> tuple[str, int]:
        quote = self.at(i)
        if quote not in (0x22, 0x27):
            begin = i
            while self.at(i) and (chr(self.at(i)).isalnum() or self.at(i) in b".-"):
                i += 1
            if self.at(i) not in _SPACES and self.at(i) != 0x3E:
                raise _err(f"Unexpected end of name token at byte offset {begin}")
            return self.data[begin:i].decode("utf-8", "replace").lower(), i
        i += 1
        parts: list[str] = []
        begin = i
        while i < self.n and self.data[i] != quote:
            if self.data[i] == 0x26:
                decoded = self.decode_entity(i, strict=False)
                if decoded is not None:
                    parts.append(self.data[begin:i].decode("utf-8", "replace") + decoded[0])
                    i = begin = decoded[1]
                    continue
            i += 1
        parts.append(self.data[begin:i].decode("utf-8", "replace"))
        if i < self.n:
            i += 1
        return "".join(parts), i

    def check_tag(self, tag: str, attrs: dict[str, str], begin: int) -> None:
        if tag == "span" and attrs.get("class") != "tg-spoiler":
            raise _err(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
        if tag == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
            raise _err(f'tag "tg-emoji" must have a numeric "emoji-id" at byte offset {begin}')
        if tag == "tg-time":
            unix = attrs.get("unix", "")
            if not unix.lstrip("-").isdigit():
                raise _err(f'tag "tg-time" must have a numeric "unix" at byte offset {begin}')
            if not _TIME_FORMAT_RE.fullmatch(attrs.get("format", "")):
                raise _err(f'invalid "format" of tag "tg-time" at byte offset {begin}')

    def end_tag(self, begin: int) -> int:
        if not self.stack:
            raise _err(f"Unexpected end tag at byte offset {begin}")
        i = begin + 2
        while self.at(i) and self.at(i) not in _SPACES and self.at(i) != 0x3E:
            i += 1
        end_name = self.data[begin + 2 : i].decode("utf-8", "replace")
        while self.at(i) and self.at(i) in _SPACES:
            i += 1
        if self.at(i) != 0x3E:
            raise _err(f"Unclosed end tag at byte offset {begin}")
        i += 1
        top = self.stack.pop()
        if end_name and end_name != top.tag:
            raise _err(
                f'Unmatched end tag at byte offset {begin}, expected "</{top.tag}>", '
                f'found "</{end_name}>"'
            )
        if self.utf16 > top.utf16_offset:
            self.add_entity(top)
        return i

    def add_entity(self, top: _Open) -> None:
        offset, length = top.utf16_offset, self.utf16 - top.utf16_offset
        entity: dict = {"type": top.kind, "offset": offset, "length": length}
        if top.kind == "link":
            url = top.attrs.get("href") or "".join(self.out)[top.out_pos :]
            entity = {"type": "text_link", "offset": offset, "length": length, "url": url}
        elif top.kind == "custom_emoji":
            entity["custom_emoji_id"] = top.attrs["emoji-id"]
        elif top.kind == "date_time":
            entity["unix_time"] = int(top.attrs["unix"])
            if top.attrs.get("format"):
                entity["date_time_format"] = top.attrs["format"]
        elif top.kind == "blockquote" and "expandable" in top.attrs:
            entity["type"] = "expandable_blockquote"
        elif top.kind == "code":
            language = top.attrs.get("class", "")
            if language.startswith("language-") and len(language) > 9:
                entity["_language"] = language[9:]  # only kept when the code fills a <pre>
        elif top.kind == "pre":
            inner = [
                e
                for e in self.entities
                if e["type"] == "code" and offset <= e["offset"] < offset + length
            ]
            for e in inner:  # code inside pre is not a separate entity
                self.entities.remove(e)
                if (e["offset"], e["length"]) == (offset, length) and "_language" in e:
                    entity["language"] = e["_language"]
        self.entities.append(entity)


def parse_html(text: str) -> tuple[str, list[dict]]:
    """Return (visible text, entities) or raise ApiError(400, "Bad Request: can't parse
    entities: ...")."""
    return _Parser(text).parse()
