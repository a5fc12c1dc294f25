"""The emergency report: `/emergency` (and the home screen's button) for a city official, "🚨 Send
now", the urgent alert to the Secretariat's and the commission's chats, "✅ Acknowledge",
"❓ Ask the city", "💶 Propose aid", "🔒 Close"; the Presidency's "🏅 Approve", "💶 Approve another
amount", "✖ Reject", "❓ Ask for information"; the city's situation reports; /emergencies."""

import re
from collections.abc import Callable
from decimal import Decimal

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.domain.emergency import OPEN, PHASES, Emergency, EmergencyStatus, Outgoing
from bot.domain.emergency_form import EMERGENCY_FORM
from bot.domain.fund_form import CURRENCIES
from bot.domain.numbers import NumberError, parse_amount
from bot.domain.records import Record
from bot.domain.sitrep_form import SITREP_FORM
from bot.screens.base import Screen
from bot.screens.common import locale
from bot.screens.emergency import (
    acknowledged_text,
    alert_text,
    answer_markup,
    answer_to_staff,
    city_closed,
    city_decided,
    city_emergency_screen,
    city_proposed,
    emergencies_screen,
    emergency_status_label,
    phase_markup,
    presidency_asks,
    question_to_city,
    received_text,
    sitrep_markup,
    sitrep_sent_text,
    sitrep_text,
)
from bot.telegram.callbacks import Alert
from bot.telegram.context import Context
from bot.telegram.filters import PrivateChat
from bot.telegram.states import Flow
from handlers import actions
from handlers.inputs import today
from handlers.notes import ask_note, note_purpose
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
    await ctx.fsm.set_state(Flow.dossier)
    record = await ctx.dossiers.open_new(EMERGENCY_FORM)
    intro = _(
        "🚨 Emergency report. Five answers are enough to send it: the event, when, where, the "
        "people affected and a description; “🚨 Send now” appears as soon as they are there."
    )
    await show_position(ctx, record, prefix=intro)


def _woken(ctx: Context) -> None:
    ctx.outbox.wake()
    ctx.wake_scheduler()


async def send_now(ctx: Context, record: Record) -> None:
    """Send the report (its reference, the urgent alert, "received" for the city), or a
    situation report."""
    if record.form.key == SITREP_FORM.key:
        await _send_sitrep(ctx, record)
        return
    me = ctx.person.telegram_id

    def render(emergency: Emergency) -> list[Outgoing]:
        others = [p for p in emergency.officials if p.telegram_id != me]
        reference = emergency.record.reference or ""
        return ctx.alerts.alert(emergency) + ctx.alerts.to_city(
            others, lambda: received_text(reference)
        )

    emergency = await ctx.emergencies.send(record, today(), render)
    if emergency is None:
        await show_position(ctx, record)
        return
    _woken(ctx)
    await ctx.fsm.clear()
    reference = emergency.record.reference or ""
    await ctx.send(Screen(received_text(reference), sitrep_markup(emergency.record.id)))


async def _send_sitrep(ctx: Context, record: Record) -> None:
    name = ctx.person.name

    def render(emergency: Emergency, report: Record, known: dict) -> list[Outgoing]:
        messages = ctx.alerts.cards(emergency)  # the count of situation reports
        messages += ctx.alerts.to_chats(lambda: sitrep_text(emergency, report, known, name))
        for chat, _language in ctx.alerts.chats():
            messages += ctx.alerts.photos(chat, report.files)
        return messages

    emergency = await ctx.emergencies.send_sitrep(record, render)
    if emergency is None:
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


async def _refuse(query: CallbackQuery) -> None:
    await query.answer(_("Sorry, this is not yours to do."), show_alert=True)


def _refused(ctx: Context) -> Screen:
    return Screen(_("Sorry, this is not yours to do."))


@note_purpose("em_ask")
async def _ask(ctx: Context, emergency_id: int, text: str) -> None:
    """A question to the city (staff, or the Presidency): to every official, each in their
    language; the Presidency's is shown in both alert chats too."""
    emergencies = ctx.emergencies
    if not (emergencies.is_staff or emergencies.is_presidency):
        await ctx.send(_refused(ctx))
        return
    presidency = emergencies.is_presidency and not emergencies.is_staff
    name = ctx.person.name

    def render(emergency: Emergency) -> list[Outgoing]:
        reference = emergency.record.reference or ""
        told = ctx.alerts.to_city(
            emergency.officials,
            lambda: question_to_city(reference, text),
            lambda: answer_markup(emergency.record.id),
        )
        if presidency:
            told += ctx.alerts.to_chats(lambda: presidency_asks(reference, name, text))
        return told

    emergency = await emergencies.message(emergency_id, text, render)
    if emergency is None:
        await ctx.send(Screen(_("This emergency is not available to you.")))
        return
    ctx.outbox.wake()
    await ctx.send(Screen(_("✔ Your question was sent to the city.")))


