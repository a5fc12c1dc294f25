"""The emergency report: `/emergency` (and the home screen's button) for a city official, "🚨 Send
now", the urgent alert to the Secretariat's and the commission's chats, "✅ Acknowledge",
"❓ Ask the city", "💶 Propose aid", "🔒 Close"; the Presidency's "🏅 Approve", "💶 Approve another
amount", "✖ Reject", "❓ Ask for information"; the city's situation reports; /emergencies."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.conversation.decisions import DraftSteps, confirm, preview
from bot.conversation.emergency_report import open_report
from bot.conversation.moves import Read, Room
from bot.conversation.moves import ask as ask_move
from bot.conversation.notes import Asked, NoteHandler, Purpose, ask_note
from bot.conversation.position import show_position
from bot.domain.answers import AnswerError
from bot.domain.decisions import EMERGENCY, Draft, emergency_concerns, foreseen_emergency
from bot.domain.emergency import (
    MOVES,
    PHASES,
    Emergency,
    find_emergency_move,
)
from bot.domain.fund_form import CURRENCIES
from bot.domain.machine import Move, Needs
from bot.domain.numbers import NumberError, read_money
from bot.domain.rules import FundingRules
from bot.notify import emergencies as notify
from bot.notify.readers import Audience
from bot.screens.base import Screen
from bot.screens.common import locale
from bot.screens.decisions import Foreseen, emergency_intro, preview_screens
from bot.screens.emergency import (
    alert_text,
    emergencies_screen,
    emergency_status_label,
    phase_markup,
    presidency_markup,
)
from bot.screens.errors import refusal
from bot.screens.home import no_longer_possible
from bot.services.acting import Acting
from bot.services.dossiers import Dossiers
from bot.services.emergencies import Emergencies
from bot.services.people import Profiles
from bot.telegram.callbacks import Alert
from bot.telegram.filters import PrivateChat
from bot.telegram.inject import Inject
from bot.telegram.reply import Reply
from bot.telegram.states import Flow


async def _emergency(emergency_id: int, *, emergencies: Emergencies) -> Emergency:
    """The emergency, as this person may see it; refused otherwise (not theirs: the glue,
    bot/telegram/refusals.py, says so)."""
    return await emergencies.visible(emergency_id)


async def _ask(asked: Asked, text: str, *, reply: Reply, emergencies: Emergencies) -> None:
    """A question to the city (staff, or the Presidency): to every official, each in their
    language; the Presidency's is shown in both alert chats too."""
    await emergencies.ask(asked.target, text)  # refused: the glue says why
    await reply.send(Screen(_("✔ Your question was sent to the city.")))


async def _answer(asked: Asked, text: str, *, reply: Reply, emergencies: Emergencies) -> None:
    """The city's answer: to both alert chats on the alert's thread, each in its language, and
    to the Presidency once it has the case."""
    await emergencies.answer(asked.target, text)  # refused: the glue says why
    await reply.send(Screen(_("✔ Your answer was sent to the Secretariat and the commission.")))


def _unread(error: NumberError, heading: str) -> Screen:
    """Why an amount typed for emergency aid was not taken."""
    reason = refusal(AnswerError(f"number_{error.code}", **error.details))
    return Screen("⚠️ " + heading + "\n" + reason)


async def _read(emergency: Emergency, move: Move, draft: Draft, text: str, *, reply: Reply) -> Read:
    """An amount typed for a move: a proposal's amount, currency and purpose (after its phase),
    or another amount approved, in the proposal's currency unless another is named."""
    if move.needs == Needs.PROPOSAL:
        heading = _("I could not read an amount, a currency and a purpose.")
        currencies, default, rest = CURRENCIES, None, True
    else:
        heading = _("I could not read an amount and one of the Fund's currencies.")
        proposal = emergency.proposal
        currencies, default, rest = CURRENCIES, proposal.currency if proposal else None, False
    try:
        typed = read_money(text, locale(), currencies, default=default, rest=rest)
    except NumberError as error:
        await reply.send(_unread(error, heading))
        return None
    draft = replace(draft, currency=typed.currency, note=typed.rest if rest else draft.note)
    return draft, typed.amount, typed.typed


async def _choose(emergency: Emergency, move: Move, carry: dict[str, Any], *, reply: Reply) -> bool:
    """A proposal's phase is chosen with buttons first (each presses "propose" again, with it)."""
    if move.needs != Needs.PROPOSAL or carry.get("phase"):
        return False
    question = _("Phase of the aid proposed for {reference}?").format(
        reference=emergency.record.reference or ""
    )
    await reply.send(Screen(question, phase_markup(emergency.record.id)))
    return True


async def _find(emergency: Emergency, key: str, *, acting: Acting) -> Move | None:
    return find_emergency_move(emergency.status, key, acting.role, False)


