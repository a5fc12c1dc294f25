"""`handlers.build_router()` is the whole list of entry points: what each awaited note does is
wired there (no import-time registry), and a purpose left without a handler fails at once."""

import pytest

from bot.conversation.notes import Purpose, asked_of
from handlers import build_router, notes


def test_a_note_purpose_without_a_handler_is_refused_when_the_router_is_built() -> None:
    async def anything(*args: object) -> None:
        return None

    every = {purpose: anything for purpose in Purpose}
    notes.router(every)
    del every[Purpose.WRITE_CITY]
    with pytest.raises(ValueError, match="write_city"):
        notes.router(every)


def test_the_root_router_wires_every_note_purpose() -> None:
    build_router()  # raises if a purpose has no handler


def test_what_was_asked_is_read_back_from_the_stored_state() -> None:
    stored = {"purpose": "move", "target": 7, "key": "reject"}
    purpose, asked = asked_of(stored) or (None, None)
    assert purpose == Purpose.MOVE and asked is not None
    assert (asked.target, asked.key, asked.detail, asked.carry) == (7, "reject", None, {})
    carried = {"purpose": "move", "target": 3, "key": "propose", "carry": {"phase": "recovery"}}
    assert asked_of(carried)[1].carry == {"phase": "recovery"}  # type: ignore[index]
    assert asked_of({"purpose": "move:reject", "target": 7}) is None  # an unknown purpose
    assert asked_of({"purpose": "move", "target": "7"}) is None  # forged or damaged
