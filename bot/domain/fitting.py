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
_TAG = re.compile(r"<[^<>]*>")
_ENTITY = re.compile(r"&(?:#\d{1,8}|#[xX][0-9a-fA-F]{1,7}|lt|gt|amp|quot);")
_NAMED = {"&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"'}
_EMPTY = re.compile(r"<([a-z-]+)(?:\s[^<>]*)?></\1>")
_SPACE = re.compile(r"\s")
_GLUE = {"\u200d", "\ufe0f", "\ufe0e"}  # zero-width joiner, variation selectors


def units(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts."""
    return len(text.encode("utf-16-le")) // 2


class _Token:
    """A piece of the HTML source: a run of text or an entity (`shown`: what it shows; a run's
    source is what it shows), or a tag (`tag` its name, `opening` or closing)."""

    __slots__ = ("opening", "shown", "source", "tag")

    def __init__(self, source: str, shown: str = "", tag: str = "", opening: bool = False) -> None:
        self.source = source
        self.shown = shown
        self.tag = tag
        self.opening = opening

    @property
    def is_run(self) -> bool:
        return not self.tag and self.source == self.shown


def _decode(entity: str) -> str:
    if entity in _NAMED:
        return _NAMED[entity]
    number = entity[2:-1]
    try:
        code = int(number[1:], 16) if number[:1] in "xX" else int(number)
        return chr(code)
    except (ValueError, OverflowError):
        return "\ufffd"


def _tag(source: str) -> _Token:
    words = source.strip("<>").lstrip("/").split()
    return _Token(source, "", words[0].lower() if words else "?", not source.startswith("</"))


def _tokens(html: str) -> list[_Token]:
    tokens: list[_Token] = []
    for match in _TOKEN.finditer(html):
        token = match.group()
        if token[0] == "<" and len(token) > 1:
            tokens.append(_tag(token))
        elif token[0] == "&" and len(token) > 1:
            tokens.append(_Token(token, _decode(token)))
        else:
            tokens.append(_Token(token, token))
    return tokens


def visible_length(html: str) -> int:
    """What Telegram counts of an HTML text: tags count nothing, an entity one character."""
    shown = _TAG.sub("", html)
    if "&#" in shown:  # a numeric entity may stand for a character of two units
        return units(_ENTITY.sub(lambda m: _decode(m.group()), shown))
    return units(_ENTITY.sub("&", shown)) if "&" in shown else units(shown)


def fits(html: str, limit: int = TEXT_LIMIT) -> bool:
    size = len(html)
    if size * 2 <= limit:  # the common case, told without parsing: 2 units a character at most
        return True
    if len(html.encode()) > RAW_BYTES:
        return False
    # The raw text counts its tags and entities too: when even that fits, the shown text does.
    return units(html) <= limit or visible_length(html) <= limit


def _open_after(stack: list[_Token], token: _Token) -> None:
    """Follow the open tags: push an opening tag, pop up to the matching closing one."""
    if not token.tag:
        return
    if token.opening:
        stack.append(token)
        return
    for i in range(len(stack) - 1, -1, -1):
        if stack[i].tag == token.tag:
            del stack[i:]
            return


def _opening(stack: list[_Token]) -> str:
    return "".join(t.source for t in stack)


def _closing(stack: list[_Token]) -> str:
    return "".join(f"</{t.tag}>" for t in reversed(stack))


def _drop_empty(html: str) -> str:
    """`<b></b>` and the like, left where a cut took all their text: nothing to show."""
    while True:
        shorter = _EMPTY.sub("", html)
        if shorter == html:
            return html
        html = shorter


def _fitting(shown: str, budget: int) -> int:
    """How many characters (code points) of `shown` take at most `budget` UTF-16 units."""
    if budget <= 0:
        return 0
    encoded = shown.encode("utf-16-le")
    if len(encoded) <= 2 * budget:
        return len(shown)
    return len(encoded[: 2 * budget].decode("utf-16-le", "ignore"))


def _glued(before: str, after: str) -> bool:
    """Two characters a cut must not separate: a letter and its marks, an emoji and its
    joiners, selectors or skin tone."""
    return (
        before in _GLUE
        or after in _GLUE
        or unicodedata.category(after) in ("Mn", "Me")
        or 0x1F3FB <= ord(after) <= 0x1F3FF
    )


def _break(shown: str, budget: int, separators: tuple[str, ...] = ()) -> int:
    """Where to cut `shown` (a code point index) so that what comes before takes at most
    `budget` units: after one of `separators` or else after a space, when one is in the last
    40 % of the room; else where the room ends, never between glued characters."""
    end = _fitting(shown, budget)
    if end >= len(shown):
        return len(shown)
    floor = int(end * 0.6)
    for separator in separators:
        found = shown.rfind(separator, floor, end)
        if found >= 0:
            return found + len(separator)
    for i in range(end, floor, -1):
        if shown[i].isspace() or shown[i - 1].isspace():
            return i
    while end > 1 and _glued(shown[end - 1], shown[end]):
        end -= 1
    return max(end, 1)


def _at(tokens: list[_Token], index: int) -> tuple[list[_Token], list[_Token]]:
    """The tokens before and after a position of the shown text (a run is cut in two there; the
    closing tags right at the position go with what is before)."""
    before: list[_Token] = []
    count = 0
    for n, token in enumerate(tokens):
        if token.tag:
            if count < index or not token.opening:
                before.append(token)
                continue
            return before, tokens[n:]
        size = len(token.shown)
        if count + size <= index:
            before.append(token)
            count += size
            continue
        if count >= index:
            return before, tokens[n:]
        if not token.is_run:  # an entity is one character: never cut
            return before, tokens[n:]
        cut = index - count
        head, tail = token.source[:cut], token.source[cut:]
        return [*before, _Token(head, head)], [_Token(tail, tail), *tokens[n + 1 :]]
    return before, []


def _source(tokens: list[_Token]) -> str:
    return "".join(t.source for t in tokens)


def _strip_start(tokens: list[_Token]) -> list[_Token]:
    """Without the white space a cut left at the start (tags kept)."""
    out: list[_Token] = []
    done = False
    for token in tokens:
        if not done and not token.tag:
            if token.is_run:
                text = token.shown.lstrip()
                if not text:
                    continue
                token = _Token(text, text)
            elif token.shown.isspace():
                continue
            done = True
        out.append(token)
    return out


def _cut_line(line: str, cap: int, stack: list[_Token], out: list[str], rests: list[str]) -> None:
    """One line longer than `cap`: what it keeps (with "…") to `out`, every tag of it kept so
    the structure stays; what is cut off, standing alone (its open tags reopened and closed),
    to `rests`."""
    tokens = _tokens(line)
    shown = "".join(t.shown for t in tokens)
    keep = _break(shown, cap - len(ELLIPSIS))
    while keep > 1 and shown[keep - 1].isspace():
        keep -= 1
    before, after = _at(tokens, keep)
    for token in before:
        out.append(token.source)
        _open_after(stack, token)
    out.append(ELLIPSIS)
    reopened = _opening(stack)
    rest = _strip_start(after)
    for token in after:
        if token.tag:
            out.append(token.source)
    for token in rest:
        _open_after(stack, token)
    if any(not t.tag for t in rest):
        rests.append(_drop_empty(reopened + ELLIPSIS + _source(rest) + _closing(stack)))


def _cut_to(html: str, budget: int) -> tuple[str, list[str]] | None:
    """The text with its longest lines cut to one length so that it takes at most `budget`
    units, and what was cut off each; None when even lines of `MIN_LINE` would not fit. (Lines
    are lines of the source: the bot's tags and entities hold no line break.)"""
    lines = html.split("\n")
    sizes = [visible_length(line) for line in lines]
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
    out: list[str] = []
    rests: list[str] = []
    stack: list[_Token] = []
    for n, (line, size) in enumerate(zip(lines, sizes, strict=True)):
        if n:
            out.append("\n")
        if size > low:
            _cut_line(line, low, stack, out, rests)
            continue
        out.append(line)  # kept whole: only its tags are looked at, for the open ones
        for found in _TAG.finditer(line):
            _open_after(stack, _tag(found.group()))
    return _drop_empty("".join(out)), rests


def _in_order(html: str, limit: int) -> list[str]:
    """The text in consecutive pieces of at most `limit` units each (at a paragraph, a line or a
    word when one is near), every piece valid HTML on its own."""
    tokens = _tokens(html)
    pieces: list[str] = []
    stack: list[_Token] = []
    while tokens:
        shown = "".join(t.shown for t in tokens)
        end = _break(shown, limit, ("\n\n", "\n"))
        before, tokens = _at(tokens, end)
        opened = _opening(stack)
        for token in before:
            _open_after(stack, token)
        pieces.append(_drop_empty(opened + _source(before) + _closing(stack)))
        tokens = _strip_start(tokens)
        if not any(not t.tag for t in tokens):
            break
    return [p for p in pieces if p.strip()] or [""]


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
        shown = made[0] if made is not None else _in_order(html, room - 1)[0] + ELLIPSIS
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
    return text[: _break(text, limit - len(ELLIPSIS))].rstrip() + ELLIPSIS


def first_line(html: str, limit: int = 100) -> str:
    """The first line of an HTML text with something in it, as plain text (for a list of
    messages), shortened to `limit`."""
    shown = _ENTITY.sub(lambda m: _decode(m.group()), _TAG.sub("", html))
    line = next((line.strip() for line in shown.splitlines() if line.strip()), "")
    return shorten(line, limit)
