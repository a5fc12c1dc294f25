"""The emergency report: `/emergency` (and the home screen's button) for a city official, "🚨 Send
now", the urgent alert to the Secretariat's and the commission's chats, "✅ Acknowledge" and
"❓ Ask the city" (the question to the city's officials, their answer back to both chats)."""

import re
from collections.abc import Callable
from decimal import Decimal

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.domain.emergency import PHASES, Emergency, EmergencyStatus
from bot.domain.emergency_form import EMERGENCY_FORM
from bot.domain.fund_form import CURRENCIES
from bot.domain.numbers import NumberError, parse_amount
from bot.domain.records import Person, Record
from bot.domain.roles import Action
from bot.screens.base import Screen
from bot.screens.common import locale
from bot.screens.emergency import (
    acknowledged_text,
    alert_markup,
    alert_text,
    answer_markup,
    answer_to_staff,
    city_decided,
    city_proposed,
    emergencies_screen,
    phase_markup,
    presidency_markup,
    presidency_text,
    question_to_city,
    received_text,
)
from bot.services.emergencies import Outgoing
from bot.telegram.callbacks import Alert
from bot.telegram.context import Context
from bot.telegram.filters import PrivateChat
from bot.telegram.states import Flow
from handlers import actions
from handlers.inputs import today
from handlers.notes import ask_note, note_purpose
from handlers.replies import show_position
from handlers.telling import in_language


def alert_chats(ctx: Context) -> list[tuple[int, str]]:
    """The chats an alert goes to, each with its language."""
    settings = ctx.settings
    chats = [
        (settings.secretariat_chat_id, settings.notify_language),
        (settings.commission_chat_id, settings.commission_notify_language),
    ]
    return [(chat, language) for chat, language in chats if chat is not None]


def _cards(ctx: Context, emergency: Emergency) -> list[Outgoing]:
    """The alert card in each chat, in its language (new, or an edit of the one sent)."""
    cards = []
    for chat, language in alert_chats(ctx):
        with ctx.i18n.use_locale(language):
            text = alert_text(emergency)
            markup = alert_markup(emergency).model_dump(exclude_none=True)
        cards.append(Outgoing(chat, text, markup, card=True))
    return cards


def _to_city(
    ctx: Context, people: list[Person], render: Callable[[], str], markup: object = None
) -> list[Outgoing]:
    """The same news for each official of the city, each in their own language."""
    told = []
    for person in people:
        with ctx.i18n.use_locale(person.language or ctx.settings.default_language):
            text = render()
            shown = markup() if callable(markup) else None
        told.append(Outgoing(person.telegram_id, text, shown, urgent=False))
    return told


async def open_report(ctx: Context) -> None:
    """A new emergency report, answered through the questionnaire like a dossier."""
    if not ctx.person.registered:
        await ctx.send(Screen(_("To report an emergency, first register your city.")))
        await actions.begin_registration(ctx, then="emergency")
        return
    await ctx.fsm.set_state(Flow.dossier)
    record = await ctx.dossiers.open_new(EMERGENCY_FORM)
    intro = _(
        "🚨 Emergency report. Five answers are enough to send it: the event, when, where, the "
        "people affected and a description; “🚨 Send now” appears as soon as they are there."
    )
    await show_position(ctx, record, prefix=intro)


async def send_now(ctx: Context, record: Record) -> None:
    """Send the report: its reference, the urgent alert, and "received" for the city."""
    me = ctx.person.telegram_id

    def render(emergency: Emergency) -> list[Outgoing]:
        alert = _cards(ctx, emergency)
        answers = emergency.record.answers
        for chat, _language in alert_chats(ctx):
            location = answers.get("location")
            if isinstance(location, dict) and "lat" in location and "lon" in location:
                alert.append(Outgoing(chat, location=(location["lat"], location["lon"])))
            for photo in emergency.record.files:
                if photo.slot == "photos" and photo.telegram_file_id:
                    alert.append(
                        Outgoing(chat, file_id=photo.telegram_file_id, file_name=photo.name)
                    )
        others = [p for p in emergency.officials if p.telegram_id != me]
        reference = emergency.record.reference or ""
        return alert + _to_city(ctx, others, lambda: received_text(reference))

    emergency = await ctx.emergencies.send(record, today(), render)
    if emergency is None:
        await show_position(ctx, record)
        return
    ctx.outbox.wake()
    await ctx.fsm.clear()
    await ctx.send(Screen(received_text(emergency.record.reference or "")))


