"""Fitting what the bot sends into Telegram's limits (../shared/telegram/LIMITS.md): 4,096
characters of message text and 1,024 of caption, counted after entity parsing (a tag counts
nothing, `&amp;` one character) in UTF-16 code units (an emoji counts 2); at most 32,768 bytes
of raw text; plain texts (button labels, a callback's answer, a topic's name) have their own.

Two ways to make a long HTML text fit, both keeping its HTML valid (a cut is never inside a tag
or an entity, tags open at a cut are closed, and reopened where the text goes on):

- `cut`: the longest lines are shortened, all to the same length, at a word boundary, with "…",
  so the short lines (headings, statuses, who did what) all stay; a pointer line (where the
  whole text is) ends the message. For an edit or a caption: they cannot become two messages.
- `split`: the same cut message first (it keeps the keyboard, and is what later edits change),
  then what was cut off, in as many messages as it needs, so the whole text arrives.

Pure functions: the bot's request middleware (bot/telegram/fitting.py) and the outbox's way in
(storage/outbox.py) call them.
"""

import re
import unicodedata
from dataclasses import dataclass

TEXT_LIMIT = 4096  # sendMessage / editMessageText text, after entity parsing
CAPTION_LIMIT = 1024  # media captions, after entity parsing
RAW_BYTES = 1 << 15  # the raw text before parsing ("text is too long" above it)
CALLBACK_ANSWER_LIMIT = 200  # answerCallbackQuery text (plain)
TOPIC_NAME_LIMIT = 128  # createForumTopic / editForumTopic name (plain)
# Telegram documents no limit for a button's label; clients show about 30 characters of it. A
# longer label is shortened here, so no label can be refused.
BUTTON_TEXT_LIMIT = 64
CALLBACK_DATA_BYTES = 64  # 1-64 bytes of UTF-8
ELLIPSIS = "…"
MIN_LINE = 60  # a cut line keeps at least this much (below it, the text is split in order)

