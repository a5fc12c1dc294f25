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
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from aiogram.fsm.context import FSMContext

from bot.domain.decisions import CONFIRM, PREVIEW, WHICH, AmountConcern, Draft, plain_amount
from bot.domain.numbers import ParsedNumber
from bot.screens.base import Screen
from bot.screens.decisions import confirm_amount, which_amount
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