async def _refuse(query: CallbackQuery) -> None:
    await query.answer(_("Sorry, this is not yours to do."), show_alert=True)


@note_purpose("em_ask")
async def _ask(ctx: Context, emergency_id: int, text: str) -> None:
    """Staff's question to the city: to every official, each in their language."""
    if not ctx.emergencies.is_staff:
        await ctx.send(Screen(_("Sorry, this is not yours to do.")))
        return

    def render(emergency: Emergency) -> list[Outgoing]:
        reference = emergency.record.reference or ""
        return _to_city(
            ctx,
            emergency.officials,
            lambda: question_to_city(reference, text),
            lambda: answer_markup(emergency.record.id).model_dump(exclude_none=True),
        )

    emergency = await ctx.emergencies.message(emergency_id, text, render)
    if emergency is None:
        await ctx.send(Screen(_("This emergency is not available to you.")))
        return
    ctx.outbox.wake()
    await ctx.send(Screen(_("✔ Your question was sent to the city.")))


@note_purpose("em_answer")
async def _answer(ctx: Context, emergency_id: int, text: str) -> None:
    """The city's answer: to both alert chats, each in its language."""
    name = ctx.person.name

    def render(emergency: Emergency) -> list[Outgoing]:
        reference = emergency.record.reference or ""
        return [
            Outgoing(
                chat,
                in_language(
                    ctx, language, lambda: answer_to_staff(reference, emergency.city, name, text)
                ),
            )
            for chat, language in alert_chats(ctx)
        ]

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


def _presidency(ctx: Context, emergency: Emergency) -> list[Outgoing]:
    chat = ctx.settings.presidency_chat_id
    if chat is None:
        return []
    with ctx.i18n.use_locale(ctx.settings.presidency_notify_language):
        text = presidency_text(emergency)
        markup = presidency_markup(emergency).model_dump(exclude_none=True)
    return [Outgoing(chat, text, markup, card=True)]


def _proposal_prompt(reference: str) -> str:
    return _(
        "The amount, its currency and the purpose of the aid for {reference}, in one message, "
        "e.g. “50000 EUR rebuilding the central market”."
    ).format(reference=reference)


async def _propose(ctx: Context, emergency_id: int, phase: str, text: str) -> None:
    match = AMOUNT_AND_PURPOSE.match(text)
    amount = None
    currency = match.group(2).upper() if match else ""
    if match and currency in CURRENCIES:
        try:
            amount = parse_amount(match.group(1), locale(), currency).value
        except NumberError:
            amount = None
    if match is None or amount is None:
        await ctx.send(Screen("⚠️ " + _("I could not read an amount, a currency and a purpose.")))
        await ask_note(ctx, f"em_prop_{phase}", emergency_id, _proposal_prompt(""))
        return

    def render(emergency: Emergency) -> list[Outgoing]:
        told = _to_city(ctx, emergency.officials, lambda: city_proposed(emergency))
        return _cards(ctx, emergency) + _presidency(ctx, emergency) + told

    done = await ctx.emergencies.propose(
        emergency_id, Decimal(amount), currency, phase, match.group(3).strip(), render
    )
    if done is None:
        await ctx.send(Screen(_("Sorry, this is not yours to do.")))
        return
    ctx.outbox.wake()
    await ctx.send(Screen(_("✔ Your proposal was sent to the Presidency.")))


for _phase in PHASES:

    def _bind(phase: str) -> None:
        @note_purpose(f"em_prop_{phase}")
        async def _note(ctx: Context, emergency_id: int, text: str) -> None:
            await _propose(ctx, emergency_id, phase, text)

    _bind(_phase.value)


def _decision(ctx: Context) -> Callable[[Emergency], list[Outgoing]]:
    def render(emergency: Emergency) -> list[Outgoing]:
        told = _to_city(ctx, emergency.officials, lambda: city_decided(emergency))
        return _cards(ctx, emergency) + _presidency(ctx, emergency) + told

    return render


