"""What both sides of a dossier share between routers: a message written on it, the city's view
of it, and the words that filter the Secretariat's queue and its exports."""

from aiogram.utils.i18n import gettext as _

from bot.domain.review import Case, QueueFilter, parse_filter
from bot.domain.rules import FundingRules
from bot.domain.sessions import BureauSession
from bot.domain.workflow import moves
from bot.screens.base import Screen
from bot.screens.queue_words import queue_vocabulary, unknown_words
from bot.screens.secretariat import city_case_screens
from bot.services.acting import Acting
from bot.services.review import Review
from bot.telegram.reply import Reply


async def write(case: Case, text: str, *, reply: Reply, review: Review) -> None:
    """A message on the dossier, delivered to the other side; each reads it in their language."""
    await review.write(case, text)  # refused if no longer theirs: the glue says so
    await reply.send(Screen(_("✔ Message sent.")))


async def show_to_city(case: Case, *, acting: Acting, reply: Reply, rules: FundingRules) -> None:
    of_the_city = [t for t in moves(case.record.status, acting.role, True) if not t.by_staff]
    await reply.send(*city_case_screens(case, of_the_city, rules))


async def read_filter(
    text: str, sessions: list[BureauSession], *, reply: Reply
) -> QueueFilter | None:
    """The words of `/queue` or `/export` read in the staff member's language (and, in a shared
    chat, in the chat's too); None (and what is accepted said) when a word means nothing, rather
    than a list it did not narrow."""
    words = {**queue_vocabulary(sessions), **reply.own(lambda: queue_vocabulary(sessions))}
    wanted, unknown = parse_filter(text, words)
    if unknown:
        await reply.send(Screen(unknown_words(unknown, sessions)))
        return None
    return wanted
