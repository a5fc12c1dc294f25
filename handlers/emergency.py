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
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.domain.answers import AnswerError
from bot.domain.decisions import EMERGENCY, Draft, emergency_concerns, foreseen_emergency
from bot.domain.emergency import (
    MOVES,
    PHASES,
    Emergency,
    EmergencyStatus,
    find_emergency_move,
)
from bot.domain.emergency_form import EMERGENCY_FORM
from bot.domain.fund_form import CURRENCIES
from bot.domain.machine import Move, Needs
from bot.domain.numbers import NumberError, read_money
from bot.domain.records import Record
from bot.domain.sitrep_form import SITREP_FORM
from bot.notify import emergencies as notify
from bot.screens.base import Screen
from bot.screens.common import locale
from bot.screens.decisions import Foreseen, emergency_intro, preview_screens
from bot.screens.emergency import (
    alert_text,
    city_emergency_screen,
    emergencies_screen,
    emergency_status_label,
    merged_text,
    phase_markup,
    presidency_markup,
    received_text,
    sitrep_markup,
    sitrep_sent_text,
)
from bot.screens.errors import refusal
from bot.screens.home import no_longer_possible
from bot.services.emergencies import Emergencies
from bot.telegram.callbacks import Alert
from bot.telegram.context import Context
from bot.telegram.filters import PrivateChat
from bot.telegram.states import Flow
from handlers import actions
from handlers.decisions import DraftSteps, confirm, preview
from handlers.inputs import today
from handlers.moves import Read, Room
from handlers.moves import ask as ask_move
from handlers.notes import Asked, NoteHandler, Purpose, ask_note
from handlers.replies import show_position


async def open_report(ctx: Context) -> None:
    """A new emergency report, answered through the questionnaire like a dossier. Someone not
    registered is asked only their city, name and phone first."""
    if not ctx.person.may_report:
        await ctx.send(
            Screen(_("To report an emergency, first tell me your city, your name and a phone."))
        )
        await actions.begin_registration(ctx, then="emergency", short=True)
        return
    if await actions.refused_here(ctx):
        return
    record = await ctx.dossiers.open_new(EMERGENCY_FORM)
    if record is None:
        await actions.refused_here(ctx)
        return
    await ctx.fsm.set_state(Flow.dossier)
    intro = _(
        "🚨 Emergency report. Five answers are enough to send it: the event, when, where, the "
        "people affected and a description; “🚨 Send now” appears as soon as they are there."
    )
    await show_position(ctx, record, prefix=intro)


def _woken(ctx: Context) -> None:
    ctx.wake_scheduler()


async def send_now(ctx: Context, record: Record) -> None:
    """Send the report (its reference, the urgent alert, "received" for the city), or a
    situation report."""
    if record.form.key == SITREP_FORM.key:
        await _send_sitrep(ctx, record)
        return
    emergency = await ctx.emergencies.send(record, today())
    if emergency is None:
        sent = await ctx.emergencies.get(record.id)
        if sent is not None and sent.status != EmergencyStatus.DRAFT:
            # Another official of the city sent it a moment ago: it went once, theirs.
            await ctx.fsm.clear()
            label = emergency_status_label(sent.status)
            await ctx.send(Screen(no_longer_possible(sent.record.reference, label)))
            await ctx.send(city_emergency_screen(sent))
            return
        await show_position(ctx, record)
        return
    _woken(ctx)
    await ctx.fsm.clear()
    reference = emergency.record.reference or ""
    if emergency.record.id != record.id:  # added to the emergency already open
        text = merged_text(reference, emergency.sitreps)
        await ctx.send(Screen(text, sitrep_markup(emergency.record.id)))
        return
    await ctx.send(Screen(received_text(reference), sitrep_markup(emergency.record.id)))


async def _send_sitrep(ctx: Context, record: Record) -> None:
    emergency = await ctx.emergencies.send_sitrep(record)
    if emergency is None:
        now = await ctx.dossiers.load(record.id, files=False)
        parent = await ctx.emergencies.sitrep_parent(record)
        if now is not None and parent is not None and now.status != EmergencyStatus.DRAFT:
            # Another official of the city sent this report a moment ago: it went once.
            await ctx.fsm.clear()
            await ctx.send(city_emergency_screen(parent))
            await ctx.send(Screen(sitrep_sent_text(parent.record.reference or "")))
            return
        await show_position(ctx, record)
        return
    _woken(ctx)
    await ctx.fsm.clear()
    await ctx.send(city_emergency_screen(emergency))
    await ctx.send(Screen(sitrep_sent_text(emergency.record.reference or "")))