_TOKEN = re.compile(r"<[^<>]*>|&(?:#\d{1,8}|#[xX][0-9a-fA-F]{1,7}|lt|gt|amp|quot);|[^<&]+|[<&]")
_NAMED = {"&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"'}
_GLUE = {"\u200d", "\ufe0f", "\ufe0e"}  # zero-width joiner, variation selectors


def units(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True, slots=True)
class _Atom:
    """One piece of the HTML source: a character (`char`, as shown) or a tag (`tag` its name,
    `opening` or closing)."""

    source: str
    char: str = ""
    tag: str = ""
    opening: bool = False

    @property
    def size(self) -> int:
        return units(self.char) if self.char else 0


def _decode(entity: str) -> str:
    if entity in _NAMED:
        return _NAMED[entity]
    number = entity[2:-1]
    try:
        code = int(number[1:], 16) if number[:1] in "xX" else int(number)
        return chr(code)
    except (ValueError, OverflowError):
        return "\ufffd"


def _atoms(html: str) -> list[_Atom]:
    atoms: list[_Atom] = []
    for match in _TOKEN.finditer(html):
        token = match.group()
        if token.startswith("<") and len(token) > 1:
            words = token.strip("<>").lstrip("/").split()
            name = words[0].lower() if words else "?"
            atoms.append(_Atom(token, tag=name, opening=not token.startswith("</")))
        elif token.startswith("&") and len(token) > 1:
            atoms.append(_Atom(token, char=_decode(token)))
        else:
            atoms.extend(_Atom(ch, char=ch) for ch in token)
    return atoms


def visible_length(html: str) -> int:
    """What Telegram counts of an HTML text: tags count nothing, an entity one character."""
    return sum(a.size for a in _atoms(html))


def fits(html: str, limit: int = TEXT_LIMIT) -> bool:
    size = len(html)
    if size * 2 <= limit:  # the common case, told without parsing: 2 units a character at most
        return True
    if len(html.encode()) > RAW_BYTES:
        return False
    # The raw text counts its tags and entities too: when even that fits, the shown text does.
    return units(html) <= limit or visible_length(html) <= limit


def _source(atoms: list[_Atom]) -> str:
    return "".join(a.source for a in atoms)


def _open_after(stack: list[_Atom], atom: _Atom) -> None:
    """Follow the open tags: push an opening tag, pop up to the matching closing one."""
    if not atom.tag:
        return
    if atom.opening:
        stack.append(atom)
        return
    for i in range(len(stack) - 1, -1, -1):
        if stack[i].tag == atom.tag:
            del stack[i:]
            return


def _closing(stack: list[_Atom]) -> str:
    return "".join(f"</{a.tag}>" for a in reversed(stack))


def _drop_empty(html: str) -> str:
    """`<b></b>` and the like, left where a cut took all their text: nothing to show."""
    empty = re.compile(r"<([a-z-]+)(?:\s[^<>]*)?></\1>")
    while True:
        shorter = empty.sub("", html)
        if shorter == html:
            return html
        html = shorter


def _break_at(chars: list[_Atom], budget: int, prefer_words: bool = True) -> int:
    """How many of `chars` (characters only) to keep so they take at most `budget` units: after a
    word when one ends in the last 40 % of the room, never inside a character sequence that must
    stay whole (a letter and its marks, an emoji with its joiners)."""
    taken = count = 0
    for atom in chars:
        if taken + atom.size > budget:
            break
        taken += atom.size
        count += 1
    if count == len(chars):
        return count
    if prefer_words:
        floor = int(count * 0.6)
        for i in range(count, floor, -1):
            if chars[i - 1].char.isspace() or (i < len(chars) and chars[i].char.isspace()):
                return i
    while count > 1 and _glued(chars[count - 1].char, chars[count].char):
        count -= 1
    return count


def _glued(before: str, after: str) -> bool:
    return (
        before in _GLUE
        or after in _GLUE
        or unicodedata.combining(after) > 0
        or unicodedata.category(after) in ("Mn", "Me")
        or 0x1F3FB <= ord(after) <= 0x1F3FF  # skin tones
    )


@dataclass(frozen=True)
class _Line:
    atoms: list[_Atom]

    @property
    def size(self) -> int:
        return sum(a.size for a in self.atoms)


def _lines(atoms: list[_Atom]) -> list[_Line]:
    lines: list[_Line] = [_Line([])]
    for atom in atoms:
        if atom.char == "\n":
            lines.append(_Line([]))
        else:
            lines[-1].atoms.append(atom)
    return lines


def _cut_lines(lines: list[_Line], cap: int) -> tuple[str, list[str]]:
    """Each line longer than `cap` keeps at most `cap` units (its "…" included); the open tags
    stay balanced. Returns the cut text and, for each cut line, what was cut off (as HTML that
    stands alone, starting with "…")."""
    out: list[str] = []
    rests: list[str] = []
    stack: list[_Atom] = []
    for n, line in enumerate(lines):
        if n:
            out.append("\n")
        if line.size <= cap:
            for atom in line.atoms:
                out.append(atom.source)
                _open_after(stack, atom)
            continue
        chars = [a for a in line.atoms if a.char]
        keep = _break_at(chars, cap - units(ELLIPSIS))
        while keep > 1 and chars[keep - 1].char.isspace():
            keep -= 1
        seen = 0
        rest: list[str] | None = None  # what is cut off, once the cut is passed
        words_begun = False
        for atom in line.atoms:
            if atom.char:
                seen += 1
                if seen <= keep:
                    out.append(atom.source)
                    continue
                if rest is None:  # the first character cut off
                    out.append(ELLIPSIS)
                    rest = ["".join(a.source for a in stack), ELLIPSIS]
                if not words_begun and atom.char.isspace():
                    continue  # the rest starts at its first word
                words_begun = True
                rest.append(atom.source)
                continue
            # A tag stays in the cut text (its structure with it), and in the rest once begun.
            out.append(atom.source)
            if rest is not None:
                rest.append(atom.source)
            _open_after(stack, atom)
        if rest is None:
            out.append(ELLIPSIS)
        else:
            rests.append(_drop_empty("".join(rest) + _closing(stack)))
    return _drop_empty("".join(out)), rests


def _cut_to(html: str, budget: int) -> tuple[str, list[str]] | None:
    """The text with its longest lines cut to one length so that it takes at most `budget`
    units; None when even lines of `MIN_LINE` would not fit."""
    lines = _lines(_atoms(html))
    sizes = [line.size for line in lines]
    newlines = len(lines) - 1

    def total(cap: int) -> int:
        return newlines + sum(min(s, cap) for s in sizes)

    if total(max(sizes)) <= budget:
        return html, []
    if total(MIN_LINE) > budget:
        return None
    low, high = MIN_LINE, max(sizes)  # total(low) fits, total(high) does not
    while high - low > 1:
        middle = (low + high) // 2
        if total(middle) <= budget:
            low = middle
        else:
            high = middle
    return _cut_lines(lines, low)


def _in_order(html: str, limit: int) -> list[str]:
    """The text in consecutive pieces of at most `limit` units each (at a paragraph, a line or a
    word when one is near), every piece valid HTML on its own."""
    atoms = _atoms(html)
    pieces: list[str] = []
    stack: list[_Atom] = []
    start = 0
    while start < len(atoms):
        head = "".join(a.source for a in stack)
        taken, end = 0, start
        while end < len(atoms) and taken + atoms[end].size <= limit:
            taken += atoms[end].size
            end += 1
        if end < len(atoms):
            end = _good_end(atoms, start, end)
        end = max(end, start + 1)  # a piece holds something, however small the room
        chunk = atoms[start:end]
        inner = list(stack)
        for atom in chunk:
            _open_after(inner, atom)
        pieces.append(_drop_empty(head + _source(chunk) + _closing(inner)))
        stack = inner
        start = end
        while start < len(atoms) and atoms[start].char.isspace():
            start += 1
    return [p for p in pieces if p.strip()] or [""]


def _good_end(atoms: list[_Atom], start: int, end: int) -> int:
    """Where to end a piece that cannot take everything: after a blank line, a line or a word in
    the last 40 % of the piece, else where it is full (not inside a glued sequence)."""
    floor = start + int((end - start) * 0.6)
    for wanted in ("\n\n", "\n", " "):
        for i in range(end, floor, -1):
            before = atoms[i - len(wanted) : i]
            if "".join(a.char for a in before) == wanted and all(a.char for a in before):
                return i
    while end - 1 > start and atoms[end].char and _glued(atoms[end - 1].char, atoms[end].char):
        end -= 1
    return end


def _raw_safe(limit: int, html: str) -> int:
    """A smaller room when the raw text would pass 32,768 bytes (many entities or tags)."""
    raw = len(html.encode())
    if raw <= RAW_BYTES:
        return limit
    return max(MIN_LINE * 2, int(limit * RAW_BYTES / raw * 0.95))


def cut(html: str, limit: int = TEXT_LIMIT, pointer: str = "") -> str:
    """`html` if it fits; else its longest lines cut at one length, "…" where each was cut,
    and `pointer` (HTML: where the whole text is) on a line of its own at the end."""
    if fits(html, limit):
        return html
    room = limit - (visible_length(pointer) + 2 if pointer else 0)
    while True:
        room = max(room, MIN_LINE)
        made = _cut_to(html, room)
        # Too many short lines to cut them all: the first ones, in order.
        shown = made[0] if made is not None else _in_order(html, room)[0].rstrip() + ELLIPSIS
        result = shown + ("\n\n" + pointer if pointer else "")
        if fits(result, limit):
            return result
        room = _raw_safe(room, result) if len(result.encode()) > RAW_BYTES else room - 16


def split(html: str, limit: int = TEXT_LIMIT) -> list[str]:
    """`[html]` if it fits; else the cut text first, numbered "✂️ 1/n", then what was cut off
    in order, each message numbered: nothing is lost."""
    if fits(html, limit):
        return [html]
    mark = 12  # "\n\n✂️ 99/99" and the like
    room = limit - mark
    while True:
        room = max(room, MIN_LINE)
        made = _cut_to(html, room)
        if made is None:
            parts = _in_order(html, room)
            head, rest = parts[0], parts[1:]
        else:
            head, rests = made
            rest = _in_order("\n\n".join(rests), room) if rests else []
        count = 1 + len(rest)
        messages = [f"{head}\n\n✂️ 1/{count}"]
        messages += [f"✂️ {n}/{count}\n{piece}" for n, piece in enumerate(rest, start=2)]
        if all(fits(m, limit) for m in messages):
            return messages
        worst = max(messages, key=lambda m: len(m.encode()))
        room = _raw_safe(room, worst) if len(worst.encode()) > RAW_BYTES else room - 16


def shorten(text: str, limit: int) -> str:
    """A plain text (a button's label, a topic's name, a callback's answer) in `limit` units,
    cut at a word with "…" when longer."""
    if units(text) <= limit:
        return text
    chars = [_Atom(ch, char=ch) for ch in text]
    keep = _break_at(chars, limit - units(ELLIPSIS))
    return text[:keep].rstrip() + ELLIPSIS
