"""A decision staff see before it goes (issue 14 §4), whatever it decides: a flow builds a
`Draft` (the move, its note or amount, the status it is taken from) and hands it here; the draft
waits in the conversation state (it survives a restart, as notes do) behind the buttons of its
screens, which name its token:

- an ambiguous amount is asked back (`settle_amount`: "700,000 — 700 000 € or 700 €?");
- an amount that looks wrong asks for a second confirmation (`confirm`);
- the preview (`preview`) shows what the city will read, with "📤 Send" / "✏️ Change" /
  "✖ Cancel". Nothing is recorded or sent before "Send"; the flow's `send` applies the move
  from the status the preview showed, and a stale "Send" changes nothing and says so.

Each kind of draft has its steps (`DraftSteps`: `chosen`, the amount is settled: check it and show
the preview; `send`; `change`, ask again), given to `router(steps)` by `handlers.build_router()`."""

import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace

from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.domain.decisions import CONFIRM, PREVIEW, WHICH, AmountConcern, Draft, plain_amount
from bot.domain.numbers import ParsedNumber
from bot.screens.base import Screen
from bot.screens.decisions import (
    cancelled,
    confirm_amount,
    no_longer_waiting,
    which_amount,
)
from bot.screens.decisions import waiting_hint as hint_screen
from bot.telegram.callbacks import Decide
from bot.telegram.filters import NotCommand, PrivateChat
from bot.telegram.inject import Inject
from bot.telegram.reply import Reply
from bot.telegram.states import Flow

Step = Callable[..., Awaitable[None]]


@dataclass(frozen=True)
class DraftSteps:
    chosen: Step  # the amount is settled (or there is none): check it, then the preview
    send: Step  # "📤 Send": apply the move, from the status the preview showed
    change: Step  # "✏️ Change": ask again


async def hold(draft: Draft, stage: str, *, state: FSMContext) -> Draft:
    """Keep the draft in the conversation state, under a new token: the buttons of any screen
    shown before it no longer act."""
    held = replace(draft, stage=stage, token=secrets.token_hex(4))
    await state.set_state(Flow.decide)
    await state.set_data({"draft": held.to_data()})
    return held


async def pending(*, state: FSMContext) -> Draft | None:
    if await state.get_state() != Flow.decide.state:
        return None
    return Draft.from_data((await state.get_data()).get("draft"))


async def settle_amount(
    draft: Draft,
    amount: ParsedNumber,
    typed: str,
    chosen: Step,
    *,
    reply: Reply,
    state: FSMContext,
    inject: Inject,
) -> None:
    """An amount read from what was typed: asked back if it reads two ways, else taken
    (`chosen`, the draft's kind's step)."""
    if amount.alternative is not None:
        readings = (plain_amount(amount.value), plain_amount(amount.alternative))
        choices = tuple(sorted(readings, reverse=True))  # "700 000 € or 700 €", in any locale
        held = await hold(replace(draft, choices=choices, typed=typed), WHICH, state=state)
        await reply.send(which_amount(typed, choices, draft.currency or "", held.token))
        return
    await inject(chosen, replace(draft, amount=plain_amount(amount.value)))


async def confirm(
    draft: Draft, concerns: list[AmountConcern], *, reply: Reply, state: FSMContext
) -> None:
    """The amount looks wrong: a second, explicit confirmation before the preview."""
    assert draft.amount is not None
    held = await hold(draft, CONFIRM, state=state)
    await reply.send(confirm_amount(concerns, draft.amount, draft.currency, held.token))


async def preview(
    draft: Draft, screens: Callable[[str], list[Screen]], *, reply: Reply, state: FSMContext
) -> None:
    """Hold the draft for "📤 Send", and show `screens(token)`: what the city will read."""
    held = await hold(draft, PREVIEW, state=state)
    await reply.send(*screens(held.token))


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
