"""Answering the dossier's questions: typed answers, contacts, locations, files and buttons."""

import io
import logging
from dataclasses import replace

from aiogram import Bot, Router, html
from aiogram.exceptions import TelegramBadRequest, TelegramNetworkError
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.domain import flow
from bot.domain.answers import AnswerError
from bot.domain.flow import Move, asked
from bot.domain.forms import MAX_FILES, Answers, Kind, Question
from bot.domain.navigation import REVIEW
from bot.domain.rules import FundingRules, letter_slot
from bot.domain.uploads import upload_problem
from bot.screens.base import Screen
from bot.screens.common import locale, shown_answer
from bot.screens.errors import refusal
from bot.screens.financing import coach
from bot.screens.question import (
    COACHED,
    file_removal_screen,
    letter_target,
    removal_screen,
    slot_files,
    step_at,
)
from bot.services import dossiers as service
from bot.telegram.callbacks import Step
from bot.telegram.filters import Typed, Upload
from bot.telegram.states import Flow
from handlers.inputs import answer_from
from handlers.replies import chat_of, say, send, show_position, show_where
from storage.models import Account

log = logging.getLogger(__name__)


async def _active(
    bot: Bot,
    chat_id: int,
    session: AsyncSession,
    account: Account,
    fsm: FSMContext,
    rules: FundingRules,
) -> service.DossierState | None:
    """The draft typed answers go to; None (and the person shown where they are) otherwise."""
    state = await service.load_active(session, account)
    if state is None or not state.editable:
        await fsm.clear()
        await show_where(bot, chat_id, session, account, fsm, rules)
        return None
    return state


def _understood(question: Question, value: object, answers: Answers) -> str:
    return _("✔ Understood: {answer}").format(
        answer=shown_answer(question, value, answers.get("currency"))
    )


async def _after_move(
    bot: Bot,
    chat_id: int,
    state: service.DossierState,
    rules: FundingRules,
    left_kind: Kind | None,
    prefix: str | None = None,
    money_given: bool = False,
) -> None:
    """Show the new position; after an amount, the financing picture comes first."""
    if left_kind in (Kind.PHONE, Kind.LOCATION):
        await say(bot, chat_id, _("✔ Saved."))
    parts = [prefix] if prefix else []
    cursor = state.cursor
    if money_given and (cursor.field is not None or cursor.q not in COACHED):
        answers = state.dossier.answers
        if cursor.field is not None and cursor.item:
            # A partner being entered already counts in the picture.
            answers = {**answers, cursor.q: [*(answers.get(cursor.q) or ()), cursor.item]}
        parts.append(coach(answers, rules))
    await show_position(bot, chat_id, state, rules, "\n\n".join(parts) or None)


