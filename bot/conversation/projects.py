"""What routers share about a project or an emergency aid's report: the project as this person
may act on it (shown where asked, or privately from a shared chat), what the presser reads after
a move, and a report submitted from the questionnaire."""

from aiogram.utils.i18n import I18n

from bot.conversation.privately import send_privately
from bot.domain.grant_case import AidCase, ProjectCase
from bot.domain.records import Record
from bot.domain.roles import Action
from bot.domain.rules import FundingRules, is_complete
from bot.notify.projects import city_moves, staff_moves
from bot.screens.base import Screen
from bot.screens.projects import (
    aid_moved_on,
    aid_text,
    no_project,
    project_moved_on,
    project_screen,
    report_incomplete,
    report_sent,
)
from bot.services.acting import Acting
from bot.services.projects import Outcome, Projects, Result
from bot.services.records import Records
from bot.telegram.reply import Reply


def view(case: ProjectCase, *, acting: Acting, i18n: I18n) -> Screen:
    """The project with the buttons this person may press now, in the language spoken now."""
    staff = acting.may(Action.REVIEW_DOSSIERS)
    moves, tranche_moves = staff_moves(case) if staff else city_moves(case)
    return project_screen(case, staff, moves, tranche_moves, i18n.current_locale)


async def show(case: ProjectCase, *, acting: Acting, reply: Reply, i18n: I18n) -> None:
    await reply.send(view(case, acting=acting, i18n=i18n))


async def open_project(case: ProjectCase, *, acting: Acting, reply: Reply, i18n: I18n) -> None:
    """The project opened with its button: from a shared chat, to the presser privately."""
    await send_privately(lambda: [view(case, acting=acting, i18n=i18n)], acting=acting, reply=reply)


async def answered(
    result: Result, done: str | None = None, *, acting: Acting, reply: Reply, i18n: I18n
) -> None:
    """What the presser reads after a move: the project (or the emergency aid a report is
    about) as it is now, or why nothing changed."""
    case = result.case
    if result.outcome == Outcome.REFUSED:
        await reply.send(Screen(no_project()))
        return
    if result.outcome == Outcome.MOVED:
        moved = aid_moved_on(case) if isinstance(case, AidCase) else project_moved_on(case)
        await reply.send(Screen(moved))
        return
    if done:
        await reply.send(Screen(done))
    assert case is not None
    if isinstance(case, AidCase):
        await reply.send(Screen(aid_text(case)))
        return
    await show(case, acting=acting, reply=reply, i18n=i18n)


async def submit_report(
    record: Record,
    *,
    acting: Acting,
    reply: Reply,
    records: Records,
    projects: Projects,
    rules: FundingRules,
    i18n: I18n,
) -> None:
    """A city's "📤 Yes, submit" on a project's report: complete, it goes to the Secretariat."""
    record = await records.record(record.id) or record  # with its files (the photos)
    complete = is_complete(record.checks(rules))
    result = await projects.submit_report(record, complete)
    if result.outcome == Outcome.MOVED and result.case is not None and not complete:
        await reply.send(Screen("⚠️ " + report_incomplete()))
        return
    await answered(result, report_sent(), acting=acting, reply=reply, i18n=i18n)
