"""Steps several routers lead to: registration, a new dossier, the list of dossiers."""

from aiogram.fsm.context import FSMContext
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.conversation.position import show_position
from bot.domain.access import reach
from bot.domain.navigation import REVIEW, Cursor
from bot.domain.rules import FundingRules
from bot.screens.base import Screen
from bot.screens.home import dossiers_screen, no_access_text
from bot.services.acting import Acting
from bot.services.dossiers import Dossiers
from bot.services.people import Profiles
from bot.telegram.reply import Reply
from bot.telegram.states import Flow


async def begin_registration(
    then: str | None,
    short: bool = False,
    *,
    acting: Acting,
    reply: Reply,
    state: FSMContext,
    profiles: Profiles,
    rules: FundingRules,
) -> None:
    """Ask the first missing profile answer; `then="new"` opens a dossier when done. `short`:
    only the city, the name and the phone (before an emergency report)."""
    await state.set_state(Flow.registering)
    await state.set_data({"then": then, "short": short})
    record = profiles.record(short=short)
    form = record.form
    missing = [
        q.key for q in form.visible_questions(record.answers) if not record.answers.get(q.key)
    ]
    record = await profiles.move_to(record, Cursor(missing[0] if missing else REVIEW))
    count = len(form.questions)
    intro = ngettext(
        "First, a few words about you and your city ({count} short question).",
        "First, a few words about you and your city ({count} short questions).",
        count,
    ).format(count=count)
    await reply.send(Screen(intro))
    await show_position(record, acting=acting, reply=reply, rules=rules)


def own_only(*, acting: Acting) -> bool:
    """The person reaches only the records they created (not verified yet: bot/domain/access)."""
    scope = reach(acting.person)
    return scope is not None and not scope.whole_city


async def refused_here(*, acting: Acting, reply: Reply) -> bool:
    """Someone whose registration the Secretariat refused reaches nothing of the city they
    named: they are told so (and how to choose another city). True if so."""
    person = acting.person
    if person.city_id is None or reach(person) is not None:
        return False
    await reply.send(Screen(no_access_text(person)))
    return True


async def new_dossier(
    *,
    acting: Acting,
    reply: Reply,
    state: FSMContext,
    dossiers: Dossiers,
    profiles: Profiles,
    rules: FundingRules,
) -> None:
    if not acting.person.registered:
        await begin_registration(
            then="new", acting=acting, reply=reply, state=state, profiles=profiles, rules=rules
        )
        return
    if await refused_here(acting=acting, reply=reply):
        return
    record = await dossiers.open_new()
    if record is None:
        await refused_here(acting=acting, reply=reply)
        return
    await state.set_state(Flow.dossier)
    intro = _(
        "A new dossier is open. I ask one question at a time; every answer is saved at once, "
        "so you can stop and come back whenever you like."
    )
    await show_position(record, prefix=intro, acting=acting, reply=reply, rules=rules)


async def list_dossiers(
    *,
    acting: Acting,
    reply: Reply,
    state: FSMContext,
    dossiers: Dossiers,
    profiles: Profiles,
    rules: FundingRules,
) -> None:
    if acting.person.city_id is None:
        await begin_registration(
            then=None, acting=acting, reply=reply, state=state, profiles=profiles, rules=rules
        )
        return
    if await refused_here(acting=acting, reply=reply):
        return
    await reply.send(dossiers_screen(await dossiers.city_records(), own_only(acting=acting)))