@note_purpose("em_answer")
async def _answer(ctx: Context, emergency_id: int, text: str) -> None:
    """The city's answer: to both alert chats on the alert's thread, each in its language, and
    to the Presidency once it has the case."""
    name = ctx.person.name

    def render(emergency: Emergency) -> list[Outgoing]:
        reference = emergency.record.reference or ""

        def shown() -> str:
            return answer_to_staff(reference, emergency.city, name, text)

        told = ctx.alerts.to_chats(shown)
        if emergency.proposal is not None:
            told += ctx.alerts.to_presidency(shown)
        return told

    emergency = await ctx.emergencies.get(emergency_id)
    if emergency is None or emergency.city_id != ctx.person.city_id:
        await ctx.send(Screen(_("This emergency is not available to you.")))
        return
    await ctx.emergencies.message(emergency_id, text, render)
    ctx.outbox.wake()
    await ctx.send(Screen(_("✔ Your answer was sent to the Secretariat and the commission.")))


AMOUNT_AND_PURPOSE = re.compile(
    r"^\s*([0-9][0-9\s.,'\u00a0\u202f]*?)\s*([A-Za-z]{3})\b[\s:,;—–-]*(.+)$", re.S
)
NUMBER = r"([0-9][0-9\s.,'\u00a0\u202f]*?)"
AMOUNT_ONLY = re.compile(  # "30000 EUR" or "EUR 30000"
    rf"^\s*(?:{NUMBER}\s*([A-Za-z]{{3}})|([A-Za-z]{{3}})\s*{NUMBER})\s*$"
)


def read_amount(number: str, currency: str) -> tuple[Decimal, str] | None:
    """An amount typed in the reader's locale, in one of the Fund's currencies."""
    currency = currency.upper()
    if currency not in CURRENCIES:
        return None
    try:
        value = parse_amount(number, locale(), currency).value
    except NumberError:
        return None
    return (Decimal(value), currency) if value > 0 else None


def _proposal_prompt(reference: str) -> str:
    return _(
        "The amount, its currency and the purpose of the aid for {reference}, in one message, "
        "e.g. “50000 EUR rebuilding the central market”."
    ).format(reference=reference)


async def _propose(ctx: Context, emergency_id: int, phase: str, text: str) -> None:
    match = AMOUNT_AND_PURPOSE.match(text)
    amount = read_amount(match.group(1), match.group(2)) if match else None
    if match is None or amount is None:
        await ctx.send(Screen("⚠️ " + _("I could not read an amount, a currency and a purpose.")))
        await ask_note(ctx, f"em_prop_{phase}", emergency_id, _proposal_prompt(""))
        return

    def render(emergency: Emergency) -> list[Outgoing]:
        told = ctx.alerts.to_city(emergency.officials, lambda: city_proposed(emergency))
        return ctx.alerts.cards(emergency) + ctx.alerts.presidency(emergency, new=True) + told

    done = await ctx.emergencies.propose(
        emergency_id, amount[0], amount[1], phase, match.group(3).strip(), render
    )
    if done is None:
        await ctx.send(_refused(ctx))
        return
    ctx.outbox.wake()
    await ctx.send(Screen(_("✔ Your proposal was sent to the Presidency.")))


for _phase in PHASES:

    def _bind(phase: str) -> None:
        @note_purpose(f"em_prop_{phase}")
        async def _note(ctx: Context, emergency_id: int, text: str) -> None:
            await _propose(ctx, emergency_id, phase, text)

    _bind(_phase.value)


def _everywhere(ctx: Context, tell: Callable[[Emergency], str]) -> Callable[..., list[Outgoing]]:
    """The cards in the three chats edited in place, and the city told in its language."""

    def render(emergency: Emergency) -> list[Outgoing]:
        told = ctx.alerts.to_city(emergency.officials, lambda: tell(emergency))
        return ctx.alerts.cards(emergency) + ctx.alerts.presidency(emergency) + told

    return render


async def _decided(ctx: Context, done: Emergency | None) -> None:
    if done is None:
        await ctx.send(_refused(ctx))
        return
    ctx.outbox.wake()
    await ctx.send(Screen(_("✔ Decision recorded; the city is told.")))


@note_purpose("em_reject")
async def _reject(ctx: Context, emergency_id: int, text: str) -> None:
    render = _everywhere(ctx, city_decided)
    await _decided(ctx, await ctx.emergencies.decide(emergency_id, "reject", text, render))


def _amount_prompt(reference: str) -> str:
    return _("The amount granted for {reference} and its currency, e.g. “30000 EUR”.").format(
        reference=reference
    )


@note_purpose("em_other")
async def _other_amount(ctx: Context, emergency_id: int, text: str) -> None:
    match = AMOUNT_ONLY.match(text)
    amount = None
    if match is not None:
        if match.group(1):
            amount = read_amount(match.group(1), match.group(2))
        else:
            amount = read_amount(match.group(4), match.group(3))
    if amount is None:
        await ctx.send(
            Screen("⚠️ " + _("I could not read an amount and one of the Fund's currencies."))
        )
        await ask_note(ctx, "em_other", emergency_id, _amount_prompt(""))
        return
    render = _everywhere(ctx, city_decided)
    done = await ctx.emergencies.decide(emergency_id, "other", None, render, amount)
    await _decided(ctx, done)


