"""A note asked for in a chat: the next message of the person who was asked, in that chat, is it
(a reason for a refusal, what must change in a dossier, a message to a city). `/cancel` leaves.

A flow asks with `ask_note(ctx, purpose, target, prompt)` and registers what to do with the text in
`NOTES[purpose]`; the purpose and its target are stored in the conversation state, so a restart
between the question and the answer loses nothing. The handler re-checks the right to act when the
note arrives, as for a button. A note asked in the middle of something (the reason of a
correction, once its amount is known) carries it: `ask_note(..., carry=data)`, and the handler
registered with `carried_note(purpose)` gets `(ctx, data, text)`.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Router
from aiogram.filters import Command, StateFilter
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from bot.domain.answers import AnswerError, clean_text
from bot.domain.text import visible_length
from bot.screens.base import Screen
from bot.screens.errors import refusal
from bot.telegram.context import Context
from bot.telegram.filters import NotCommand
from bot.telegram.states import Flow

NoteHandler = Callable[
    ..., Awaitable[None]
]  # (ctx, target, text) or, asked with `detail`, (…, detail)
NOTES: dict[str, NoteHandler] = {}
CarriedHandler = Callable[[Context, dict[str, Any], str], Awaitable[None]]
CARRIED: dict[str, CarriedHandler] = {}
MAX_NOTE = 3000  # a message with its heading stays under Telegram's 4096 characters


def note_purpose(purpose: str) -> Callable[[NoteHandler], NoteHandler]:
    """Register what a note of this purpose does: `handler(ctx, target, text)`."""

    def register(handler: NoteHandler) -> NoteHandler:
        NOTES[purpose] = handler
        return handler

    return register


def carried_note(purpose: str) -> Callable[[CarriedHandler], CarriedHandler]:
    """Register what a note of this purpose does with what it carries: `(ctx, carry, text)`."""

    def register(handler: CarriedHandler) -> CarriedHandler:
        CARRIED[purpose] = handler
        return handler

    return register


async def ask_note(
    ctx: Context,
    purpose: str,
    target: int,
    prompt: str,
    detail: int | None = None,
    carry: dict[str, Any] | None = None,
) -> None:
    """`detail`: a second number the handler gets as `detail=` (what the button showed, to be
    checked again when the note arrives); `carry`: what a `carried_note` handler gets."""
    await ctx.fsm.set_state(Flow.note)
    data: dict[str, Any] = {"purpose": purpose, "target": target}
    if detail is not None:
        data["detail"] = detail
    if carry is not None:
        data["carry"] = carry
    await ctx.fsm.set_data(data)
    hint = _("Write it in one message (/cancel to leave it).")
    await ctx.send(Screen(prompt + "\n\n<i>" + hint + "</i>"))


def router() -> Router:
    r = Router(name="notes")

    @r.message(StateFilter(Flow.note, Flow.decide), Command("cancel"))
    async def cancel(message: Message, ctx: Context) -> None:
        """Leave the note (or the decision being shown): nothing is sent, nothing changes."""
        await ctx.fsm.clear()
        await ctx.say(_("Stopped: nothing was sent."))

    @r.message(StateFilter(Flow.note), NotCommand())
    async def note(message: Message, ctx: Context) -> None:
        """The awaited note: checked, then handed to its purpose's handler."""
        data = await ctx.fsm.get_data()
        handler = NOTES.get(data.get("purpose", ""))
        carried = CARRIED.get(data.get("purpose", ""))
        carry = data.get("carry")
        if carried is None or not isinstance(carry, dict):
            carried = None
            if handler is None or not isinstance(data.get("target"), int):
                await ctx.fsm.clear()
                return
        text = clean_text(message.text or message.caption or "")
        problem = None
        if not visible_length(text):
            problem = AnswerError("text_expected")
        elif len(text) > MAX_NOTE:
            problem = AnswerError("too_long", maximum=MAX_NOTE, length=len(text))
        if problem is not None:
            await ctx.send(Screen("⚠️ " + refusal(problem)))
            return
        await ctx.fsm.clear()
        if carried is not None:
            await carried(ctx, carry, text)
            return
        if isinstance(data.get("detail"), int):
            await handler(ctx, data["target"], text, detail=data["detail"])
            return
        await handler(ctx, data["target"], text)

    return r
