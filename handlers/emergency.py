"""The emergency report: `/emergency` (and the home screen's button) for a city official, "🚨 Send
now", the urgent alert to the Secretariat's and the commission's chats, "✅ Acknowledge",
"❓ Ask the city", "💶 Propose aid", "🔒 Close"; the Presidency's "🏅 Approve", "💶 Approve another
amount", "✖ Reject", "❓ Ask for information"; the city's situation reports; /emergencies."""

from decimal import Decimal, InvalidOperation

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.domain.answers import AnswerError
from bot.domain.decisions import EMERGENCY, Draft, emergency_concerns, foreseen_emergency
from bot.domain.emergency import (
    OPEN,
    PHASES,
    Emergency,
    EmergencyStatus,
    find_emergency_move,
)
from bot.domain.emergency_form import EMERGENCY_FORM
from bot.domain.fund_form import CURRENCIES
from bot.domain.numbers import NumberError, read_money
from bot.domain.records import Record
from bot.domain.roles import Action
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
from bot.telegram.callbacks import Alert
from bot.telegram.context import Context
from bot.telegram.filters import PrivateChat
from bot.telegram.states import Flow
from handlers import actions
from handlers.decisions import confirm, draft_steps, preview, settle_amount
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


async def _refuse(query: CallbackQuery) -> None:
    await query.answer(_("Sorry, this is not yours to do."), show_alert=True)


def _refused(ctx: Context) -> Screen:
    return Screen(_("Sorry, this is not yours to do."))


async def _not_taken(ctx: Context, emergency_id: int, action: Action) -> None:
    """A move refused by the use case. With the right to take it, the emergency was no longer
    in the status it was taken from (someone else was quicker, or the screen was old): nothing
    changed, and the presser is told where it stands now. Without the right: not theirs."""
    emergency = await ctx.emergencies.get(emergency_id) if ctx.may(action) else None
    if emergency is None:
        await ctx.send(_refused(ctx))
        return
    label = emergency_status_label(emergency.status)
    await ctx.send(Screen(no_longer_possible(emergency.record.reference, label)))


@note_purpose("em_ask")
async def _ask(ctx: Context, emergency_id: int, text: str) -> None:
    """A question to the city (staff, or the Presidency): to every official, each in their
    language; the Presidency's is shown in both alert chats too."""
    emergencies = ctx.emergencies
    if not (emergencies.is_staff or emergencies.is_presidency):
        await ctx.send(_refused(ctx))
        return
    emergency = await emergencies.message(emergency_id, text)
    if emergency is None:
        await ctx.send(Screen(_("This emergency is not available to you.")))
        return
    await ctx.send(Screen(_("✔ Your question was sent to the city.")))


@note_purpose("em_answer")
async def _answer(ctx: Context, emergency_id: int, text: str) -> None:
    """The city's answer: to both alert chats on the alert's thread, each in its language, and
    to the Presidency once it has the case."""
    emergency = await ctx.emergencies.get(emergency_id)
    if emergency is None or not ctx.emergencies.for_the_city(emergency):
        await ctx.send(Screen(_("This emergency is not available to you.")))
        return
    await ctx.emergencies.message(emergency_id, text)
    await ctx.send(Screen(_("✔ Your answer was sent to the Secretariat and the commission.")))


def _proposal_prompt(reference: str) -> str:
    return _(
        "The amount, its currency and the purpose of the aid for {reference}, in one message, "
        "e.g. “50000 EUR rebuilding the central market”."
    ).format(reference=reference)


def _unread(error: NumberError, heading: str) -> Screen:
    """Why an amount typed for emergency aid was not taken."""
    reason = refusal(AnswerError(f"number_{error.code}", **error.details))
    return Screen("⚠️ " + heading + "\n" + reason)


async def _propose(ctx: Context, emergency_id: int, phase: str, text: str) -> None:
    """The amount, currency and purpose typed after the phase: read as every amount is (an
    ambiguous one asked back), then checked and shown before it goes."""
    try:
        typed = read_money(text, locale(), CURRENCIES, rest=True)
    except NumberError as error:
        heading = _("I could not read an amount, a currency and a purpose.")
        await ctx.send(_unread(error, heading))
        await ask_note(ctx, f"em_prop_{phase}", emergency_id, _proposal_prompt(""))
        return
    draft = Draft(
        EMERGENCY,
        emergency_id,
        "propose",
        expected=EmergencyStatus.ACKNOWLEDGED,
        note=typed.rest,
        currency=typed.currency,
        phase=phase,
    )
    await settle_amount(ctx, draft, typed.amount, typed.typed)


for _phase in PHASES:

    def _bind(phase: str) -> None:
        @note_purpose(f"em_prop_{phase}")
        async def _note(ctx: Context, emergency_id: int, text: str) -> None:
            await _propose(ctx, emergency_id, phase, text)

    _bind(_phase.value)


@note_purpose("em_reject")
async def _reject(ctx: Context, emergency_id: int, text: str) -> None:
    draft = Draft(EMERGENCY, emergency_id, "reject", expected=EmergencyStatus.PROPOSED, note=text)
    await _chosen(ctx, draft)


def _amount_prompt(reference: str) -> str:
    return _("The amount granted for {reference} and its currency, e.g. “30000 EUR”.").format(
        reference=reference
    )