@note_purpose("em_reject")
async def _reject(ctx: Context, emergency_id: int, text: str) -> None:
    done = await ctx.emergencies.decide(emergency_id, "reject", text, _decision(ctx))
    if done is None:
        await ctx.send(Screen(_("Sorry, this is not yours to do.")))
        return
    ctx.outbox.wake()
    await ctx.send(Screen(_("✔ Decision recorded; the city is told.")))


def router() -> Router:
    r = Router(name="emergency")

    @r.message(Command("emergency"), PrivateChat())
    async def emergency(message: Message, ctx: Context) -> None:
        """Report an emergency (registering first if needed)."""
        await open_report(ctx)

    @r.message(Command("emergencies"))
    async def emergencies(message: Message, ctx: Context) -> None:
        """Staff: the emergencies not closed, the latest first."""
        listed = await ctx.emergencies.listed()
        if listed is None:
            await ctx.send(Screen(_("Sorry, this is not yours to do.")))
            return
        await ctx.send(Screen(emergencies_screen(listed)))

    @r.callback_query(Alert.filter())
    async def alert(query: CallbackQuery, callback_data: Alert, ctx: Context) -> None:
        """A button of an alert card or of a question to the city: the right is checked here."""
        emergency_id, action = callback_data.emergency, callback_data.action
        if action == "ack":
            me = ctx.person.name

            def render(emergency: Emergency) -> list[Outgoing]:
                reference = emergency.record.reference or ""
                told = _to_city(ctx, emergency.officials, lambda: acknowledged_text(reference, me))
                return _cards(ctx, emergency) + told

            done = await ctx.emergencies.acknowledge(emergency_id, render)
            if done is None:
                await _refuse(query)
                return
            ctx.outbox.wake()
            await query.answer(_("✅ Acknowledged."))
            return
        if action == "prop" and ctx.may(Action.PROPOSE_EMERGENCY_AID):
            emergency = await ctx.emergencies.get(emergency_id)
            if emergency is not None and emergency.status == EmergencyStatus.ACKNOWLEDGED:
                await query.answer()
                question = _("Phase of the aid proposed for {reference}?").format(
                    reference=emergency.record.reference or ""
                )
                await ctx.send(Screen(question, phase_markup(emergency_id)))
                return
        phases = {f"ph_{c.value}": c.value for c in PHASES}
        if action in phases and ctx.may(Action.PROPOSE_EMERGENCY_AID):
            emergency = await ctx.emergencies.get(emergency_id)
            if emergency is not None and emergency.status == EmergencyStatus.ACKNOWLEDGED:
                await query.answer()
                prompt = _proposal_prompt(emergency.record.reference or "")
                await ask_note(ctx, f"em_prop_{phases[action]}", emergency_id, prompt)
                return
        if action in ("approve", "reject"):
            emergency = await ctx.emergencies.may_decide(emergency_id)
            if emergency is not None and emergency.status == EmergencyStatus.PROPOSED:
                if action == "reject":
                    await query.answer()
                    prompt = _("Why is the aid for {reference} rejected?").format(
                        reference=emergency.record.reference or ""
                    )
                    await ask_note(ctx, "em_reject", emergency_id, prompt)
                    return
                if await ctx.emergencies.decide(emergency_id, "approve", None, _decision(ctx)):
                    ctx.outbox.wake()
                    await query.answer(_("🏅 Approved."))
                    return
        if action == "ask" and ctx.emergencies.is_staff:
            emergency = await ctx.emergencies.get(emergency_id)
            if emergency is not None:
                await query.answer()
                prompt = _("Your question to the city about {reference}?").format(
                    reference=emergency.record.reference or ""
                )
                await ask_note(ctx, "em_ask", emergency_id, prompt)
                return
        if action == "answer":
            emergency = await ctx.emergencies.get(emergency_id)
            if emergency is not None and emergency.city_id == ctx.person.city_id:
                await query.answer()
                prompt = _("Your answer about {reference}?").format(
                    reference=emergency.record.reference or ""
                )
                await ask_note(ctx, "em_answer", emergency_id, prompt)
                return
        await _refuse(query)

    return r
