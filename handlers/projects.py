"""Projects after the Bureau's approval (issue 17): `/projects` (staff: the portfolio; a city's
verified official: their city's), `/project REF`, the staff's adjustments while the convention is
prepared (`/tranche`, `/indicator`), and the buttons of a project and of its tranches. Every
button is checked again on the server: who presses it (staff right, or a verified official of
the project's city) and the status it was shown in."""

from decimal import Decimal
from typing import Any

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.conversation.documents import send_workbook
from bot.conversation.notes import Asked, NoteHandler, Purpose, ask_note
from bot.conversation.projects import answered, open_project, show
from bot.conversation.rights import deny
from bot.domain.dates import parse_date
from bot.domain.grant_case import ProjectCase, TrancheLine
from bot.domain.numbers import NumberError, parse_amount
from bot.domain.payments import read_amount, read_payment
from bot.domain.project import PROJECT_MOVES, Needs, ProjectStatus
from bot.domain.refusals import Refused
from bot.domain.roles import Action
from bot.domain.tranches import Condition, ScheduleError
from bot.screens.base import Screen
from bot.screens.projects import (
    PORTFOLIO_ROWS,
    adjust_usage,
    amount_unreadable,
    difference_note_prompt,
    difference_prompt,
    disbursement_tables,
    indicator_usage,
    move_note_prompt,
    no_project,
    pay_prompt,
    payment_refused,
    payment_unreadable,
    portfolio_screen,
    project_moved_on,
    return_prompt,
    return_unreadable,
    schedule_refused,
)
from bot.services.acting import Acting
from bot.services.projects import Outcome, Projects
from bot.telegram.callbacks import Grant
from bot.telegram.inputs import today
from bot.telegram.reply import Reply

STATUS_WORDS = {s.value: s.value for s in ProjectStatus} | {
    "proposed": ProjectStatus.PROPOSED.value,
    "closed": ProjectStatus.CLOSED.value,
}


def city_only() -> str:
    return _("Only a verified official of the project's city may do this.")


async def _disbursements(*, acting: Acting, reply: Reply, projects: Projects, i18n: I18n) -> None:
    listed = await projects.listing()
    if listed is None or not acting.may(Action.REVIEW_DOSSIERS):
        await deny(reply=reply)
        return
    cases, _total = listed
    name = f"disbursements-{today().isoformat()}.xlsx"
    caption = _("Disbursements: every tranche of every project, paid or not.")
    await send_workbook(lambda: disbursement_tables(cases), name, caption, reply=reply, i18n=i18n)


def _filter(words: list[str]) -> tuple[list[str] | None, str | None]:
    statuses = [STATUS_WORDS[w.lower()] for w in words if w.lower() in STATUS_WORDS]
    country = next((w.upper() for w in words if len(w) == 2 and w.isalpha()), None)
    return statuses or None, country


async def _move_note(
    asked: Asked, text: str, *, acting: Acting, reply: Reply, projects: Projects, i18n: I18n
) -> None:
    carry = asked.carry
    result = await projects.move(
        int(carry["project"]), str(carry["key"]), str(carry["expected"]), text
    )
    await answered(result, acting=acting, reply=reply, i18n=i18n)


async def _ask_return(
    carry: dict[str, Any], *, reply: Reply, state: FSMContext, projects: Projects
) -> None:
    items = await projects.report_items(int(carry["record"]))
    if items is None:
        await reply.send(Screen(no_project()))
        return
    named = [(_(text) if translate else text) for _key, text, translate in items]
    await ask_note(
        Purpose.REPORT_RETURN, 0, return_prompt(named), carry=carry, reply=reply, state=state
    )


