"""Answering a form's questions (a dossier's or the profile's): typed answers, contacts,
locations, files and buttons."""

from decimal import Decimal
from functools import partial

from aiogram import Router, html
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.conversation.answering import after_answer
from bot.conversation.position import show_position, show_where
from bot.domain import flow
from bot.domain.answers import AnswerError, Parsed
from bot.domain.flow import MoveRefused, asked
from bot.domain.forms import ATTACHMENTS, Kind, Question
from bot.domain.navigation import REVIEW, Cursor
from bot.domain.records import Record, slot_files
from bot.domain.rules import FundingRules
from bot.screens.base import Screen
from bot.screens.common import locale, shown_answer
from bot.screens.errors import refusal
from bot.screens.question import (
    file_removal_screen,
    removal_screen,
    step_at,
    which_amount_screen,
)
from bot.services.acting import Acting
from bot.services.dossiers import Dossiers
from bot.services.people import Profiles
from bot.services.records import Records
from bot.telegram.callbacks import Step
from bot.telegram.files import download, sent_file
from bot.telegram.filters import Typed, Upload
from bot.telegram.inputs import answer_from, today
from bot.telegram.journal import WHERE
from bot.telegram.reply import Reply
from bot.telegram.states import Flow

ANSWERING = StateFilter(Flow.dossier, Flow.registering)
# What a question's buttons do (`_step`); any other action is a forged or outdated button.
FILE_BUTTONS = frozenset({"rm", "rmfiles", "rmf"})  # screens and files, not moves
STEPS = frozenset(
    {
        "c",
        "t",
        "back",
        "skip",
        "keep",
        "amt",
        "add",
        "cancel",
        "rmi",
        "done",
        "rm",
        "rmfiles",
        "rmf",
        "show",
    }
)


async def _current(
    *, acting: Acting, reply: Reply, state: FSMContext, records: Records, rules: FundingRules
) -> Record | None:
    """The record typed answers go to; None (and the person shown where they are) otherwise."""
    record = await records.current(state)
    if record is None or not record.editable:
        await state.clear()
        await show_where(acting=acting, reply=reply, state=state, records=records, rules=rules)
        return None
    return record


def _understood(question: Question, value: object, record: Record) -> str:
    return _("✔ Understood: {answer}").format(answer=shown_answer(question, value, record.currency))


def router() -> Router:
    r = Router(name="questionnaire")

    # An answer's reply is the next screen: re-derived if its update comes again (no journal).
    @r.message(ANSWERING, Typed(), flags={"replay": WHERE})
    async def typed(
        message: Message,
        *,
        acting: Acting,
        reply: Reply,
        state: FSMContext,
        records: Records,
        dossiers: Dossiers,
        profiles: Profiles,
        rules: FundingRules,
    ) -> None:
        """A typed answer (or a shared contact or location) to the current question."""
        record = await _current(
            acting=acting, reply=reply, state=state, records=records, rules=rules
        )
        if record is None:
            return
        question = asked(record.form, record.cursor)
        if record.cursor.q == REVIEW or question is None:
            await reply.send(Screen(_("Please use the buttons below the review.")))
            await show_position(record, acting=acting, reply=reply, rules=rules)
            return
        try:
            parsed = answer_from(question, message, locale(), record)
        except AnswerError as error:
            await show_position(
                record, "⚠️ " + refusal(error), acting=acting, reply=reply, rules=rules
            )
            return
        if parsed.alternative is not None:  # `700,000`: asked which amount, never guessed
            await _ask_which_amount(record, message.text or "", parsed, reply=reply, state=state)
            return
        changed = record.cursor.q if record.cursor.jump else None
        move = flow.give_answer(record.form, record.answers, record.cursor, parsed.value)
        await records.apply(record, move)
        prefix = _understood(question, parsed.value, record) if parsed.echo else None
        money = question.kind == Kind.MONEY
        await after_answer(
            record,
            question.kind,
            prefix,
            money_given=money,
            changed=changed,
            acting=acting,
            reply=reply,
            state=state,
            records=records,
            dossiers=dossiers,
            profiles=profiles,
            rules=rules,
        )

    @r.message(ANSWERING, Upload())
    async def upload(
        message: Message,
        *,
        acting: Acting,
        reply: Reply,
        state: FSMContext,
        records: Records,
        dossiers: Dossiers,
        settings: Settings,
        rules: FundingRules,
    ) -> None:
        """A file for the current attachment question: checked, downloaded, kept with its hash
        (bot/services/dossiers.py `receive`)."""
        record = await _current(
            acting=acting, reply=reply, state=state, records=records, rules=rules
        )
        if record is None:
            return
        question = flow.current_question(record.form, record.cursor)
        sent = sent_file(message)
        try:
            expected = question is not None and question.kind in ATTACHMENTS
            if sent is None or not expected or record.cursor.field:
                raise AnswerError("not_expecting_file")
            assert question is not None
            fetch = partial(download, reply.bot, sent.file_id)
            name = await dossiers.receive(record, question, sent, fetch, settings.files_dir)
        except AnswerError as error:
            await show_position(
                record, "⚠️ " + refusal(error), acting=acting, reply=reply, rules=rules
            )
            return
        prefix = _("✔ File received: {name}").format(name=html.quote(name))
        await show_position(record, prefix, acting=acting, reply=reply, rules=rules)

    @r.callback_query(Step.filter(), flags={"replay": WHERE})
    async def step(
        query: CallbackQuery,
        callback_data: Step,
        *,
        acting: Acting,
        reply: Reply,
        state: FSMContext,
        records: Records,
        dossiers: Dossiers,
        profiles: Profiles,
        rules: FundingRules,
    ) -> None:
        """A button of the current question; an old button only shows where the person is."""
        # Files are read only when the screen shown now lists them (a move to a files question
        # reads them in `apply`): most buttons need none.
        record = await records.record(callback_data.record, files=False)
        if record is None or not record.editable:
            await query.answer(_("This button is no longer valid."), show_alert=True)
            await show_where(acting=acting, reply=reply, state=state, records=records, rules=rules)
            return
        store = records.of(record)
        if record.shows_files():
            await store.load_files(record)
        await state.set_state(store.answering)
        if callback_data.at != step_at(record.cursor) or callback_data.action not in STEPS:
            await query.answer(
                _("This button is no longer valid. Here is where you are now."), show_alert=True
            )
            await store.activate(record)
            await show_position(record, acting=acting, reply=reply, rules=rules)
            return
        try:
            shown = await _step(
                record,
                callback_data,
                acting=acting,
                reply=reply,
                state=state,
                records=records,
                dossiers=dossiers,
                profiles=profiles,
                rules=rules,
            )
        except MoveRefused as refused:
            await query.answer(refusal(refused), show_alert=True)
            await show_position(record, acting=acting, reply=reply, rules=rules)
            return
        await query.answer()
        if not shown:
            await show_position(record, acting=acting, reply=reply, rules=rules)

    return r


