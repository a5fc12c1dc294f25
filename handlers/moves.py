"""The one handler of a status move, whatever the machine (a dossier's, an emergency's): the
pressed move is looked up again in its table (bot/domain/machine.py) with the presser's role and
the record's status now; what it needs is asked (a choice with buttons, or a note or an amount
typed, with the table's prompt); what was typed is read; then the room's preview
(handlers/decisions.py) shows what the city will read before "📤 Send" applies it through the
use case. A move that needs nothing is taken at once, or previewed where the room wants.

What differs between machines is a `Room`: how a record is loaded for this person, the extra
look-up (a correction's window), the buttons of a choice, how an amount is read, and the draft's
steps. The rooms are given by `handlers.build_router()` (`notes(rooms)`)."""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from aiogram.utils.i18n import gettext as _

from bot.domain.decisions import Draft
from bot.domain.machine import Move, Needs
from bot.domain.numbers import ParsedNumber
from bot.telegram.context import Context
from handlers.decisions import DraftSteps, settle_amount
from handlers.notes import Asked, NoteHandler, Purpose, ask_note

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
    load: Callable[[Context, int], Awaitable[Record]]  # refused if not this person's
    target: Callable[[Record], int]  # its id
    find: Callable[[Context, Record, str], Awaitable[Move | None]]  # the table, again
    status: Callable[[Record], str]
    facts: Callable[[Record], dict[str, Any]]  # what the prompts name ({reference}, …)
    moved: Callable[[Context, Record], Awaitable[None]]  # the move is no longer possible
    # Needs asked with buttons first (a Bureau session, a proposal's phase): `carry` holds the
    # choice once made ({"phase": …}); nothing: ask.
    choose: Callable[[Context, Record, Move, dict[str, Any]], Awaitable[bool]]
    read: Callable[[Context, Record, Move, Draft, str], Awaitable[Read]]  # an amount typed
    # A move that needs nothing: taken at once (and said), or False to preview it first.
    take_now: Callable[[Context, Record, Move], Awaitable[bool]]
    # A note's prompt completed by the room (the languages the city reads its words in).
    annotate: Callable[[Context, Record, str], Awaitable[str]] | None = None


async def press(
    ctx: Context, room: Room, record: Record, key: str, carry: Mapping[str, Any] | None = None
) -> bool:
    """A move's button (or "✏️ Change"): False if it is not possible now (the caller says so)."""
    move = await room.find(ctx, record, key)
    if move is None:
        return False
    await ask(ctx, room, record, move, dict(carry or {}))
    return True


async def ask(ctx: Context, room: Room, record: Record, move: Move, carry: dict[str, Any]) -> None:
    """Ask what the move needs; one that needs nothing is taken, or previewed."""
    if move.needs == Needs.NOTHING:
        if not await room.take_now(ctx, record, move):
            draft = Draft(room.kind, room.target(record), move.key, room.status(record))
            await room.steps.chosen(ctx, draft)
        return
    if await room.choose(ctx, record, move, carry):
        return
    prompt = _(move.prompt).format(**room.facts(record))
    if room.annotate is not None:
        prompt = await room.annotate(ctx, record, prompt)
    carry = {**carry, "machine": room.name}
    await ask_note(ctx, Purpose.MOVE, room.target(record), prompt, key=move.key, carry=carry)


async def typed(ctx: Context, room: Room, asked: Asked, text: str) -> None:
    """What was typed for a move: looked up again, read, then checked and previewed by the
    room's steps (nothing is taken before "📤 Send")."""
    record = await room.load(ctx, asked.target)
    move = await room.find(ctx, record, asked.key)
    if move is None:
        await room.moved(ctx, record)
        return
    phase = asked.carry.get("phase")
    draft = Draft(room.kind, asked.target, move.key, expected=room.status(record),
                  phase=phase if isinstance(phase, str) else None)  # fmt: skip
    if move.needs == Needs.NOTE:
        await room.steps.chosen(ctx, replace(draft, note=text))
        return
    read = await room.read(ctx, record, move, draft, text)
    if read is None:  # the room said why: asked again
        carry = {k: v for k, v in asked.carry.items() if k != "machine"}
        await ask(ctx, room, record, move, carry)
        return
    draft, amount, as_typed = read
    await settle_amount(ctx, draft, amount, as_typed, room.steps.chosen)


async def change(ctx: Context, room: Room, draft: Draft) -> bool:
    """ "✏️ Change": what the move needs is asked again (the choice made kept); False if the
    move is no longer possible."""
    record = await room.load(ctx, draft.target)
    return await press(ctx, room, record, draft.key, {"phase": draft.phase} if draft.phase else {})


def notes(rooms: Mapping[str, Room]) -> dict[Purpose, NoteHandler]:
    """The note of every move, whichever room's (the room's name is stored with it)."""

    async def note(ctx: Context, asked: Asked, text: str) -> None:
        room = rooms.get(str(asked.carry.get("machine", "")))
        if room is not None:
            await typed(ctx, room, asked, text)

    return {Purpose.MOVE: note}
