"""What follows an answer, typed or picked (the questionnaire's and the city picker's): the next
question, the financing picture after an amount, the changed section back at the review, or, once
the profile is complete, the step the registration was asked for."""

from aiogram.fsm.context import FSMContext
from aiogram.utils.i18n import gettext as _

from bot.conversation import registration
from bot.conversation.emergency_report import open_report
from bot.conversation.position import show_position
from bot.domain.forms import Kind
from bot.domain.navigation import REVIEW
from bot.domain.records import Record
from bot.domain.rules import FundingRules
from bot.screens.base import Screen
from bot.screens.checklist import changed_screens
from bot.screens.financing import coach
from bot.screens.home import profile_screen
from bot.services.acting import Acting
from bot.services.dossiers import Dossiers
from bot.services.people import Profiles
from bot.services.records import Records
from bot.telegram.reply import Reply


async def after_answer(
    record: Record,
    left_kind: Kind | None,
    prefix: str | None = None,
    money_given: bool = False,
    changed: str | None = None,
    *,
    acting: Acting,
    reply: Reply,
    state: FSMContext,
    records: Records,
    dossiers: Dossiers,
    profiles: Profiles,
    rules: FundingRules,
) -> None:
    """Show the new position; after an amount, the financing picture comes first. A finished
    profile thanks the person and goes on where registration was asked for. `changed`: the
    question answered from the menu; back at the review, its section and the picture show."""
    if left_kind in (Kind.PHONE, Kind.LOCATION):
        await reply.say(_("✔ Saved."))
    store = records.of(record)
    if record.cursor.q == REVIEW and store.closes_at_review:
        await _registered(
            record,
            acting=acting,
            reply=reply,
            state=state,
            dossiers=dossiers,
            profiles=profiles,
            rules=rules,
        )
        return
    if changed is not None and record.cursor.q == REVIEW:
        await store.load_files(record)
        screens = changed_screens(record, changed, rules)
        if prefix:
            screens[0] = Screen(prefix + "\n\n" + screens[0].text, screens[0].markup)
        await reply.send(*screens)
        return
    parts = [prefix] if prefix else []
    cursor = record.cursor
    if money_given and (cursor.field is not None or cursor.q not in record.form.coached):
        answers = record.answers
        if cursor.field is not None and cursor.item:
            # A list entry being entered (a partner) already counts in the picture.
            answers = {**answers, cursor.q: [*(answers.get(cursor.q) or ()), cursor.item]}
        parts.append(coach(answers, rules))
    await show_position(record, "\n\n".join(parts) or None, acting=acting, reply=reply, rules=rules)


async def _registered(
    record: Record,
    *,
    acting: Acting,
    reply: Reply,
    state: FSMContext,
    dossiers: Dossiers,
    profiles: Profiles,
    rules: FundingRules,
) -> None:
    """Registration finished (or one profile answer changed): say so and go on."""
    data = await state.get_data()
    await state.clear()
    if "then" not in data:  # one answer changed from the profile screen
        await reply.say(_("Saved."))
        await reply.send(profile_screen(acting.person))
        return
    await reply.say(_("Thank you, your profile is saved."))
    if data["then"] == "new":
        await registration.new_dossier(
            acting=acting,
            reply=reply,
            state=state,
            dossiers=dossiers,
            profiles=profiles,
            rules=rules,
        )
        return
    if data["then"] == "emergency":
        await open_report(
            acting=acting,
            reply=reply,
            state=state,
            dossiers=dossiers,
            profiles=profiles,
            rules=rules,
        )
        return
    await reply.send(profile_screen(acting.person))
    await registration.list_dossiers(
        acting=acting, reply=reply, state=state, dossiers=dossiers, profiles=profiles, rules=rules
    )
