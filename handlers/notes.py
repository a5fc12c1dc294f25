"""The router of awaited notes: the next message of the person who was asked, in that chat, is
the note (bot/conversation/notes.py asks and keeps what was asked); `/cancel` leaves. What each
purpose does with the text is given by `handlers.build_router()`."""

from collections.abc import Mapping

from aiogram import Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from bot.conversation.notes import MAX_NOTE, NoteHandler, Purpose, asked_of
from bot.domain.answers import AnswerError, clean_text
from bot.domain.text import visible_length
from bot.screens.base import Screen
from bot.screens.errors import refusal
from bot.telegram.filters import NotCommand
from bot.telegram.inject import Inject
from bot.telegram.reply import Reply
from bot.telegram.states import Flow


def router(handlers: Mapping[Purpose, NoteHandler]) -> Router:
    """`handlers`: what each purpose does with the text, every purpose given one."""
    missing = [p.value for p in Purpose if p not in handlers]
    if missing:
        raise ValueError(f"no handler for the note purposes {missing}")
    r = Router(name="notes")

    @r.message(StateFilter(Flow.note, Flow.decide), Command("cancel"))
    async def cancel(message: Message, *, reply: Reply, state: FSMContext) -> None:
        """Leave the note (or the decision being shown): nothing is sent, nothing changes."""
        await state.clear()
        await reply.say(_("Stopped: nothing was sent."))

    @r.message(StateFilter(Flow.note), NotCommand())
    async def note(message: Message, *, reply: Reply, state: FSMContext, inject: Inject) -> None:
        """The awaited note: checked, then handed to its purpose's handler."""
        asked = asked_of(await state.get_data())
        if asked is None:
            await state.clear()
            return
        text = clean_text(message.text or message.caption or "")
        problem = None
        if not visible_length(text):
            problem = AnswerError("text_expected")
        elif len(text) > MAX_NOTE:
            problem = AnswerError("too_long", maximum=MAX_NOTE, length=len(text))
        if problem is not None:
            await reply.send(Screen("⚠️ " + refusal(problem)))
            return
        await state.clear()
        purpose, about = asked
        await inject(handlers[purpose], about, text)

    return r