async def _preview_first(emergency: Emergency, move: Move) -> bool:
    """ "🏅 Approve" needs nothing, and is seen before it goes like every decision."""
    return False


def room() -> Room:
    """What the one move handler (bot/conversation/moves.py) needs of the emergencies."""
    return Room(
        name="emergency",
        kind=EMERGENCY,
        steps=steps(),
        load=_emergency,
        target=lambda emergency: emergency.record.id,
        find=_find,
        status=lambda emergency: emergency.status,
        facts=lambda emergency: {"reference": emergency.record.reference or ""},
        moved=_stale,
        choose=_choose,
        read=_read,
        take_now=_preview_first,
    )


def _amount_prompt(reference: str) -> str:
    other = next(m for m in MOVES if m.key == "other")
    return _(other.prompt).format(reference=reference)


async def _stale(emergency: Emergency, *, reply: Reply) -> None:
    label = emergency_status_label(emergency.status)
    await reply.send(Screen(no_longer_possible(emergency.record.reference or "", label)))


def _asked(emergency: Emergency) -> Decimal | None:
    try:
        return emergency.record.read().asked
    except (KeyError, InvalidOperation):
        return None


async def _chosen(
    draft: Draft,
    *,
    acting: Acting,
    reply: Reply,
    state: FSMContext,
    emergencies: Emergencies,
    audience: Audience,
) -> None:
    """A proposal, a decision of the Presidency or a closing, ready: its amount checked against
    what the city asked (confirmed once more if it looks wrong), then what the city will read."""
    emergency = await _emergency(draft.target, emergencies=emergencies)
    move = find_emergency_move(emergency.status, draft.key, acting.role, False)
    if move is None or emergency.status != draft.expected:
        await _stale(emergency, reply=reply)
        return
    if draft.amount is not None and draft.currency and not draft.confirmed:
        asked, asked_currency = _asked(emergency), emergency.record.currency
        concerns = emergency_concerns(draft.amount, draft.currency, asked, asked_currency)
        if concerns:
            await confirm(draft, concerns, reply=reply, state=state)
            return
    after = foreseen_emergency(emergency, draft, acting.person.name)
    if after is None:
        await _stale(emergency, reply=reply)
        return
    foreseen = [Foreseen(*told) for told in notify.foreseen(after, draft.key, audience.voice)]
    intro = emergency_intro(emergency, draft)
    await preview(
        draft, lambda token: preview_screens(intro, foreseen, token), reply=reply, state=state
    )


async def _send(draft: Draft, *, reply: Reply, emergencies: Emergencies) -> None:
    """Send (“📤 Send”): the move, from the status the preview showed; a stale one changes
    nothing and says so."""
    emergencies, key, target = emergencies, draft.key, draft.target
    if key == "propose":
        await emergencies.propose(
            target,
            draft.amount or Decimal(0),  # none: refused as incomplete
            draft.currency or "",
            draft.phase or "",
            draft.note or "",
            expected=draft.expected,
        )
        confirmation = _("✔ Your proposal was sent to the Presidency.")
    elif key in ("approve", "reject", "other"):
        amount = (draft.amount, draft.currency) if key == "other" and draft.amount else None
        await emergencies.decide(target, key, draft.note, amount, expected=draft.expected)
        confirmation = _("✔ Decision recorded; the city is told.")
    else:
        await emergencies.close(target, draft.note or "", expected=draft.expected)
        confirmation = _("✔ The emergency is closed; the city is told.")
    # A stale one was refused above (StatusRefused): nothing recorded, the glue says so.
    await reply.send(Screen(confirmation))


async def _change(
    draft: Draft,
    *,
    acting: Acting,
    reply: Reply,
    state: FSMContext,
    inject: Inject,
    emergencies: Emergencies,
) -> None:
    """Change (“✏️ Change”): what was typed is asked again (the Presidency's choices, for
    “Approve”)."""
    emergency = await _emergency(draft.target, emergencies=emergencies)
    found = find_emergency_move(emergency.status, draft.key, acting.role, False)
    if found is None or found.needs == Needs.NOTHING:
        reference = emergency.record.reference or ""
        await reply.send(
            Screen(
                _("🏛 Emergency aid to decide: {reference}").format(reference=reference),
                presidency_markup(emergency),
            )
        )
        return
    await ask_move(
        room(),
        emergency,
        found,
        {"phase": draft.phase} if draft.phase else {},
        reply=reply,
        state=state,
        inject=inject,
    )


def steps() -> DraftSteps:
    """A proposal, a decision of the Presidency or a closing, seen before it goes."""
    return DraftSteps(_chosen, _send, _change)


def notes() -> dict[Purpose, NoteHandler]:
    return {
        Purpose.EMERGENCY_ASK: _ask,
        Purpose.EMERGENCY_ANSWER: _answer,
    }


