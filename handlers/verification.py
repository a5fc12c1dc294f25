"""The Secretariat's verification of registrations: the "Verify" / "Refuse" buttons of a
registration's card (sent by the profile's use case when a profile is first complete) or of
/registrations, the list of those waiting (in the Secretariat's chat or in private)."""

import logging

from aiogram import Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.config import Settings
from bot.conversation.notes import Asked, NoteHandler, Purpose, ask_note
from bot.conversation.rights import allowed
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
from bot.services.acting import Acting
from bot.services.verification import Verifications
from bot.telegram.people_callbacks import VerifyButton
from bot.telegram.reply import Reply

log = logging.getLogger(__name__)


def _by(*, acting: Acting) -> str:
    person = acting.person
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
    async def registrations(
        message: Message, *, acting: Acting, reply: Reply, verifications: Verifications
    ) -> None:
        if await allowed(Action.VERIFY_PEOPLE, acting=acting, reply=reply):
            await reply.send(*pending_screen(await verifications.pending()))

    @r.callback_query(VerifyButton.filter())
    async def decide(
        query: CallbackQuery,
        callback_data: VerifyButton,
        *,
        acting: Acting,
        reply: Reply,
        state: FSMContext,
        verifications: Verifications,
        settings: Settings,
    ) -> None:
        """A move of the table from "pending" (bot/domain/people.py): "Verify" at once,
        "Refuse" once its reason is typed. A card that shows what is no longer so (decided,
        or the person changed city) loses its buttons; the glue says why."""
        if not await allowed(Action.VERIFY_PEOPLE, query, acting=acting, reply=reply):
            return
        action, person, city = callback_data.action, callback_data.person, callback_data.city
        found = find(REGISTRATION_MACHINE, Verification.PENDING, action, acting.role, False)
        if found is None:
            raise Gone("button")
        try:
            if found.needs == Needs.NOTE:
                registration = await verifications.waiting(person, city)
                await query.answer()
                prompt = refusal_prompt(registration)
                await ask_note(
                    Purpose.REFUSE_REGISTRATION,
                    person,
                    prompt,
                    detail=city,
                    reply=reply,
                    state=state,
                )
                return
            verified = found.target == Verification.VERIFIED
            registration = await verifications.decide(person, city, verified)
        except VerificationRefused as problem:
            if problem.code != "unknown":
                await _drop_buttons(query)
            raise
        await query.answer()
        if reply.chat_id != settings.secretariat_chat_id:  # there the outbox edits the card
            await _drop_buttons(query)
        await reply.send(Screen(decided_text(registration, _by(acting=acting))))

    return r


def notes() -> dict[Purpose, NoteHandler]:
    return {Purpose.REFUSE_REGISTRATION: _refuse}


async def _refuse(
    asked: Asked, text: str, *, acting: Acting, reply: Reply, verifications: Verifications
) -> None:
    """The reason arrived: the right, the registration's state and its city (the one the card
    showed, `detail`) are checked again, in the decision's compare-and-set."""
    if not await allowed(Action.VERIFY_PEOPLE, acting=acting, reply=reply):
        return
    registration = await verifications.decide(
        asked.target, asked.detail or 0, False, reason=text
    )  # refused (decided meanwhile, another city, gone): the glue says why
    await reply.send(Screen(decided_text(registration, _by(acting=acting))))