async def show_to_city(ctx: Context, record: Record) -> bool:
    """A sent emergency (or one of its situation reports) as the city sees it; False if it is
    not one."""
    emergency = None
    if record.form.key == EMERGENCY_FORM.key:
        emergency = await ctx.emergencies.get(record.id)
    elif record.form.key == SITREP_FORM.key:
        emergency = await ctx.emergencies.sitrep_parent(record)
    if emergency is None or emergency.status == EmergencyStatus.DRAFT:
        return False
    await ctx.send(city_emergency_screen(emergency))
    return True


async def _emergency(ctx: Context, emergency_id: int) -> Emergency:
    """The emergency, as this person may see it; refused otherwise (not theirs: the glue,
    bot/telegram/refusals.py, says so)."""
    return await ctx.emergencies.visible(emergency_id)


async def _ask(ctx: Context, asked: Asked, text: str) -> None:
    """A question to the city (staff, or the Presidency): to every official, each in their
    language; the Presidency's is shown in both alert chats too."""
    await ctx.emergencies.ask(asked.target, text)  # refused: the glue says why
    await ctx.send(Screen(_("✔ Your question was sent to the city.")))


async def _answer(ctx: Context, asked: Asked, text: str) -> None:
    """The city's answer: to both alert chats on the alert's thread, each in its language, and
    to the Presidency once it has the case."""
    await ctx.emergencies.answer(asked.target, text)  # refused: the glue says why
    await ctx.send(Screen(_("✔ Your answer was sent to the Secretariat and the commission.")))


def _unread(error: NumberError, heading: str) -> Screen:
    """Why an amount typed for emergency aid was not taken."""
    reason = refusal(AnswerError(f"number_{error.code}", **error.details))
    return Screen("⚠️ " + heading + "\n" + reason)


async def _read(ctx: Context, emergency: Emergency, move: Move, draft: Draft, text: str) -> Read:
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
        await ctx.send(_unread(error, heading))
        return None
    draft = replace(draft, currency=typed.currency, note=typed.rest if rest else draft.note)
    return draft, typed.amount, typed.typed


async def _choose(ctx: Context, emergency: Emergency, move: Move, carry: dict[str, Any]) -> bool:
    """A proposal's phase is chosen with buttons first (each presses "propose" again, with it)."""
    if move.needs != Needs.PROPOSAL or carry.get("phase"):
        return False
    question = _("Phase of the aid proposed for {reference}?").format(
        reference=emergency.record.reference or ""
    )
    await ctx.send(Screen(question, phase_markup(emergency.record.id)))
    return True


async def _find(ctx: Context, emergency: Emergency, key: str) -> Move | None:
    return find_emergency_move(emergency.status, key, ctx.role, False)


async def _preview_first(ctx: Context, emergency: Emergency, move: Move) -> bool:
    """ "🏅 Approve" needs nothing, and is seen before it goes like every decision."""
    return False


def room() -> Room:
    """What the one move handler (handlers/moves.py) needs of the emergencies."""
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


async def _stale(ctx: Context, emergency: Emergency) -> None:
    label = emergency_status_label(emergency.status)
    await ctx.send(Screen(no_longer_possible(emergency.record.reference or "", label)))


def _asked(emergency: Emergency) -> Decimal | None:
    try:
        return emergency.record.read().asked
    except (KeyError, InvalidOperation):
        return None


async def _chosen(ctx: Context, draft: Draft) -> None:
    """A proposal, a decision of the Presidency or a closing, ready: its amount checked against
    what the city asked (confirmed once more if it looks wrong), then what the city will read."""
    emergency = await _emergency(ctx, draft.target)
    move = find_emergency_move(emergency.status, draft.key, ctx.role, False)
    if move is None or emergency.status != draft.expected:
        await _stale(ctx, emergency)
        return
    if draft.amount is not None and draft.currency and not draft.confirmed:
        asked, asked_currency = _asked(emergency), emergency.record.currency
        concerns = emergency_concerns(draft.amount, draft.currency, asked, asked_currency)
        if concerns:
            await confirm(ctx, draft, concerns)
            return
    after = foreseen_emergency(emergency, draft, ctx.person.name)
    if after is None:
        await _stale(ctx, emergency)
        return
    foreseen = [Foreseen(*told) for told in notify.foreseen(after, draft.key, ctx.audience.voice)]
    intro = emergency_intro(emergency, draft)
    await preview(ctx, draft, lambda token: preview_screens(intro, foreseen, token))