# The card's buttons name the table's moves; cards sent before it named this one "prop".
ALIASES = {"prop": "propose"}


async def _pressed(
    query: CallbackQuery,
    emergency_id: int,
    action: str,
    *,
    acting: Acting,
    reply: Reply,
    state: FSMContext,
    inject: Inject,
    emergencies: Emergencies,
) -> None:
    """A button of an alert card, of the Presidency's card or of a message to the city. A move
    is looked up again in the table (the presser's right, the status now) and the use case
    checks both once more; the buttons that move nothing are the table below. A stale or
    forged one is refused: the glue says why."""
    action = ALIASES.get(action, action)
    if action == "ack":
        await emergencies.acknowledge(emergency_id)
        await query.answer(_("✅ Acknowledged."))
        return
    emergency = await emergencies.visible(emergency_id)
    phase = {f"ph_{c.value}": c.value for c in PHASES}.get(action, "")
    found = find_emergency_move(
        emergency.status, "propose" if phase else action, acting.role, False
    )
    if found is not None:
        await query.answer()
        await ask_move(
            room(),
            emergency,
            found,
            {"phase": phase} if phase else {},
            reply=reply,
            state=state,
            inject=inject,
        )
        return
    other = OTHERS.get(action)
    if other is None or not other.may(emergencies, emergency):
        raise emergencies.refused(emergency)
    await inject(other.take, emergency)  # refused meanwhile: the glue answers the button
    await query.answer()


async def _question(emergency: Emergency, *, reply: Reply, state: FSMContext) -> None:
    prompt = _("Your question to the city about {reference}?")
    await ask_note(
        Purpose.EMERGENCY_ASK,
        emergency.record.id,
        _fill(prompt, emergency),
        reply=reply,
        state=state,
    )


async def _reply(emergency: Emergency, *, reply: Reply, state: FSMContext) -> None:
    prompt = _("Your answer about {reference}?")
    await ask_note(
        Purpose.EMERGENCY_ANSWER,
        emergency.record.id,
        _fill(prompt, emergency),
        reply=reply,
        state=state,
    )


async def _sitrep(
    emergency: Emergency,
    *,
    acting: Acting,
    reply: Reply,
    state: FSMContext,
    emergencies: Emergencies,
    rules: FundingRules,
) -> None:
    record = await emergencies.open_sitrep(emergency.record.id)
    await state.set_state(Flow.dossier)
    intro = _(
        "📊 Situation report on {reference}. Answer what changed, skip the rest; "
        "“🚨 Send now” sends it."
    )
    await show_position(
        record, prefix=_fill(intro, emergency), acting=acting, reply=reply, rules=rules
    )


def _fill(text: str, emergency: Emergency) -> str:
    return text.format(reference=emergency.record.reference or "")


@dataclass(frozen=True)
class Other:
    """A button of a card that moves nothing: who may press it now, and what it does."""

    may: Callable[[Emergencies, Emergency], bool]
    take: Callable[..., Awaitable[None]]


OTHERS = {
    "ask": Other(Emergencies.may_ask, _question),
    "answer": Other(Emergencies.may_answer, _reply),
    "sitrep": Other(Emergencies.may_report, _sitrep),
}


def router() -> Router:
    r = Router(name="emergency")

    @r.message(Command("emergency"), PrivateChat())
    async def emergency(
        message: Message,
        *,
        acting: Acting,
        reply: Reply,
        state: FSMContext,
        dossiers: Dossiers,
        profiles: Profiles,
        rules: FundingRules,
    ) -> None:
        """Report an emergency (the short registration first if needed)."""
        await open_report(
            acting=acting,
            reply=reply,
            state=state,
            dossiers=dossiers,
            profiles=profiles,
            rules=rules,
        )

    @r.message(Command("emergencies"))
    async def emergencies(
        message: Message, command: CommandObject, *, reply: Reply, emergencies: Emergencies
    ) -> None:
        """Staff and the Presidency: emergencies with their timelines; `/emergencies FU-2026-0001`:
        that one's whole report (where a card shortened for Telegram points to)."""
        if command.args:  # refused (none, or not theirs to see): the glue says so
            await reply.send(Screen(alert_text(await emergencies.by_reference(command.args))))
            return
        await reply.send(*emergencies_screen(await emergencies.listed()))

    @r.callback_query(Alert.filter())
    async def alert(
        query: CallbackQuery,
        callback_data: Alert,
        *,
        acting: Acting,
        reply: Reply,
        state: FSMContext,
        inject: Inject,
        emergencies: Emergencies,
    ) -> None:
        await _pressed(
            query,
            callback_data.emergency,
            callback_data.action,
            acting=acting,
            reply=reply,
            state=state,
            inject=inject,
            emergencies=emergencies,
        )

    return r