async def _return_note(
    asked: Asked,
    text: str,
    *,
    acting: Acting,
    reply: Reply,
    state: FSMContext,
    projects: Projects,
    i18n: I18n,
) -> None:
    carry = asked.carry
    """`2, 5 The photos are blurred`: the numbers of the items to revise, then the message."""
    items = await projects.report_items(int(carry["record"]))
    if items is None:
        await reply.send(Screen(no_project()))
        return
    words = text.replace(",", " ").split()
    numbers = []
    while words and words[0].isdigit():
        numbers.append(int(words.pop(0)))
    note = " ".join(words)
    if not numbers or not note or any(not 1 <= n <= len(items) for n in numbers):
        await reply.send(Screen("⚠️ " + return_unreadable()))
        await _ask_return(carry, reply=reply, state=state, projects=projects)
        return
    keys = [items[n - 1][0] for n in dict.fromkeys(numbers)]
    result = await projects.return_report(int(carry["record"]), str(carry["expected"]), keys, note)
    await answered(result, acting=acting, reply=reply, i18n=i18n)


async def _noted_tranche(
    carry: dict[str, Any], *, reply: Reply, projects: Projects
) -> tuple[ProjectCase, TrancheLine] | None:
    """The tranche a typed note is about, as it is now (gone: said, and None)."""
    found = await projects.tranche_case(int(carry["tranche"]))
    if found is None:
        await reply.send(Screen(no_project()))
    return found


async def _pay_note(
    asked: Asked,
    text: str,
    *,
    acting: Acting,
    reply: Reply,
    state: FSMContext,
    projects: Projects,
    i18n: I18n,
) -> None:
    carry = asked.carry
    found = await _noted_tranche(carry, reply=reply, projects=projects)
    if found is None:
        return
    case, tranche = found
    try:
        typed = read_payment(text, i18n.current_locale, case.currency)
    except Refused:
        await reply.send(Screen("⚠️ " + payment_unreadable()))
        await ask_note(
            Purpose.GRANT_PAY, 0, pay_prompt(case, tranche), carry=carry, reply=reply, state=state
        )
        return
    try:
        result = await projects.pay(tranche.id, typed)
    except Refused as refused:
        await reply.send(Screen("⚠️ " + payment_refused(refused, case.currency)))
        return
    await answered(result, acting=acting, reply=reply, i18n=i18n)


async def _difference_amount(
    asked: Asked, text: str, *, reply: Reply, state: FSMContext, projects: Projects, i18n: I18n
) -> None:
    carry = asked.carry
    found = await _noted_tranche(carry, reply=reply, projects=projects)
    if found is None:
        return
    case, tranche = found
    try:
        amount = read_amount(text, i18n.current_locale, case.currency)
    except Refused:
        await reply.send(Screen("⚠️ " + amount_unreadable()))
        await ask_note(
            Purpose.GRANT_DIFF_AMOUNT,
            0,
            difference_prompt(case, tranche),
            carry=carry,
            reply=reply,
            state=state,
        )
        return
    carried = {**carry, "amount": str(amount)}
    await ask_note(
        Purpose.GRANT_DIFF_NOTE,
        0,
        difference_note_prompt(),
        carry=carried,
        reply=reply,
        state=state,
    )


async def _difference_note(
    asked: Asked, text: str, *, acting: Acting, reply: Reply, projects: Projects, i18n: I18n
) -> None:
    carry = asked.carry
    result = await projects.receive(
        int(carry["tranche"]), "difference", Decimal(str(carry["amount"])), text
    )
    await answered(result, acting=acting, reply=reply, i18n=i18n)


