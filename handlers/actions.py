"""Steps several routers lead to: registration, a new dossier, the list of dossiers."""

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.domain.access import reach
from bot.domain.navigation import REVIEW, Cursor
from bot.screens.base import Screen
from bot.screens.home import dossiers_screen, no_access_text
from bot.telegram.context import Context
from bot.telegram.states import Flow
from handlers.replies import show_position


async def begin_registration(ctx: Context, then: str | None, short: bool = False) -> None:
    """Ask the first missing profile answer; `then="new"` opens a dossier when done. `short`:
    only the city, the name and the phone (before an emergency report)."""
    await ctx.fsm.set_state(Flow.registering)
    await ctx.fsm.set_data({"then": then, "short": short})
    record = ctx.profiles.record(short=short)
    form = record.form
    missing = [
        q.key for q in form.visible_questions(record.answers) if not record.answers.get(q.key)
    ]
    record = ctx.profiles.move_to(record, Cursor(missing[0] if missing else REVIEW))
    count = len(form.questions)
    intro = ngettext(
        "First, a few words about you and your city ({count} short question).",
        "First, a few words about you and your city ({count} short questions).",
        count,
    ).format(count=count)
    await ctx.send(Screen(intro))
    await show_position(ctx, record)


def own_only(ctx: Context) -> bool:
    """The person reaches only the records they created (not verified yet: bot/domain/access)."""
    scope = reach(ctx.person)
    return scope is not None and not scope.whole_city


async def refused_here(ctx: Context) -> bool:
    """Someone whose registration the Secretariat refused reaches nothing of the city they
    named: they are told so (and how to choose another city). True if so."""
    person = ctx.person
    if person.city_id is None or reach(person) is not None:
        return False
    await ctx.send(Screen(no_access_text(person)))
    return True


async def new_dossier(ctx: Context) -> None:
    if not ctx.person.registered:
        await begin_registration(ctx, then="new")
        return
    if await refused_here(ctx):
        return
    record = await ctx.dossiers.open_new()
    if record is None:
        await refused_here(ctx)
        return
    await ctx.fsm.set_state(Flow.dossier)
    intro = _(
        "A new dossier is open. I ask one question at a time; every answer is saved at once, "
        "so you can stop and come back whenever you like."
    )
    await show_position(ctx, record, prefix=intro)


async def list_dossiers(ctx: Context) -> None:
    if ctx.person.city_id is None:
        await begin_registration(ctx, then=None)
        return
    if await refused_here(ctx):
        return
    await ctx.send(dossiers_screen(await ctx.dossiers.city_records(), own_only(ctx)))
