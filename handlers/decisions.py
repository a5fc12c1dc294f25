"""The router of a decision's buttons (bot/conversation/decisions.py holds the draft and its
screens): "📤 Send", "✏️ Change", "✖ Cancel", an amount picked or confirmed, each checked against
the draft waiting in this chat under its token; anything else does nothing and says so."""

from collections.abc import Mapping
from dataclasses import replace

from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.conversation.decisions import DraftSteps, pending
from bot.domain.decisions import CONFIRM, PREVIEW, WHICH
from bot.screens.decisions import cancelled, no_longer_waiting
from bot.screens.decisions import waiting_hint as hint_screen
from bot.telegram.callbacks import Decide
from bot.telegram.filters import NotCommand, PrivateChat
from bot.telegram.inject import Inject
from bot.telegram.reply import Reply
from bot.telegram.states import Flow


def router(steps_of: Mapping[str, DraftSteps]) -> Router:
    """`steps_of`: each kind of draft's steps (bot/domain/decisions.py names the kinds)."""
    r = Router(name="decisions")

    @r.callback_query(Decide.filter())
    async def pressed(
        query: CallbackQuery,
        callback_data: Decide,
        *,
        reply: Reply,
        state: FSMContext,
        inject: Inject,
    ) -> None:
        """A button of the decision this person is preparing in this chat; any other (an older
        screen's, someone else's, a forged one) does nothing and says so."""
        draft = await pending(state=state)
        action, value = callback_data.action, callback_data.value
        steps = steps_of.get(draft.kind) if draft is not None else None
        if draft is None or steps is None or draft.token != callback_data.token:
            await query.answer(no_longer_waiting(), show_alert=True)
            return
        if action == "cancel":
            await state.clear()
            await query.answer()
            await reply.send(cancelled())
            return
        if action == "change":
            await state.clear()
            await query.answer()
            await inject(steps.change, draft)
            return
        if action == "pick" and draft.stage == WHICH and value in ("0", "1"):
            await state.clear()
            await query.answer()
            chosen = replace(draft, amount=draft.choices[int(value)], choices=(), stage="")
            await inject(steps.chosen, chosen)
            return
        if action == "sure" and draft.stage == CONFIRM:
            await state.clear()
            await query.answer()
            await inject(steps.chosen, replace(draft, confirmed=True, stage=""))
            return
        if action == "send" and draft.stage == PREVIEW:
            await state.clear()  # in the move's transaction: a second "Send" finds nothing
            await query.answer()
            await inject(steps.send, draft)
            return
        await query.answer(no_longer_waiting(), show_alert=True)

    @r.message(StateFilter(Flow.decide), NotCommand(), PrivateChat())
    async def typed(message: Message, *, reply: Reply) -> None:
        """Something typed while a decision waits on its buttons: it is not taken for it."""
        await reply.send(hint_screen())

    return r