async def _project_button(
    query: CallbackQuery,
    data: Grant,
    *,
    acting: Acting,
    reply: Reply,
    state: FSMContext,
    projects: Projects,
    i18n: I18n,
) -> None:
    action, ident, value = data.action, data.ident, data.value
    if action == "xlsx":
        await query.answer()
        await _disbursements(acting=acting, reply=reply, projects=projects, i18n=i18n)
        return
    case = await projects.visible(ident)  # refused: the glue's popup
    if action == "show":
        await query.answer()
        await open_project(case, acting=acting, reply=reply, i18n=i18n)
        return
    if action == "accept":
        version, _dot, language = value.partition(".")
        if not projects.of_the_city(case.city_id):
            await query.answer(city_only(), show_alert=True)
            return
        await query.answer()
        result = await projects.accept(ident, int(version) if version.isdigit() else -1, language)
        await answered(result, acting=acting, reply=reply, i18n=i18n)
        return
    if not acting.may(Action.REVIEW_DOSSIERS):
        await deny(query, reply=reply)
        return
    await query.answer()
    move = next((m for m in PROJECT_MOVES if m.key == action and m.source == value), None)
    if move is not None and move.needs == Needs.NOTE and case.status == value:
        carry = {"project": ident, "key": action, "expected": value}
        await ask_note(
            Purpose.GRANT_MOVE,
            ident,
            move_note_prompt(case, move),
            carry=carry,
            reply=reply,
            state=state,
        )
        return
    await answered(await projects.move(ident, action, value), acting=acting, reply=reply, i18n=i18n)


async def _tranche_button(
    query: CallbackQuery,
    data: Grant,
    *,
    acting: Acting,
    reply: Reply,
    state: FSMContext,
    projects: Projects,
    i18n: I18n,
) -> None:
    action, ident, value = data.action, data.ident, data.value
    allowed = await projects.may_move_tranche(ident, action, value)
    if allowed.outcome == Outcome.REFUSED:
        staff_move = action == "pay"
        if staff_move:
            await deny(query, reply=reply)
        else:
            await query.answer(city_only(), show_alert=True)
        return
    await query.answer()
    if allowed.outcome == Outcome.MOVED:
        await reply.send(Screen(project_moved_on(allowed.case)))
        return
    found = await projects.tranche_case(ident)
    assert found is not None
    case, tranche = found
    carry = {"tranche": ident}
    if action == "pay":
        await ask_note(
            Purpose.GRANT_PAY,
            ident,
            pay_prompt(case, tranche),
            carry=carry,
            reply=reply,
            state=state,
        )
    elif action == "difference":
        await ask_note(
            Purpose.GRANT_DIFF_AMOUNT,
            ident,
            difference_prompt(case, tranche),
            carry=carry,
            reply=reply,
            state=state,
        )
    else:
        await answered(await projects.receive(ident, action), acting=acting, reply=reply, i18n=i18n)


async def _adjust(
    words: list[str], *, acting: Acting, reply: Reply, projects: Projects, i18n: I18n
) -> None:
    """`/tranche FC-2027-0001 2 amount 400000` (or `date 15/09/2027`, `condition report2`)."""
    if len(words) < 4 or not words[1].isdigit() or words[2] not in ("amount", "date", "condition"):
        await reply.send(Screen(adjust_usage()))
        return
    reference, number, what, typed = words[0], int(words[1]), words[2], " ".join(words[3:])
    case = await projects.named(reference)
    try:
        if what == "amount":
            value: Any = parse_amount(typed, i18n.current_locale, case.currency).value
        elif what == "date":
            value = parse_date(typed, i18n.current_locale)
        else:
            value = Condition.parse(typed)
        result = await projects.adjust_tranche(reference, number, what, value)
    except ScheduleError as refused:
        await reply.send(Screen("⚠️ " + schedule_refused(refused, case.currency)))
        return
    except (NumberError, ValueError):
        await reply.send(Screen("⚠️ " + adjust_usage()))
        return
    await answered(result, acting=acting, reply=reply, i18n=i18n)


async def _indicator(
    words: list[str], *, acting: Acting, reply: Reply, projects: Projects, i18n: I18n
) -> None:
    """`/indicator FC-2027-0001 2 0 1200 households`."""
    if len(words) < 5 or not words[1].isdigit():
        await reply.send(Screen(indicator_usage()))
        return
    try:
        baseline = parse_amount(words[2], i18n.current_locale, allow_zero=True).value
        target = parse_amount(words[3], i18n.current_locale, allow_zero=True).value
        result = await projects.set_indicator(
            words[0], int(words[1]), baseline, target, " ".join(words[4:])[:40]
        )
    except (NumberError, Refused, KeyError, ValueError):
        await reply.send(Screen("⚠️ " + indicator_usage()))
        return
    await answered(result, acting=acting, reply=reply, i18n=i18n)


