"""The Secretariat's verification of registrations: the "Verify" / "Refuse" buttons of a
registration's card (sent by the profile's use case when a profile is first complete) or of
/registrations, the list of those waiting (in the Secretariat's chat or in private)."""

import logging

from aiogram import Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot.domain.machine import Needs, find
from bot.domain.people import REGISTRATION_MACHINE, Verification, VerificationRefused
from bot.domain.refusals import Gone
from bot.domain.roles import Action
from bot.screens.base import Screen
from bot.screens.registrations import (
    decided_text,
    pending_screen,
    refusal_prompt,
)
from bot.telegram.context import Context
from bot.telegram.people_callbacks import VerifyButton
from handlers.notes import Asked, NoteHandler, Purpose, ask_note
from handlers.rights import allowed

log = logging.getLogger(__name__)


def _by(ctx: Context) -> str:
    person = ctx.person
    return person.name or str(person.telegram_id)


async def _drop_buttons(query: CallbackQuery) -> None:
    if isinstance(query.message, Message) and query.message.reply_markup is not None:
        try:
            await query.message.edit_reply_markup(reply_markup=None)
        except TelegramBadRequest:
            log.debug("card already without buttons")


def router() -> Router:
    r = Router(name="verification")

    @r.message(Command("registrations"))
    async def registrations(message: Message, ctx: Context) -> None:
        if await allowed(ctx, Action.VERIFY_PEOPLE):
            await ctx.send(*pending_screen(await ctx.verifications.pending()))

    @r.callback_query(VerifyButton.filter())
    async def decide(query: CallbackQuery, callback_data: VerifyButton, ctx: Context) -> None:
        """A move of the table from "pending" (bot/domain/people.py): "Verify" at once,
        "Refuse" once its reason is typed. A card that shows what is no longer so (decided,
        or the person changed city) loses its buttons; the glue says why."""
        if not await allowed(ctx, Action.VERIFY_PEOPLE, query):
            return
        action, person, city = callback_data.action, callback_data.person, callback_data.city
        found = find(REGISTRATION_MACHINE, Verification.PENDING, action, ctx.role, False)
        if found is None:
            raise Gone("button")
        try:
            if found.needs == Needs.NOTE:
                registration = await ctx.verifications.waiting(person, city)
                await query.answer()
                prompt = refusal_prompt(registration)
                await ask_note(ctx, Purpose.REFUSE_REGISTRATION, person, prompt, detail=city)
                return
            verified = found.target == Verification.VERIFIED
            registration = await ctx.verifications.decide(person, city, verified)
        except VerificationRefused as problem:
            if problem.code != "unknown":
                await _drop_buttons(query)
            raise
        await query.answer()
        if ctx.chat_id != ctx.settings.secretariat_chat_id:  # there the outbox edits the card
            await _drop_buttons(query)
        await ctx.send(Screen(decided_text(registration, _by(ctx))))

    return r


def notes() -> dict[Purpose, NoteHandler]:
    return {Purpose.REFUSE_REGISTRATION: _refuse}


async def _refuse(ctx: Context, asked: Asked, text: str) -> None:
    """The reason arrived: the right, the registration's state and its city (the one the card
    showed, `detail`) are checked again, in the decision's compare-and-set."""
    if not await allowed(ctx, Action.VERIFY_PEOPLE):
        return
    registration = await ctx.verifications.decide(
        asked.target, asked.detail or 0, False, reason=text
    )  # refused (decided meanwhile, another city, gone): the glue says why
    await ctx.send(Screen(decided_text(registration, _by(ctx))))
