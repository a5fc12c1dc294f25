"""The one handler of a status move, whatever the machine (a dossier's, an emergency's): the
pressed move is looked up again in its table (bot/domain/machine.py) with the presser's role and
the record's status now; what it needs is asked (a choice with buttons, or a note or an amount
typed, with the table's prompt); what was typed is read; then the room's preview
(bot/conversation/decisions.py) shows what the city will read before "📤 Send" applies it
through the use case. A move that needs nothing is taken at once, or previewed where the room wants.

What differs between machines is a `Room`: how a record is loaded for this person, the extra
look-up (a correction's window), the buttons of a choice, how an amount is read, and the draft's
steps. The rooms are given by `handlers.build_router()` (`notes(rooms)`). A room's functions
are called through `inject` (bot/telegram/inject.py), and name the use cases they need, as a
handler does."""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.utils.i18n import gettext as _

from bot.conversation.decisions import DraftSteps, settle_amount
from bot.conversation.notes import Asked, NoteHandler, Purpose, ask_note
from bot.domain.decisions import Draft
from bot.domain.machine import Move, Needs
from bot.domain.numbers import ParsedNumber
from bot.telegram.inject import Inject
from bot.telegram.reply import Reply

Record = Any  # a room's record: a dossier's Case, an Emergency
# What was typed, read as an amount: the draft (its currency, note…), the amount, as typed; None
# when it could not be read (the room said why).
Read = tuple[Draft, ParsedNumber, str] | None


@dataclass(frozen=True)
class Room:
    """What the one move handler needs of one machine's room."""

    name: str  # the machine's name (stored with an awaited note)
    kind: str  # its drafts' kind (bot/domain/decisions.py)
    steps: DraftSteps  # chosen (check, preview), send (apply), change
    load: Callable[..., Awaitable[Record]]  # refused if not this person's
    target: Callable[[Record], int]  # its id
    find: Callable[..., Awaitable[Move | None]]  # the table, again
    status: Callable[[Record], str]
    facts: Callable[[Record], dict[str, Any]]  # what the prompts name ({reference}, …)
    moved: Callable[..., Awaitable[None]]  # the move is no longer possible
    # Needs asked with buttons first (a Bureau session, a proposal's phase): `carry` holds the
    # choice once made ({"phase": …}); nothing: ask.
    choose: Callable[..., Awaitable[bool]]
    read: Callable[..., Awaitable[Read]]  # an amount typed
    # A move that needs nothing: taken at once (and said), or False to preview it first.
    take_now: Callable[..., Awaitable[bool]]
    # A note's prompt completed by the room (the languages the city reads its words in).
    annotate: Callable[..., Awaitable[str]] | None = None


async def press(
    room: Room,
    record: Record,
    key: str,
    carry: Mapping[str, Any] | None = None,
    *,
    reply: Reply,
    state: FSMContext,
    inject: Inject,
) -> bool:
    """A move's button (or "✏️ Change"): False if it is not possible now (the caller says so)."""
    move = await inject(room.find, record, key)
    if move is None:
        return False
    await ask(room, record, move, dict(carry or {}), reply=reply, state=state, inject=inject)
    return True


async def ask(
    room: Room,
    record: Record,
    move: Move,
    carry: dict[str, Any],
    *,
    reply: Reply,
    state: FSMContext,
    inject: Inject,
) -> None:
    """Ask what the move needs; one that needs nothing is taken, or previewed."""
    if move.needs == Needs.NOTHING:
        if not await inject(room.take_now, record, move):
            draft = Draft(room.kind, room.target(record), move.key, room.status(record))
            await inject(room.steps.chosen, draft)
        return
    if await inject(room.choose, record, move, carry):
        return
    prompt = _(move.prompt).format(**room.facts(record))
    if room.annotate is not None:
        prompt = await inject(room.annotate, record, prompt)
    carry = {**carry, "machine": room.name}
    await ask_note(
        Purpose.MOVE,
        room.target(record),
        prompt,
        key=move.key,
        carry=carry,
        reply=reply,
        state=state,
    )


async def typed(
    room: Room, asked: Asked, text: str, *, reply: Reply, state: FSMContext, inject: Inject
) -> None:
    """What was typed for a move: looked up again, read, then checked and previewed by the
    room's steps (nothing is taken before "📤 Send")."""
    record = await inject(room.load, asked.target)
    move = await inject(room.find, record, asked.key)
    if move is None:
        await inject(room.moved, record)
        return
    phase = asked.carry.get("phase")
    draft = Draft(room.kind, asked.target, move.key, expected=room.status(record),
                  phase=phase if isinstance(phase, str) else None)  # fmt: skip
    if move.needs == Needs.NOTE:
        await inject(room.steps.chosen, replace(draft, note=text))
        return
    read = await inject(room.read, record, move, draft, text)
    if read is None:  # the room said why: asked again
        carry = {k: v for k, v in asked.carry.items() if k != "machine"}
        await ask(room, record, move, carry, reply=reply, state=state, inject=inject)
        return
    draft, amount, as_typed = read
    await settle_amount(
        draft, amount, as_typed, room.steps.chosen, reply=reply, state=state, inject=inject
    )


async def change(
    room: Room, draft: Draft, *, reply: Reply, state: FSMContext, inject: Inject
) -> bool:
    """ "✏️ Change": what the move needs is asked again (the choice made kept); False if the
    move is no longer possible."""
    record = await inject(room.load, draft.target)
    return await press(
        room,
        record,
        draft.key,
        {"phase": draft.phase} if draft.phase else {},
        reply=reply,
        state=state,
        inject=inject,
    )


def notes(rooms: Mapping[str, Room]) -> dict[Purpose, NoteHandler]:
    """The note of every move, whichever room's (the room's name is stored with it)."""

    async def note(
        asked: Asked, text: str, *, reply: Reply, state: FSMContext, inject: Inject
    ) -> None:
        room = rooms.get(str(asked.carry.get("machine", "")))
        if room is not None:
            await typed(room, asked, text, reply=reply, state=state, inject=inject)

    return {Purpose.MOVE: note}