async def _send(ctx: Context, draft: Draft) -> None:
    """Send (“📤 Send”): the move, from the status the preview showed; a stale one changes
    nothing and says so."""
    emergencies, key, target = ctx.emergencies, draft.key, draft.target
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
    await ctx.send(Screen(confirmation))


async def _change(ctx: Context, draft: Draft) -> None:
    """Change (“✏️ Change”): what was typed is asked again (the Presidency's choices, for
    “Approve”)."""
    emergency = await _emergency(ctx, draft.target)
    found = find_emergency_move(emergency.status, draft.key, ctx.role, False)
    if found is None or found.needs == Needs.NOTHING:
        reference = emergency.record.reference or ""
        await ctx.send(
            Screen(
                _("🏛 Emergency aid to decide: {reference}").format(reference=reference),
                presidency_markup(emergency),
            )
        )
        return
    await ask_move(ctx, room(), emergency, found, {"phase": draft.phase} if draft.phase else {})


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


async def _pressed(query: CallbackQuery, ctx: Context, emergency_id: int, action: str) -> None:
    """A button of an alert card, of the Presidency's card or of a message to the city. A move
    is looked up again in the table (the presser's right, the status now) and the use case
    checks both once more; the buttons that move nothing are the table below. A stale or
    forged one is refused: the glue says why."""
    action = ALIASES.get(action, action)
    if action == "ack":
        await ctx.emergencies.acknowledge(emergency_id)
        await query.answer(_("✅ Acknowledged."))
        return
    emergency = await ctx.emergencies.visible(emergency_id)
    phase = {f"ph_{c.value}": c.value for c in PHASES}.get(action, "")
    found = find_emergency_move(emergency.status, "propose" if phase else action, ctx.role, False)
    if found is not None:
        await query.answer()
        await ask_move(ctx, room(), emergency, found, {"phase": phase} if phase else {})
        return
    other = OTHERS.get(action)
    if other is None or not other.may(ctx.emergencies, emergency):
        raise ctx.emergencies.refused(emergency)
    await other.take(ctx, emergency)  # refused meanwhile: the glue answers the button
    await query.answer()


async def _question(ctx: Context, emergency: Emergency) -> None:
    prompt = _("Your question to the city about {reference}?")
    await ask_note(ctx, Purpose.EMERGENCY_ASK, emergency.record.id, _fill(prompt, emergency))


async def _reply(ctx: Context, emergency: Emergency) -> None:
    prompt = _("Your answer about {reference}?")
    await ask_note(ctx, Purpose.EMERGENCY_ANSWER, emergency.record.id, _fill(prompt, emergency))


async def _sitrep(ctx: Context, emergency: Emergency) -> None:
    record = await ctx.emergencies.open_sitrep(emergency.record.id)
    await ctx.fsm.set_state(Flow.dossier)
    intro = _(
        "📊 Situation report on {reference}. Answer what changed, skip the rest; "
        "“🚨 Send now” sends it."
    )
    await show_position(ctx, record, prefix=_fill(intro, emergency))


def _fill(text: str, emergency: Emergency) -> str:
    return text.format(reference=emergency.record.reference or "")


@dataclass(frozen=True)
class Other:
    """A button of a card that moves nothing: who may press it now, and what it does."""

    may: Callable[[Emergencies, Emergency], bool]
    take: Callable[[Context, Emergency], Awaitable[None]]


OTHERS = {
    "ask": Other(Emergencies.may_ask, _question),
    "answer": Other(Emergencies.may_answer, _reply),
    "sitrep": Other(Emergencies.may_report, _sitrep),
}


def router() -> Router:
    r = Router(name="emergency")

    @r.message(Command("emergency"), PrivateChat())
    async def emergency(message: Message, ctx: Context) -> None:
        """Report an emergency (the short registration first if needed)."""
        await open_report(ctx)

    @r.message(Command("emergencies"))
    async def emergencies(message: Message, command: CommandObject, ctx: Context) -> None:
        """Staff and the Presidency: emergencies with their timelines; `/emergencies FU-2026-0001`:
        that one's whole report (where a card shortened for Telegram points to)."""
        if command.args:  # refused (none, or not theirs to see): the glue says so
            await ctx.send(Screen(alert_text(await ctx.emergencies.by_reference(command.args))))
            return
        await ctx.send(*emergencies_screen(await ctx.emergencies.listed()))

    @r.callback_query(Alert.filter())
    async def alert(query: CallbackQuery, callback_data: Alert, ctx: Context) -> None:
        await _pressed(query, ctx, callback_data.emergency, callback_data.action)

    return r
