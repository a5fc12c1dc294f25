"""An emergency report as the city makes it: opened (the short registration first if needed),
"🚨 Send now" (the report or a situation report), and shown to the city once sent. Reached from
the home screen, /emergency, the dossier menu and the end of a registration."""

from aiogram.fsm.context import FSMContext
from aiogram.utils.i18n import gettext as _

from bot.conversation import registration
from bot.conversation.position import show_position
from bot.domain.emergency import EmergencyStatus
from bot.domain.emergency_form import EMERGENCY_FORM
from bot.domain.records import Record
from bot.domain.rules import FundingRules
from bot.domain.sitrep_form import SITREP_FORM
from bot.screens.base import Screen
from bot.screens.emergency import (
    city_emergency_screen,
    emergency_status_label,
    merged_text,
    received_text,
    sitrep_markup,
    sitrep_sent_text,
)
from bot.screens.home import no_longer_possible
from bot.services.acting import Acting
from bot.services.dossiers import Dossiers
from bot.services.emergencies import Emergencies
from bot.services.people import Profiles
from bot.telegram.inputs import today
from bot.telegram.reply import Reply
from bot.telegram.states import Flow
from bot.workers.scheduler import Scheduler


async def open_report(
    *,
    acting: Acting,
    reply: Reply,
    state: FSMContext,
    dossiers: Dossiers,
    profiles: Profiles,
    rules: FundingRules,
) -> None:
    """A new emergency report, answered through the questionnaire like a dossier. Someone not
    registered is asked only their city, name and phone first."""
    if not acting.person.may_report:
        await reply.send(
            Screen(_("To report an emergency, first tell me your city, your name and a phone."))
        )
        await registration.begin_registration(
            then="emergency",
            short=True,
            acting=acting,
            reply=reply,
            state=state,
            profiles=profiles,
            rules=rules,
        )
        return
    if await registration.refused_here(acting=acting, reply=reply):
        return
    record = await dossiers.open_new(EMERGENCY_FORM)
    if record is None:
        await registration.refused_here(acting=acting, reply=reply)
        return
    await state.set_state(Flow.dossier)
    intro = _(
        "🚨 Emergency report. Five answers are enough to send it: the event, when, where, the "
        "people affected and a description; “🚨 Send now” appears as soon as they are there."
    )
    await show_position(record, prefix=intro, acting=acting, reply=reply, rules=rules)


async def send_now(
    record: Record,
    *,
    acting: Acting,
    reply: Reply,
    state: FSMContext,
    dossiers: Dossiers,
    emergencies: Emergencies,
    rules: FundingRules,
    scheduler: Scheduler,
) -> None:
    """Send the report (its reference, the urgent alert, "received" for the city), or a
    situation report."""
    if record.form.key == SITREP_FORM.key:
        await _send_sitrep(
            record,
            acting=acting,
            reply=reply,
            state=state,
            dossiers=dossiers,
            emergencies=emergencies,
            rules=rules,
            scheduler=scheduler,
        )
        return
    emergency = await emergencies.send(record, today())
    if emergency is None:
        sent = await emergencies.get(record.id)
        if sent is not None and sent.status != EmergencyStatus.DRAFT:
            # Another official of the city sent it a moment ago: it went once, theirs.
            await state.clear()
            label = emergency_status_label(sent.status)
            await reply.send(Screen(no_longer_possible(sent.record.reference, label)))
            await reply.send(city_emergency_screen(sent))
            return
        await show_position(record, acting=acting, reply=reply, rules=rules)
        return
    scheduler.wake()  # its escalation is planned
    await state.clear()
    reference = emergency.record.reference or ""
    if emergency.record.id != record.id:  # added to the emergency already open
        text = merged_text(reference, emergency.sitreps)
        await reply.send(Screen(text, sitrep_markup(emergency.record.id)))
        return
    await reply.send(Screen(received_text(reference), sitrep_markup(emergency.record.id)))


async def _send_sitrep(
    record: Record,
    *,
    acting: Acting,
    reply: Reply,
    state: FSMContext,
    dossiers: Dossiers,
    emergencies: Emergencies,
    rules: FundingRules,
    scheduler: Scheduler,
) -> None:
    emergency = await emergencies.send_sitrep(record)
    if emergency is None:
        now = await dossiers.load(record.id, files=False)
        parent = await emergencies.sitrep_parent(record)
        if now is not None and parent is not None and now.status != EmergencyStatus.DRAFT:
            # Another official of the city sent this report a moment ago: it went once.
            await state.clear()
            await reply.send(city_emergency_screen(parent))
            await reply.send(Screen(sitrep_sent_text(parent.record.reference or "")))
            return
        await show_position(record, acting=acting, reply=reply, rules=rules)
        return
    scheduler.wake()  # its escalation is planned
    await state.clear()
    await reply.send(city_emergency_screen(emergency))
    await reply.send(Screen(sitrep_sent_text(emergency.record.reference or "")))


async def show_emergency_to_city(record: Record, *, reply: Reply, emergencies: Emergencies) -> bool:
    """A sent emergency (or one of its situation reports) as the city sees it; False if it is
    not one."""
    emergency = None
    if record.form.key == EMERGENCY_FORM.key:
        emergency = await emergencies.get(record.id)
    elif record.form.key == SITREP_FORM.key:
        emergency = await emergencies.sitrep_parent(record)
    if emergency is None or emergency.status == EmergencyStatus.DRAFT:
        return False
    await reply.send(city_emergency_screen(emergency))
    return True