async def _step(
    record: Record,
    data: Step,
    *,
    acting: Acting,
    reply: Reply,
    state: FSMContext,
    records: Records,
    dossiers: Dossiers,
    profiles: Profiles,
    rules: FundingRules,
) -> bool:
    """Carry out one button of the question (bot/domain/flow.py `pressed`); True once the next
    screen has been sent."""
    cursor, action, value = record.cursor, data.action, data.value
    question = asked(record.form, cursor)
    if action in FILE_BUTTONS:
        return await _files_button(record, question, action, value, reply=reply, dossiers=dossiers)
    if action == "amt":
        value = await _amount_picked(cursor, data, state=state)
    move = flow.pressed(record.form, record.answers, cursor, action, value, today())
    if move is None:
        return False
    await records.apply(record, move)
    left = question.kind if question is not None and cursor.field is None else None
    await after_answer(
        record,
        left if action not in ("t", "add", "rmi") else None,
        money_given=action == "amt",
        changed=cursor.q if cursor.jump else None,
        acting=acting,
        reply=reply,
        state=state,
        records=records,
        dossiers=dossiers,
        profiles=profiles,
        rules=rules,
    )
    return True


async def _files_button(
    record: Record,
    question: Question | None,
    action: str,
    value: str,
    *,
    reply: Reply,
    dossiers: Dossiers,
) -> bool:
    """ "Remove" on a list (which entry?) or on a question's files (which file?), and a file
    picked for removal (if it is one of the question's, a forged id does nothing)."""
    if question is None:
        return False
    if action == "rm" and question.kind == Kind.LIST:
        await reply.send(removal_screen(record))
        return True
    if question.kind not in ATTACHMENTS:
        return False
    await dossiers.load_files(record)
    mine = slot_files(question, record.answers, record.files)
    if action == "rmfiles":
        await reply.send(file_removal_screen(record, mine))
        return True
    if action == "rmf" and value.isdigit() and int(value) in {f.id for f in mine}:
        await dossiers.detach(record, int(value))
    return False


async def _ask_which_amount(
    record: Record, typed: str, parsed: Parsed, *, reply: Reply, state: FSMContext
) -> None:
    """Both readings are kept in the conversation state (a button names only which one: its
    payload is the client's), and nothing is saved until one is picked."""
    assert parsed.alternative is not None
    readings = tuple(sorted({Decimal(parsed.value), Decimal(parsed.alternative)}, reverse=True))
    at = step_at(record.cursor)
    await state.update_data(amount={"at": at, "readings": [str(r) for r in readings]})
    await reply.send(which_amount_screen(record, typed, readings))


async def _amount_picked(cursor: Cursor, data: Step, *, state: FSMContext) -> str:
    """The reading picked by "amt" for the question shown now; refused for any other."""
    held = (await state.get_data()).get("amount") or {}
    readings = held.get("readings") if held.get("at") == step_at(cursor) else None
    if not readings or data.value not in ("0", "1") or int(data.value) >= len(readings):
        raise MoveRefused("not_here")
    return readings[int(data.value)]
