"""What a dossier's events tell whom. The one file that answers "what does approving a dossier
tell whom": a status change (`moved`) tells the dossier's audience (its city's verified
officials, and its author while unverified; not the person who made it) each in their own
language, and edits the dossier's card in the Secretariat's chat; a submission (`submitted`)
sends that card (and, `card_pdf`, the PDF after it); a message on the dossier (`written`) goes
to the other side."""

from collections.abc import Callable, Sequence
from datetime import date, datetime

from aiogram import html
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.domain.records import Person, Record
from bot.domain.reminders import Waiting
from bot.domain.review import Case, Change, ThreadMessage
from bot.domain.roles import Role
from bot.domain.rules import SectionCheck
from bot.domain.sessions import BureauSession
from bot.domain.workflow import Status, Transition, moves
from bot.notify.notice import Notice, card_of
from bot.notify.projects import CityWait, waiting_on_city_block
from bot.notify.readers import Audience, Voice, dump, each_reader
from bot.screens.base import Screen
from bot.screens.checklist import record_title
from bot.screens.notices import city_update, city_update_keyboard, thread_notice
from bot.screens.reminders import digest_screen, reminder_screen
from bot.screens.secretariat import card_text, changes_block, city_move_news, moves_keyboard
from bot.telegram.callbacks import staff_data


def card_moves(case: Case) -> list[Transition]:
    """The moves a card offers: the Secretariat's, for the status the dossier has now."""
    return [t for t in moves(case.record.status, Role.SECRETARIAT, False) if t.by_staff]


def card(
    case: Case,
    audience: Audience,
    heading: Callable[[], str] | None = None,
    extra: Callable[[], str] | None = None,
) -> list[Notice]:
    """The dossier's card in the Secretariat's chat, in that chat's language (`heading` and
    `extra` are called in it): sent at the first submission, edited in place at every change."""
    chat = audience.secretariat
    if chat is None:
        return []

    def build() -> tuple[str, dict | None]:
        text = card_text(case, heading() if heading else None)
        if extra is not None:
            text += "\n\n" + extra()
        return text, dump(moves_keyboard(case, card_moves(case)))

    text, markup = audience.voice(chat.language, build)
    return [Notice(chat.chat_id, text, markup, card=card_of("dossier", case.record.id), topic=True)]


def to_people(people: list[Person], voice: Voice, build: Callable[[], str]) -> list[Notice]:
    """The same news for each person, each in their own language."""
    return [Notice(p.telegram_id, voice(p.language, build)) for p in people]


def submitted(
    case: Case, changes: list[Change] | None, others: list[Person], audience: Audience
) -> list[Notice]:
    """A submission: the card (new), or after changes were requested (`changes`, the answers
    changed since the last submission), the card with what changed, and the city's other
    officials told."""
    if changes is None:
        return card(case, audience, lambda: _("📥 New dossier {reference}"))
    told = to_people(others, audience.voice, lambda: city_update(case))

    def heading() -> str:
        return _("🔁 Dossier {reference} submitted again")

    return (
        told
        + card(case, audience, heading, lambda: changes_block(changes, case.record.currency))
        + city_moved(case, changes, audience)
    )


def city_moved(case: Case, changes: list[Change] | None, audience: Audience) -> list[Notice]:
    """A resubmission or a withdrawal: besides the card edited in place (the record), a new
    message in the Secretariat's chat (the dossier's topic) with the move and what changed."""
    chat = audience.secretariat
    if chat is None:
        return []
    news = audience.voice(chat.language, lambda: city_move_news(case, changes))
    return [Notice(chat.chat_id, news.text, dump(news.markup), topic=True)]


def pdf_caption(reference: str | None, title: str) -> str:
    if len(title) > 200:
        title = title[:199] + "…"
    return _("📄 {reference} · {title}").format(
        reference=reference or _("Draft dossier"), title=html.quote(title)
    )


def card_pdf(record: Record, path: str, file_name: str, audience: Audience) -> list[Notice]:
    """The dossier's PDF (drawn in the Secretariat's language), after its first card."""
    chat = audience.secretariat
    if chat is None:
        return []
    title = record_title(record)
    caption = audience.voice(chat.language, lambda: pdf_caption(record.reference, title))
    return [Notice(chat.chat_id, caption, path=path, file_name=file_name, topic=True)]


def moved(case: Case, officials: list[Person], audience: Audience) -> list[Notice]:
    """A status change (a decision, a correction): each official told in their language, and
    the card edited."""

    def build() -> tuple[str, dict | None]:
        return city_update(case), dump(city_update_keyboard(case))

    told = [Notice(p.telegram_id, *audience.voice(p.language, build)) for p in officials]
    news = city_moved(case, None, audience) if case.record.status == Status.WITHDRAWN else []
    return told + card(case, audience) + news


def foreseen(case: Case, officials: list[Person], voice: Voice) -> list[tuple[str, int, str]]:
    """What `moved` will tell the city, once per language: (language, readers, text)."""
    readers: dict[str, int] = {}
    for person in officials:
        language = voice.language(person.language)
        readers[language] = readers.get(language, 0) + 1
    return [
        (language, count, voice(language, lambda: city_update(case)))
        for language, count in readers.items()
    ]


def written(
    case: Case, message: ThreadMessage, officials: list[Person], audience: Audience
) -> list[Notice]:
    """A message on the dossier: from the Secretariat, to each official in their language; from
    the city, to the Secretariat's chat (in the dossier's topic) with "answer" and "open"."""
    if message.from_staff:
        return to_people(officials, audience.voice, lambda: thread_notice(case, message))
    chat = audience.secretariat
    if chat is None:
        return []

    def build() -> tuple[str, dict | None]:
        reply = InlineKeyboardButton(
            text=_("✉️ Answer the city"), callback_data=staff_data("write", case.record.id)
        )
        open_it = InlineKeyboardButton(
            text=_("📂 Open the dossier"), callback_data=staff_data("open", case.record.id)
        )
        markup = InlineKeyboardMarkup(inline_keyboard=[[reply, open_it]])
        return thread_notice(case, message), dump(markup)

    text, markup = audience.voice(chat.language, build)
    return [Notice(chat.chat_id, text, markup, topic=True)]


Reader = tuple[int, str | None]  # a person's chat id and stored language


def reminded(
    record: Record,
    checks: list[SectionCheck],
    upcoming: BureauSession,
    today: date,
    officials: list[Reader],
    voice: Voice,
) -> list[Notice]:
    """A draft's deadline comes near: each of its city's officials reminded in their language."""
    return each_reader(officials, voice, lambda: reminder_screen(record, checks, upcoming, today))


def digest(
    items: list[Waiting],
    wait_days: int,
    now: datetime,
    staff: list[Reader],
    voice: Voice,
    on_city: Sequence[CityWait] = (),
) -> list[Notice]:
    """The staff's daily digest, each in their language: the dossiers waiting on them, then
    what waits on the cities (issue 17 §4)."""

    def screen() -> Screen:
        shown = digest_screen(items, wait_days, now)
        if not on_city:
            return shown
        return Screen(shown.text + "\n\n" + waiting_on_city_block(on_city, now), shown.markup)

    return each_reader(staff, voice, screen)