def router() -> Router:
    r = Router(name="projects")

    @r.message(Command("projects"))
    async def projects(
        message: Message,
        command: CommandObject,
        *,
        acting: Acting,
        reply: Reply,
        projects: Projects,
    ) -> None:
        """Staff: the portfolio (words filter: a status, a country code); a verified official:
        their city's projects."""
        statuses, country = _filter((command.args or "").split())
        listed = await projects.listing(statuses, country, PORTFOLIO_ROWS)
        if listed is None:
            await reply.send(Screen(_("Your city has no project yet.")))
            return
        cases, total = listed
        await reply.send(portfolio_screen(cases, total, acting.may(Action.REVIEW_DOSSIERS)))

    @r.message(Command("project"))
    async def project(
        message: Message,
        command: CommandObject,
        *,
        acting: Acting,
        reply: Reply,
        projects: Projects,
        i18n: I18n,
    ) -> None:
        case = await projects.named(command.args or "")
        await show(case, acting=acting, reply=reply, i18n=i18n)

    @r.message(Command("tranche"))
    async def tranche(
        message: Message,
        command: CommandObject,
        *,
        acting: Acting,
        reply: Reply,
        projects: Projects,
        i18n: I18n,
    ) -> None:
        if not acting.may(Action.REVIEW_DOSSIERS):
            await deny(reply=reply)
            return
        await _adjust(
            (command.args or "").split(), acting=acting, reply=reply, projects=projects, i18n=i18n
        )

    @r.message(Command("indicator"))
    async def indicator(
        message: Message,
        command: CommandObject,
        *,
        acting: Acting,
        reply: Reply,
        projects: Projects,
        i18n: I18n,
    ) -> None:
        if not acting.may(Action.REVIEW_DOSSIERS):
            await deny(reply=reply)
            return
        await _indicator(
            (command.args or "").split(), acting=acting, reply=reply, projects=projects, i18n=i18n
        )

    @r.callback_query(Grant.filter())
    async def pressed(
        query: CallbackQuery,
        callback_data: Grant,
        *,
        acting: Acting,
        reply: Reply,
        state: FSMContext,
        projects: Projects,
        i18n: I18n,
    ) -> None:
        if callback_data.machine == "p":
            await _project_button(
                query,
                callback_data,
                acting=acting,
                reply=reply,
                state=state,
                projects=projects,
                i18n=i18n,
            )
        elif callback_data.machine == "t":
            await _tranche_button(
                query,
                callback_data,
                acting=acting,
                reply=reply,
                state=state,
                projects=projects,
                i18n=i18n,
            )
        elif callback_data.machine == "r" and callback_data.action in ("approve", "return"):
            if not acting.may(Action.REVIEW_DOSSIERS):
                await deny(query, reply=reply)
                return
            await query.answer()
            record_id, expected = callback_data.ident, callback_data.value
            if callback_data.action == "approve":
                await answered(
                    await projects.approve_report(record_id, expected),
                    acting=acting,
                    reply=reply,
                    i18n=i18n,
                )
                return
            await _ask_return(
                {"record": record_id, "expected": expected},
                reply=reply,
                state=state,
                projects=projects,
            )
        else:
            await query.answer(no_project(), show_alert=True)

    return r


def notes() -> dict[Purpose, NoteHandler]:
    return {
        Purpose.GRANT_MOVE: _move_note,
        Purpose.REPORT_RETURN: _return_note,
        Purpose.GRANT_PAY: _pay_note,
        Purpose.GRANT_DIFF_AMOUNT: _difference_amount,
        Purpose.GRANT_DIFF_NOTE: _difference_note,
    }
