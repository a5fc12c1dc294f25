"""A note asked for in a chat: the next message of the person who was asked, in that chat, is it
(a reason for a refusal, what must change in a dossier, a message to a city). `/cancel` leaves.

A flow asks with `ask_note(Purpose.X, target, prompt, reply=…, state=…)`; what each purpose does
with the text is wired in `handlers.build_router()` (`router(handlers)`, one handler per
`Purpose`, each module's `notes()`, called through `inject`). The purpose and what it is about
(`Asked`: the target, the move's key, a detail the button showed, what a note asked mid-way
carries) are stored in the conversation state, so a restart between the question and the answer
loses nothing. The handler re-checks the right to act when the note arrives, as for a button.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.utils.i18n import gettext as _

from bot.screens.base import Screen
from bot.telegram.reply import Reply
from bot.telegram.states import Flow

MAX_NOTE = 3000  # a message with its heading stays under Telegram's 4096 characters


class Purpose(StrEnum):
    """What an awaited note is for (its value is stored in the conversation state)."""

    MOVE = "move"  # what a move needs, typed (`key`: the move; `carry`: its machine, a choice)
    FIX_REASON = "fix_reason"  # a correction's reason, once its amount is known (`carry`)
    WRITE_CITY = "write_city"  # staff's message to a dossier's city
    WRITE_STAFF = "write_staff"  # the city's message to the Secretariat
    EMERGENCY_ASK = "em_ask"  # a question to the city (staff, the Presidency)
    EMERGENCY_ANSWER = "em_answer"  # the city's answer
    REFUSE_REGISTRATION = "refuse_registration"  # why (`detail`: the city the card showed)
    STAFF_GRANT = "staff_grant"  # whom to give a role (a Telegram id)
    INVITE_CITY = "invite_city"  # the city an invite link is for
    CITY_ADD = "city_add"  # a member city, as a CSV row
    CITY_NAME = "city_name"
    CITY_COUNTRY = "city_country"
    CITY_ALIASES = "city_aliases"
    SESSION_BUDGET = "session_budget"  # a Bureau session's budget
    GRANT_MOVE = "grant_move"  # what a project's or a tranche's move needs (`carry`)
    REPORT_RETURN = "report_return"  # the items of a report returned and the message (`carry`)
    GRANT_PAY = "grant_pay"  # a tranche's payment: date, amount, bank reference (`carry`)
    GRANT_DIFF_AMOUNT = "grant_diff_amount"  # the amount the city received instead (`carry`)
    GRANT_DIFF_NOTE = "grant_diff_note"  # why it differs (`carry`)


@dataclass(frozen=True)
class Asked:
    """What the note is about, as the flow that asked said."""

    target: int  # the dossier, emergency, person, city or session (0: none)
    key: str = ""  # the move, for a move's note
    detail: int | None = None  # a second number the button showed, checked again on arrival
    carry: dict[str, Any] = field(default_factory=dict)  # what a note asked mid-way carries


NoteHandler = Callable[..., Awaitable[None]]


async def ask_note(
    purpose: Purpose,
    target: int,
    prompt: str,
    *,
    key: str = "",
    detail: int | None = None,
    carry: dict[str, Any] | None = None,
    reply: Reply,
    state: FSMContext,
) -> None:
    await state.set_state(Flow.note)
    data: dict[str, Any] = {"purpose": purpose.value, "target": target, "key": key}
    if detail is not None:
        data["detail"] = detail
    if carry:
        data["carry"] = carry
    await state.set_data(data)
    hint = _("Write it in one message (/cancel to leave it).")
    await reply.send(Screen(prompt + "\n\n<i>" + hint + "</i>"))


def asked_of(data: dict[str, Any]) -> tuple[Purpose, Asked] | None:
    """What the stored state says was asked; None if it is not a note's (an older bot's)."""
    try:
        purpose = Purpose(data.get("purpose", ""))
    except ValueError:
        return None
    target, key, detail = data.get("target"), data.get("key", ""), data.get("detail")
    carry = data.get("carry") or {}
    if not isinstance(target, int) or not isinstance(key, str) or not isinstance(carry, dict):
        return None
    return purpose, Asked(target, key, detail if isinstance(detail, int) else None, carry)
