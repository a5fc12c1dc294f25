"""The words `/queue` and `/export` are filtered by, in the reader's language: what each means,
the filter named back in the queue's heading, and what is accepted when a word means nothing."""

from aiogram import html
from aiogram.utils.i18n import gettext as _
from babel.numbers import get_currency_name

from bot.domain.countries import country_name, fold
from bot.domain.dates import format_long, format_short
from bot.domain.fund_form import CURRENCIES, SECTORS
from bot.domain.locales import babel_locale
from bot.domain.review import Meaning, QueueFilter
from bot.domain.sessions import BureauSession
from bot.domain.workflow import STATUS_LABELS, Status
from bot.screens.common import listed, locale
from bot.screens.home import status_label
from bot.screens.sheets import sector_label

# A draft is never in the Secretariat's queue.
FILTERED_STATUSES = [s for s in Status if s != Status.DRAFT]


def flagged_word() -> str:
    return _("flagged")


def queue_vocabulary(sessions: list[BureauSession]) -> dict[str, Meaning]:
    """Folded word → what it filters: labels in the reader's language, and the codes."""
    here = locale()
    words: dict[str, Meaning] = {}
    for status in FILTERED_STATUSES:
        for word in (status.value, _(STATUS_LABELS[status])):
            words[fold(word)] = ("status", status.value)
    for choice in SECTORS:
        for word in (choice.value, _(choice.label)):
            words[fold(word)] = ("sector", choice.value)
    for code in CURRENCIES:
        words[fold(code)] = ("currency", code)
        words[fold(get_currency_name(code, locale=babel_locale(here)))] = ("currency", code)
    for session in sessions:
        day = session.held_on
        for word in (day.isoformat(), format_long(day, here), format_short(day, here)):
            words[fold(word)] = ("session_id", session.id)
    for word in ("flagged", "⚠️", "⚠", flagged_word()):
        words[fold(word)] = ("flagged", True)
    return words


def filter_words(wanted: QueueFilter, sessions: list[BureauSession]) -> str:
    """The filter in words ("Marchés · Sénégal · XOF · 28 avril 2027 · signalés")."""
    here = locale()
    parts = []
    if wanted.sector:
        parts.append(sector_label(wanted.sector))
    if wanted.country:
        parts.append(country_name(wanted.country, here))
    if wanted.currency:
        parts.append(wanted.currency)
    if wanted.session_id is not None:
        held = [s.held_on for s in sessions if s.id == wanted.session_id]
        parts.append(format_long(held[0], here) if held else "—")
    if wanted.flagged:
        parts.append(flagged_word())
    return html.quote(" · ".join(parts))


def unknown_words(unknown: list[str], sessions: list[BureauSession]) -> str:
    """A word `/queue` does not know: which, and what it takes instead."""
    here = locale()
    days = [format_short(s.held_on, here) for s in sessions[-3:]] or ["2027-04-28"]
    accepted = [
        _("a status: {statuses}").format(
            statuses=listed(status_label(s) for s in FILTERED_STATUSES)
        ),
        _("a sector: {sectors}").format(sectors=listed(sector_label(c.value) for c in SECTORS)),
        _("a country, by its name or code (Sénégal, SN)"),
        _("a currency: {currencies}").format(currencies=listed(CURRENCIES)),
        _("a Bureau session's date: {days}").format(days=listed(days)),
        _("“{flagged}”: sent by an account not yet verified").format(flagged=flagged_word()),
    ]
    heading = _("I do not know “{words}” as a filter. Words accepted, in any order:").format(
        words=html.quote(" ".join(unknown))
    )
    return heading + "\n" + "\n".join("• " + html.quote(line) for line in accepted)
