"""The Secretariat's verification of registrations: the "Verify" / "Refuse" buttons of a
registration's card (sent by the profile's use case when a profile is first complete) or of
/registrations, the list of those waiting (in the Secretariat's chat or in private)."""

import logging

from aiogram import Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.conversation.rights import allowed, stale
from bot.domain.machine import Needs, find
from bot.domain.people import REGISTRATION_MACHINE, Verification
from bot.domain.roles import Action
from bot.screens.base import Screen
from bot.screens.registrations import (
    already_decided,
    changed_city,
    decided_text,
    pending_screen,
    refusal_prompt,
)
from bot.services.acting import Acting
from bot.services.verification import VerificationRefused, Verifications
from bot.telegram.people_callbacks import VerifyButton
from bot.telegram.reply import Reply
from handlers.notes import Asked, NoteHandler, Purpose, ask_note

log = logging.getLogger(__name__)


def _by(*, acting: Acting) -> str:
    person = acting.person
    return person.profile.get("full_name") or person.first_name or str(person.telegram_id)


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
        if not await allowed(Action.VERIFY_PEOPLE, query, acting=acting, reply=reply):
            return
        person, city = callback_data.person, callback_data.city
        # The card's buttons are the table's moves from "pending" (bot/domain/people.py).
        found = find(
            REGISTRATION_MACHINE, Verification.PENDING, callback_data.action, acting.role, False
        )
        if found is None:
            await stale(query)
            return
        if found.needs == Needs.NOTE:
            registration = await verifications.get(person)
            if registration is None:
                await stale(query)
            elif registration.city_id != city:
                await query.answer(changed_city(), show_alert=True)
                await _drop_buttons(query)
            elif registration.verification != "pending":
                await query.answer(already_decided(registration), show_alert=True)
                await _drop_buttons(query)
            else:
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
        try:
            registration = await verifications.decide(person, city, verified)
        except VerificationRefused as problem:
            if problem.code == "decided":
                await query.answer(already_decided(problem.details["registration"]), True)
                await _drop_buttons(query)
            elif problem.code == "changed":
                await query.answer(changed_city(), show_alert=True)
                await _drop_buttons(query)
            else:
                await stale(query)
            return
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
    try:
        registration = await verifications.decide(
            asked.target, asked.detail or 0, False, reason=text
        )
    except VerificationRefused as problem:
        if problem.code == "decided":
            await reply.send(Screen(already_decided(problem.details["registration"])))
        elif problem.code == "changed":
            await reply.send(Screen(changed_city()))
        else:
            await reply.send(Screen(_("This registration no longer exists.")))
        return
    await reply.send(Screen(decided_text(registration, _by(acting=acting))))
