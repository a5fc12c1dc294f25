"""Answering a form's questions (a dossier's or the profile's): typed answers, contacts,
locations, files and buttons."""

import io
import logging
from datetime import timedelta
from decimal import Decimal

from aiogram import Bot, Router, html
from aiogram.exceptions import TelegramBadRequest, TelegramNetworkError
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.domain import flow
from bot.domain.answers import AnswerError, Parsed
from bot.domain.flow import Move, MoveRefused, asked
from bot.domain.forms import ATTACHMENTS, MAX_FILES, Kind, Question
from bot.domain.navigation import REVIEW, Cursor
from bot.domain.records import Record, letter_target, slot_files
from bot.domain.rules import FundingRules, letter_slot
from bot.domain.uploads import content_problem, file_name, type_label, upload_problem
from bot.screens.base import Screen
from bot.screens.checklist import changed_screens
from bot.screens.common import locale, shown_answer
from bot.screens.errors import refusal
from bot.screens.financing import coach
from bot.screens.home import profile_screen
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
from bot.telegram.filters import Typed, Upload
from bot.telegram.journal import WHERE
from bot.telegram.reply import Reply
from bot.telegram.states import Flow
from handlers import actions, emergency
from handlers.inputs import answer_from, today
from handlers.replies import show_position, show_where

log = logging.getLogger(__name__)
ANSWERING = StateFilter(Flow.dossier, Flow.registering)
# What a question's buttons do (`_step`); any other action is a forged or outdated button.
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


async def _after_move(
    record: Record,
    left_kind: Kind | None,
    prefix: str | None = None,
    money_given: bool = False,
    changed: str | None = None,
    *,
    acting: Acting,
    reply: Reply,
    state: FSMContext,
    dossiers: Dossiers,
    profiles: Profiles,
    rules: FundingRules,
) -> None:
    """Show the new position; after an amount, the financing picture comes first. A finished
    profile thanks the person and goes on where registration was asked for. `changed`: the
    question answered from the menu; back at the review, its section and the picture show."""
    if left_kind in (Kind.PHONE, Kind.LOCATION):
        await reply.say(_("✔ Saved."))
    if record.is_profile and record.cursor.q == REVIEW:
        await _profile_done(
            record,
            acting=acting,
            reply=reply,
            state=state,
            dossiers=dossiers,
            profiles=profiles,
            rules=rules,
        )
        return
    if changed is not None and not record.is_profile and record.cursor.q == REVIEW:
        await dossiers.load_files(record)
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


