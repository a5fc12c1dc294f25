"""Showing a person where they are in a record, and what they can do when they are nowhere."""

from aiogram.fsm.context import FSMContext

from bot.domain.records import Record
from bot.domain.rules import FundingRules
from bot.screens.home import welcome
from bot.screens.position import position_screens
from bot.services.acting import Acting
from bot.services.records import Records
from bot.telegram.reply import Reply


async def show_position(
    record: Record, prefix: str | None = None, *, acting: Acting, reply: Reply, rules: FundingRules
) -> None:
    await reply.send(*position_screens(record, acting.person, rules, prefix))


async def show_where(
    *, acting: Acting, reply: Reply, state: FSMContext, records: Records, rules: FundingRules
) -> None:
    """After a stale button or an unexpected message: show what the person can do now."""
    record = await records.current(state)
    if record is not None and record.editable:
        await show_position(record, acting=acting, reply=reply, rules=rules)
        return
    await state.clear()
    await reply.send(welcome(acting.person))