@note_purpose("em_other")
async def _other_amount(ctx: Context, emergency_id: int, text: str) -> None:
    emergency = await ctx.emergencies.get(emergency_id)
    proposed = emergency.proposal.currency if emergency and emergency.proposal else None
    try:
        typed = read_money(text, locale(), CURRENCIES, default=proposed)
    except NumberError as error:
        heading = _("I could not read an amount and one of the Fund's currencies.")
        await ctx.send(_unread(error, heading))
        await ask_note(ctx, "em_other", emergency_id, _amount_prompt(""))
        return
    draft = Draft(
        EMERGENCY, emergency_id, "other", expected=EmergencyStatus.PROPOSED, currency=typed.currency
    )
    await settle_amount(ctx, draft, typed.amount, typed.typed)


@note_purpose("em_close")
async def _close(ctx: Context, emergency_id: int, text: str) -> None:
    emergency = await ctx.emergencies.get(emergency_id)
    if emergency is None:
        await ctx.send(_refused(ctx))
        return
    draft = Draft(EMERGENCY, emergency_id, "close", expected=emergency.status, note=text)
    await _chosen(ctx, draft)


async def _stale(ctx: Context, emergency: Emergency) -> None:
    label = emergency_status_label(emergency.status)
    await ctx.send(Screen(no_longer_possible(emergency.record.reference or "", label)))


def _asked(emergency: Emergency) -> Decimal | None:
    try:
        return Decimal(str(emergency.record.answers["amount"]))
    except (KeyError, InvalidOperation):
        return None


async def _chosen(ctx: Context, draft: Draft) -> None:
    """A proposal, a decision of the Presidency or a closing, ready: its amount checked against
    what the city asked (confirmed once more if it looks wrong), then what the city will read."""
    emergency = await ctx.emergencies.get(draft.target)
    if emergency is None:
        await ctx.send(_refused(ctx))
        return
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
    done: Emergency | None = None
    if key == "propose" and draft.amount is not None and draft.currency:
        done = await emergencies.propose(
            target,
            draft.amount,
            draft.currency,
            draft.phase or "",
            draft.note or "",
            expected=draft.expected,
        )
        confirmation = _("✔ Your proposal was sent to the Presidency.")
    elif key in ("approve", "reject", "other"):
        amount = (draft.amount, draft.currency) if key == "other" and draft.amount else None
        done = await emergencies.decide(target, key, draft.note, amount, expected=draft.expected)
        confirmation = _("✔ Decision recorded; the city is told.")
    elif key == "close":
        done = await emergencies.close(target, draft.note or "", expected=draft.expected)
        confirmation = _("✔ The emergency is closed; the city is told.")
    if done is None:
        emergency = await emergencies.get(target)
        await (_stale(ctx, emergency) if emergency is not None else ctx.send(_refused(ctx)))
        return
    await ctx.send(Screen(confirmation))


async def _change(ctx: Context, draft: Draft) -> None:
    """Change (“✏️ Change”): what was typed is asked again (the Presidency's choices, for
    “Approve”)."""
    emergency = await ctx.emergencies.get(draft.target)
    if emergency is None:
        await ctx.send(_refused(ctx))
        return
    reference = emergency.record.reference or ""
    if draft.key == "propose":
        await ask_note(ctx, f"em_prop_{draft.phase}", draft.target, _proposal_prompt(reference))
    elif draft.key == "other":
        await ask_note(ctx, "em_other", draft.target, _amount_prompt(reference))
    elif draft.key == "reject":
        await ask_note(ctx, "em_reject", draft.target, _reject_prompt(reference))
    elif draft.key == "close":
        await ask_note(ctx, "em_close", draft.target, _close_prompt(reference))
    else:
        await ctx.send(
            Screen(
                _("🏛 Emergency aid to decide: {reference}").format(reference=reference),
                presidency_markup(emergency),
            )
        )


draft_steps(EMERGENCY, _chosen, _send, _change)


def _reject_prompt(reference: str) -> str:
    return _("Why is the aid for {reference} rejected?").format(reference=reference)


def _close_prompt(reference: str) -> str:
    return _("Why is {reference} closed? A short note for the record and the city.").format(
        reference=reference
    )


PROPOSED = EmergencyStatus.PROPOSED


async def _pressed(query: CallbackQuery, ctx: Context, emergency_id: int, action: str) -> bool:
    """A button of an alert card, of the Presidency's card or of a message to the city; True if
    it was taken. The right and the status are checked here and again by the use case."""
    emergencies = ctx.emergencies
    if action == "ack":
        if await emergencies.acknowledge(emergency_id) is None:
            return False
        await query.answer(_("✅ Acknowledged."))
        return True
    emergency = await emergencies.get(emergency_id)
    if emergency is None:
        return False
    reference = emergency.record.reference or ""
    status = emergency.status
    staff, presidency = emergencies.is_staff, emergencies.is_presidency
    of_the_city = emergencies.for_the_city(emergency)
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
        await query.answer()
        if action == "approve":  # what the city will read, before it goes
            await _chosen(ctx, Draft(EMERGENCY, emergency_id, "approve", expected=PROPOSED))
        elif action == "reject":
            await ask_note(ctx, "em_reject", emergency_id, _reject_prompt(reference))
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
        await ask_note(ctx, "em_close", emergency_id, _close_prompt(reference))
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
            label = emergency_status_label(emergency.status)
            text = no_longer_possible(emergency.record.reference, label)
            await query.answer(text, show_alert=True)
            return
        await _refuse(query)

    return r