@note_purpose("em_close")
async def _close(ctx: Context, emergency_id: int, text: str) -> None:
    done = await ctx.emergencies.close(emergency_id, text, _everywhere(ctx, city_closed))
    if done is None:
        await ctx.send(_refused(ctx))
        return
    ctx.outbox.wake()
    await ctx.send(Screen(_("✔ The emergency is closed; the city is told.")))


PROPOSED = EmergencyStatus.PROPOSED


async def _pressed(query: CallbackQuery, ctx: Context, emergency_id: int, action: str) -> bool:
    """A button of an alert card, of the Presidency's card or of a message to the city; True if
    it was taken. The right and the status are checked here and again by the use case."""
    emergencies = ctx.emergencies
    if action == "ack":
        me = ctx.person.name

        def render(emergency: Emergency) -> list[Outgoing]:
            reference = emergency.record.reference or ""
            told = ctx.alerts.to_city(emergency.officials, lambda: acknowledged_text(reference, me))
            return ctx.alerts.cards(emergency) + told

        if await emergencies.acknowledge(emergency_id, render) is None:
            return False
        ctx.outbox.wake()
        await query.answer(_("✅ Acknowledged."))
        return True
    emergency = await emergencies.get(emergency_id)
    if emergency is None:
        return False
    reference = emergency.record.reference or ""
    status = emergency.status
    staff, presidency = emergencies.is_staff, emergencies.is_presidency
    of_the_city = emergency.city_id == ctx.person.city_id and not (staff or presidency)
    phases = {f"ph_{c.value}": c.value for c in PHASES}
    if action == "prop" and staff and status == EmergencyStatus.ACKNOWLEDGED:
        await query.answer()
        question = _("Phase of the aid proposed for {reference}?").format(reference=reference)
        await ctx.send(Screen(question, phase_markup(emergency_id)))
        return True
    if action in phases and staff and status == EmergencyStatus.ACKNOWLEDGED:
        await query.answer()
        await ask_note(ctx, f"em_prop_{phases[action]}", emergency_id, _proposal_prompt(reference))
        return True
    if action in ("approve", "other", "reject") and presidency and status == PROPOSED:
        if action == "approve":
            render = _everywhere(ctx, city_decided)
            if await emergencies.decide(emergency_id, "approve", None, render) is None:
                return False
            ctx.outbox.wake()
            await query.answer(_("🏅 Approved."))
            return True
        await query.answer()
        if action == "reject":
            prompt = _("Why is the aid for {reference} rejected?").format(reference=reference)
            await ask_note(ctx, "em_reject", emergency_id, prompt)
        else:
            await ask_note(ctx, "em_other", emergency_id, _amount_prompt(reference))
        return True
    if action == "ask" and (staff or presidency) and status in OPEN:
        await query.answer()
        prompt = _("Your question to the city about {reference}?").format(reference=reference)
        await ask_note(ctx, "em_ask", emergency_id, prompt)
        return True
    if action == "close" and staff and status in OPEN:
        await query.answer()
        prompt = _("Why is {reference} closed? A short note for the record and the city.").format(
            reference=reference
        )
        await ask_note(ctx, "em_close", emergency_id, prompt)
        return True
    if action == "answer" and of_the_city:
        await query.answer()
        prompt = _("Your answer about {reference}?").format(reference=reference)
        await ask_note(ctx, "em_answer", emergency_id, prompt)
        return True
    if action == "sitrep" and of_the_city and status in OPEN:
        record = await emergencies.open_sitrep(emergency_id)
        if record is None:
            return False
        await query.answer()
        await ctx.fsm.set_state(Flow.dossier)
        intro = _(
            "📊 Situation report on {reference}. Answer what changed, skip the rest; "
            "“🚨 Send now” sends it."
        ).format(reference=reference)
        await show_position(ctx, record, prefix=intro)
        return True
    return False


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
        if command.args:
            found = await ctx.emergencies.by_reference(command.args)
            if found is None:
                await ctx.send(Screen(_("No emergency you may see has this reference.")))
                return
            await ctx.send(Screen(alert_text(found)))
            return
        listed = await ctx.emergencies.listed()
        if listed is None:
            await ctx.send(_refused(ctx))
            return
        await ctx.send(*emergencies_screen(listed))

    @r.callback_query(Alert.filter())
    async def alert(query: CallbackQuery, callback_data: Alert, ctx: Context) -> None:
        if await _pressed(query, ctx, callback_data.emergency, callback_data.action):
            return
        emergency = await ctx.emergencies.get(callback_data.emergency)
        emergencies = ctx.emergencies
        if emergency is not None and (emergencies.is_staff or emergencies.is_presidency):
            # A stale button (someone else was quicker), or one that is not this person's.
            text = _("Nothing done: {reference} is now “{status}”.").format(
                reference=emergency.record.reference or "",
                status=emergency_status_label(emergency.status),
            )
            await query.answer(text, show_alert=True)
            return
        await _refuse(query)

    return r
