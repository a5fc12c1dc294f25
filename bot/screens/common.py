"""Small pieces every screen uses: the current locale, answer display, message splitting."""

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from html import unescape
from typing import Any

from aiogram import html
from aiogram.utils.i18n import get_i18n, ngettext
from aiogram.utils.i18n import gettext as _

from bot.domain.countries import country_name
from bot.domain.dates import format_long
from bot.domain.forms import Kind, Question
from bot.domain.numbers import format_money, format_number
from bot.domain.phones import format_phone

TEXT_LIMIT = 4096
BUTTON_TEXT = 60  # characters of a button's text, at most (longer ones are cut by the screens)
RIGHT_TO_LEFT = frozenset({"ar"})


def locale() -> str:
    return get_i18n().current_locale


def listed(items: Iterable[str]) -> str:
    """Items in a row, as the reader's language separates them: `a, b` (Arabic: `a، b`)."""
    return ("، " if locale() in RIGHT_TO_LEFT else ", ").join(items)


_ELIDABLE = re.compile(r"\b(de|De|que|Que) \{(\w+)\}")
_ELIDED = {"de": "d’", "De": "D’", "que": "qu’", "Que": "Qu’"}
_VOWELS = frozenset("AEIOUYÀÂÄÆÉÈÊËÎÏÔÖŒÙÛÜaeiouyàâäæéèêëîïôöœùûü")


def fill(template: str, **values: Any) -> str:
    """`template.format(**values)`, and in French "de {name}" elided before a name that starts
    with a vowel: "l’inscription d’Awa", "point focal d’Abidjan" (a name's own "H" is left
    alone: it may be aspirated)."""

    def elide(match: re.Match[str]) -> str:
        value = unescape(strip_tags(str(values.get(match.group(2), "")))).lstrip()
        if value[:1] in _VOWELS:
            return _ELIDED[match.group(1)] + "{" + match.group(2) + "}"
        return match.group(0)

    if locale() == "fr":
        template = _ELIDABLE.sub(elide, template)
    return template.format(**values)


def shortened(text: str, room: int) -> str:
    """`text` in at most `room` characters (at least a few): cut at the end, with "…"."""
    room = max(room, 8)
    return text if len(text) <= room else text[: room - 1].rstrip() + "…"


def onward() -> str:
    """The arrow from a before to its after (`old → new`) in reading order: right to left, an
    Arabic line reads `old ← new`."""
    return "←" if locale() in RIGHT_TO_LEFT else "→"


def money(amount: Decimal | str, currency: str | None) -> str:
    value = Decimal(str(amount))
    if not currency:
        return format_number(value, locale())
    return format_money(value, currency, locale())


def shown_answer(question: Question, value: Any, currency: str | None = None) -> str:
    """An answer as the person reads it, HTML-escaped."""
    if value is None:
        return _("(skipped)")
    kind = question.kind
    if kind == Kind.CHOICE:
        label = question.choice_label(value)
        return html.quote(_(label) if label else str(value))
    if kind == Kind.MULTI:
        labels = [question.choice_label(v) for v in value]
        return html.quote(listed(_(label) for label in labels if label)) or "—"
    if kind == Kind.YES_NO:
        return _("Yes") if value else _("No")
    if kind == Kind.WHOLE:
        return format_number(int(value), locale())
    if kind == Kind.NUMBER:
        return format_number(Decimal(str(value)), locale())
    if kind == Kind.MONEY:
        return html.quote(money(value, currency))
    if kind == Kind.DATE:
        return html.quote(format_long(date.fromisoformat(value), locale()))
    if kind == Kind.COUNTRY:
        return html.quote(country_name(value, locale()))
    if kind == Kind.LOCATION:
        return f"📍 {float(value['lat']):.5f}, {float(value['lon']):.5f}"
    if kind == Kind.LIST:
        return ngettext("{count} entry", "{count} entries", len(value)).format(count=len(value))
    if kind == Kind.PHONE:
        return html.quote(format_phone(str(value)))
    return html.quote(str(value))


def visible_length(markup: str) -> int:
    """Length Telegram counts: after tags are parsed and entities decoded (UTF-16 units)."""
    return len(unescape(strip_tags(markup)).encode("utf-16-le")) // 2


def split_messages(blocks: list[str], limit: int = TEXT_LIMIT) -> list[str]:
    """Join self-contained HTML blocks into as few messages as fit Telegram's limit."""
    messages: list[str] = []
    current: list[str] = []
    size = 0
    for block in blocks:
        for piece in _fit(block, limit):
            length = visible_length(piece) + 1
            if current and size + length > limit:
                messages.append("\n".join(current))
                current, size = [], 0
            current.append(piece)
            size += length
    if current:
        messages.append("\n".join(current))
    return messages


def _fit(block: str, limit: int) -> list[str]:
    """A block too long for one message is cut as plain text (its tags dropped)."""
    if visible_length(block) <= limit:
        return [block]
    plain = unescape(strip_tags(block))
    step = limit - 10
    return [html.quote(plain[i : i + step]) for i in range(0, len(plain), step)]


def strip_tags(markup: str) -> str:
    out, inside = [], False
    for ch in markup:
        if ch == "<":
            inside = True
        elif ch == ">" and inside:
            inside = False
        elif not inside:
            out.append(ch)
    return "".join(out)


def which_amount_text(
    typed: str, choices: tuple[Decimal, ...], currency: str | None
) -> tuple[str, list[str]]:
    """The question asked of an amount that reads two ways, and its two readings as shown (the
    same for staff and for a city's form)."""
    shown = [money(choice, currency) for choice in choices]
    text = _("{typed} — {first} or {second}?").format(
        typed=html.quote(typed), first=shown[0], second=shown[1]
    )
    hint = _("The separator could mean thousands or decimals: which amount is it?")
    return "<b>" + text + "</b>\n" + hint, shown