def router() -> Router:
    r = Router(name="questionnaire")

    @r.message(StateFilter(Flow.dossier), Typed())
    async def typed(
        message: Message,
        bot: Bot,
        session: AsyncSession,
        account: Account,
        state: FSMContext,
        rules: FundingRules,
    ) -> None:
        """A typed answer (or a shared contact or location) to the current question."""
        chat_id = message.chat.id
        dossier = await _active(bot, chat_id, session, account, state, rules)
        if dossier is None:
            return
        question = asked(dossier.cursor)
        if dossier.cursor.q == REVIEW or question is None:
            await send(bot, chat_id, [Screen(_("Please use the buttons below the review."))])
            await show_position(bot, chat_id, dossier, rules)
            return
        answers = dossier.dossier.answers
        try:
            parsed = answer_from(question, message, locale(), answers)
        except AnswerError as error:
            await show_position(bot, chat_id, dossier, rules, "⚠️ " + refusal(error))
            return
        move = flow.give_answer(answers, dossier.cursor, parsed.value)
        await service.apply(session, account, dossier, move)
        await service.ready_for_screen(session, dossier)
        prefix = _understood(question, parsed.value, move.answers) if parsed.echo else None
        await _after_move(
            bot,
            chat_id,
            dossier,
            rules,
            question.kind,
            prefix,
            money_given=question.kind == Kind.MONEY,
        )

    @r.message(StateFilter(Flow.dossier), Upload())
    async def upload(
        message: Message,
        bot: Bot,
        session: AsyncSession,
        account: Account,
        state: FSMContext,
        rules: FundingRules,
        settings: Settings,
    ) -> None:
        """A file for the current attachment question: checked, downloaded, kept with its hash."""
        chat_id = message.chat.id
        dossier = await _active(bot, chat_id, session, account, state, rules)
        if dossier is None:
            return
        question = flow.current_question(dossier.cursor)
        if question is None or question.kind not in (Kind.FILES, Kind.LETTERS):
            error = AnswerError("not_expecting_file")
            await show_position(bot, chat_id, dossier, rules, "⚠️ " + refusal(error))
            return
        if message.document is not None:
            doc = message.document
            name, mime, size, file_id = doc.file_name, doc.mime_type, doc.file_size, doc.file_id
        else:
            photo = message.photo[-1]
            name, mime, size, file_id = (
                f"photo_{photo.file_unique_id}.jpg",
                "image/jpeg",
                photo.file_size,
                photo.file_id,
            )
        problem = upload_problem(name, mime, size)
        mine = slot_files(question, dossier.dossier.answers, dossier.files)
        if question.kind == Kind.FILES and len(mine) >= MAX_FILES:
            problem = "file_count"
        slot = question.key
        if question.kind == Kind.LETTERS:
            target = letter_target(dossier.dossier.answers, dossier.files)
            if target is None:
                await show_position(
                    bot, chat_id, dossier, rules, _("Every confirmed partner already has a letter.")
                )
                return
            slot = letter_slot(target["id"])
        if problem is None:
            try:
                content = await _download(bot, file_id)
            except (TelegramBadRequest, TelegramNetworkError) as error:
                log.warning("file download failed", extra={"error": str(error)})
                problem = "file_size" if "too big" in str(error) else "file_failed"
        if problem is not None:
            await show_position(bot, chat_id, dossier, rules, "⚠️ " + refusal(AnswerError(problem)))
            return
        await service.attach(
            session,
            account,
            dossier,
            slot=slot,
            file_name=name or "file",
            mime_type=mime or "",
            content=content,
            telegram_file_id=file_id,
            files_dir=settings.files_dir,
        )
        prefix = _("✔ File received: {name}").format(name=html.quote(name or "file"))
        await show_position(bot, chat_id, dossier, rules, prefix)

    @r.callback_query(Step.filter())
    async def step(
        query: CallbackQuery,
        callback_data: Step,
        bot: Bot,
        session: AsyncSession,
        account: Account,
        state: FSMContext,
        rules: FundingRules,
    ) -> None:
        """A button of the current question; an old button only shows where the person is."""
        chat_id = chat_of(query)
        dossier = await service.load(session, account, callback_data.dossier)
        if dossier is None or not dossier.editable:
            await query.answer(_("This button is no longer valid."), show_alert=True)
            await show_where(bot, chat_id, session, account, state, rules)
            return
        if callback_data.at != step_at(dossier.cursor):
            await query.answer(
                _("This button is no longer valid. Here is where you are now."), show_alert=True
            )
            await service.activate(session, account, dossier)
            await state.set_state(Flow.dossier)
            await show_position(bot, chat_id, dossier, rules)
            return
        await query.answer()
        await state.set_state(Flow.dossier)
        await _step(bot, chat_id, session, account, dossier, rules, callback_data)

    return r


async def _step(
    bot: Bot,
    chat_id: int,
    session: AsyncSession,
    account: Account,
    dossier: service.DossierState,
    rules: FundingRules,
    data: Step,
) -> None:
    answers, cursor = dossier.dossier.answers, dossier.cursor
    question = asked(cursor)
    action = data.action
    move: Move | None = None
    try:
        if action == "c" and question is not None:
            value = _choice_value(question, data.value)
            move = flow.give_answer(answers, cursor, value)
        elif action == "back":
            move = flow.back(answers, cursor)
        elif action == "skip":
            move = flow.skip(answers, cursor)
        elif action == "keep" and question is not None and answers.get(question.key) is not None:
            move = flow.keep_answer(answers, cursor)
        elif action == "add":
            move = flow.start_item(answers, cursor)
        elif action == "cancel":
            move = Move(dict(answers), replace(cursor, field=None, item=None))
        elif action == "rmi":
            move = flow.remove_item(answers, cursor, data.value)
        elif action == "done":
            move = flow.finish_group(answers, cursor)
        elif action == "rm":
            await send(bot, chat_id, [removal_screen(dossier.dossier.id, answers, cursor)])
            return
        elif action == "rmfiles" and question is not None:
            mine = slot_files(question, answers, dossier.files)
            await send(bot, chat_id, [file_removal_screen(dossier.dossier.id, cursor, mine)])
            return
        elif action == "rmf" and question is not None and data.value.isdigit():
            mine = {f.id for f in slot_files(question, answers, dossier.files)}
            if int(data.value) in mine:
                await service.detach(session, dossier, int(data.value))
    except ValueError:
        move = None
    if move is not None:
        await service.apply(session, account, dossier, move)
        left = question.kind if question is not None and cursor.field is None else None
        await _after_move(bot, chat_id, dossier, rules, left)
        return
    await show_position(bot, chat_id, dossier, rules)


def _choice_value(question: Question, value: str) -> object:
    if question.kind == Kind.YES_NO and value in ("0", "1"):
        return value == "1"
    if question.kind == Kind.CHOICE and any(c.value == value for c in question.choices):
        return value
    raise ValueError(value)


async def _download(bot: Bot, file_id: str) -> bytes:
    file = await bot.get_file(file_id)
    buffer = io.BytesIO()
    await bot.download_file(file.file_path, destination=buffer)
    return buffer.getvalue()