async def _profile_done(
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
        await actions.new_dossier(
            acting=acting,
            reply=reply,
            state=state,
            dossiers=dossiers,
            profiles=profiles,
            rules=rules,
        )
        return
    if data["then"] == "emergency":
        await emergency.open_report(
            acting=acting,
            reply=reply,
            state=state,
            dossiers=dossiers,
            profiles=profiles,
            rules=rules,
        )
        return
    await reply.send(profile_screen(acting.person))
    await actions.list_dossiers(
        acting=acting, reply=reply, state=state, dossiers=dossiers, profiles=profiles, rules=rules
    )


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
        await _after_move(
            record,
            question.kind,
            prefix,
            money_given=money,
            changed=changed,
            acting=acting,
            reply=reply,
            state=state,
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
        """A file for the current attachment question: checked, downloaded, kept with its hash."""
        record = await _current(
            acting=acting, reply=reply, state=state, records=records, rules=rules
        )
        if record is None:
            return
        question = flow.current_question(record.form, record.cursor)
        if question is None or question.kind not in ATTACHMENTS or record.cursor.field:
            await show_position(
                record,
                "⚠️ " + refusal(AnswerError("not_expecting_file")),
                acting=acting,
                reply=reply,
                rules=rules,
            )
            return
        if message.document is not None:
            doc = message.document
            name, mime, size, file_id = doc.file_name, doc.mime_type, doc.file_size, doc.file_id
            name = file_name(name)  # no bidirectional controls, nothing invisible
        else:
            photo = message.photo[-1]
            name, mime, size = f"photo_{photo.file_unique_id}.jpg", "image/jpeg", photo.file_size
            file_id = photo.file_id
        await dossiers.load_files(record)
        problem = upload_problem(name, mime, size)
        mine = slot_files(question, record.answers, record.files)
        if question.kind == Kind.FILES and len(mine) >= MAX_FILES:
            problem = "file_count"
        slot = question.key
        if question.kind == Kind.LETTERS:
            target = letter_target(question, record.answers, record.files)
            if target is None:
                done = _("Every confirmed partner already has a letter.")
                await show_position(record, done, acting=acting, reply=reply, rules=rules)
                return
            slot = letter_slot(question, target["id"])
        if problem is None:
            try:
                content = await _download(reply.bot, file_id)
            except (TelegramBadRequest, TelegramNetworkError) as error:
                log.warning("file download failed", extra={"error": str(error)})
                problem = "file_size" if "too big" in str(error) else "file_failed"
            else:
                problem = content_problem(name, content)  # empty, or not what its name says
        if problem is not None:
            error = AnswerError(problem, type=type_label(name))
            await show_position(
                record, "⚠️ " + refusal(error), acting=acting, reply=reply, rules=rules
            )
            return
        await dossiers.attach(
            record,
            slot=slot,
            file_name=name or "file",
            mime_type=mime or "",
            content=content,
            telegram_file_id=file_id,
            files_dir=settings.files_dir,
        )
        prefix = _("✔ File received: {name}").format(name=html.quote(name or "file"))
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
        if not record.is_profile and record.shows_files():
            await dossiers.load_files(record)
        answering = Flow.registering if record.is_profile else Flow.dossier
        await state.set_state(answering)
        if callback_data.at != step_at(record.cursor) or callback_data.action not in STEPS:
            await query.answer(
                _("This button is no longer valid. Here is where you are now."), show_alert=True
            )
            if not record.is_profile:
                await dossiers.activate(record)
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
    """Carry out one button of the question; True once the next screen has been sent."""
    form, answers, cursor = record.form, record.answers, record.cursor
    question = asked(form, cursor)
    action = data.action
    move: Move | None = None
    if action == "c" and question is not None:
        move = flow.give_answer(form, answers, cursor, _choice_value(question, data.value))
    elif action == "t":
        move = flow.toggle(form, answers, cursor, data.value)
    elif action == "back":
        move = flow.back(form, answers, cursor)
    elif action == "skip":
        move = flow.skip(form, answers, cursor)
    elif action == "keep":
        move = flow.keep_answer(form, answers, cursor)
    elif action == "amt" and question is not None:
        move = flow.give_answer(
            form, answers, cursor, await _amount_picked(cursor, data, state=state)
        )
    elif action == "add":
        move = flow.start_item(form, answers, cursor)
    elif action == "cancel":
        move = flow.cancel_item(form, answers, cursor)
    elif action == "rmi":
        move = flow.remove_item(form, answers, cursor, data.value)
    elif action == "done":
        move = flow.finish_group(form, answers, cursor)
    elif action == "rm" and question is not None and question.kind == Kind.LIST:
        await reply.send(removal_screen(record))
        return True
    elif action == "rmfiles" and question is not None and not record.is_profile:
        await dossiers.load_files(record)
        await reply.send(file_removal_screen(record, slot_files(question, answers, record.files)))
        return True
    elif action == "rmf" and question is not None and data.value.isdigit():
        await dossiers.load_files(record)
        mine = {f.id for f in slot_files(question, answers, record.files)}
        if int(data.value) in mine:
            await dossiers.detach(record, int(data.value))
    if move is None:
        return False
    await records.apply(record, move)
    left = question.kind if question is not None and cursor.field is None else None
    money = action == "amt"
    await _after_move(
        record,
        left if action not in ("t", "add", "rmi") else None,
        money_given=money,
        changed=cursor.q if cursor.jump else None,
        acting=acting,
        reply=reply,
        state=state,
        dossiers=dossiers,
        profiles=profiles,
        rules=rules,
    )
    return True


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


def _choice_value(question: Question, value: str) -> object:
    if question.kind == Kind.YES_NO and value in ("0", "1"):
        return value == "1"
    if question.kind == Kind.DATE and value in ("today", "yesterday"):  # quick date buttons
        return (today() - timedelta(days=int(value == "yesterday"))).isoformat()
    if question.kind == Kind.CHOICE and any(c.value == value for c in question.choices):
        return value
    raise MoveRefused("not_here")


async def _download(bot: Bot, file_id: str) -> bytes:
    file = await bot.get_file(file_id)
    buffer = io.BytesIO()
    await bot.download_file(file.file_path, destination=buffer)
    return buffer.getvalue()
