"""The Secretariat's review, in its chat or in private: the queue, a dossier, status changes,
messages to the city, Bureau sessions. Every action re-checks the role of the person who acts and
the dossier's status now, whatever the button says."""

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from aiogram import Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, CommandObject, Filter
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bot.domain.answers import AnswerError, clean_text
from bot.domain.decisions import DOSSIER, Draft, foreseen_case, granted_concerns
from bot.domain.fund_form import CURRENCIES, financing
from bot.domain.machine import Needs, StatusRefused
from bot.domain.numbers import NumberError, read_money
from bot.domain.review import Case, QueueFilter, parse_filter
from bot.domain.roles import Action
from bot.domain.sessions import BureauSession, schedulable
from bot.domain.workflow import (
    DECIDED,
    REASON_PROMPT,
    SESSION_PROMPT,
    Transition,
    corrections,
    find_correction,
    find_move,
    moves,
)
from bot.screens.base import Screen
from bot.screens.common import locale
from bot.screens.decisions import (
    Foreseen,
    city_reads,
    corrections_screen,
    move_intro,
    preview_screens,
    refused_amount,
)
from bot.screens.errors import refusal
from bot.screens.home import no_longer_possible, status_label
from bot.screens.queue_words import queue_vocabulary, unknown_words
from bot.screens.secretariat import (
    attachment_caption,
    city_case_screens,
    dossier_screens,
    queue_screen,
    session_label,
    sessions_screen,
)
from bot.telegram.callbacks import Staff, staff_data
from bot.telegram.context import Context
from handlers.decisions import DraftSteps, confirm, preview
from handlers.documents import send_dossier_pdf
from handlers.inputs import today
from handlers.moves import Read, Room
from handlers.moves import ask as ask_move
from handlers.moves import press as press_move
from handlers.notes import MAX_NOTE, Asked, NoteHandler, Purpose, ask_note
from handlers.rights import deny


async def move(ctx: Context, case: Case, key: str, **given: object) -> Case:
    """Take a move (already allowed by the table for this person); a refusal (someone was
    quicker) is raised to the glue, which tells the presser where the dossier stands now."""
    updated = await ctx.review.move(case, key, **given)
    return updated


def done_text(case: Case) -> str:
    """The short answer to whoever made a change (the card and the city say the rest)."""
    return _("✔ {reference}: {status}").format(
        reference=case.record.reference, status=status_label(case.record.status)
    )


async def moved_on(ctx: Context, dossier_id: int | None = None) -> None:
    """A move that cannot be taken (someone else took one first, or the screen was old): nothing
    changed, and the presser is told where the dossier stands now, in their language."""
    case = await ctx.review.case(dossier_id) if dossier_id is not None else None
    if case is None:
        await ctx.send(Screen(_("This change is no longer possible: the dossier has moved on.")))
        return
    label = status_label(case.record.status)
    await ctx.send(Screen(no_longer_possible(case.record.reference, label)))


async def show_case(ctx: Context, case: Case) -> None:
    """The whole dossier, where it was asked for (`/dossier` typed)."""
    await ctx.send(*dossier_screens(case, staff_moves(ctx, case), ctx.rules))


async def open_case(ctx: Context, case: Case) -> None:
    """The whole dossier asked for with a button ("📂 Open", a stale one): long, so from a
    shared chat it goes to the presser privately, in their language."""
    await ctx.send_privately(lambda: dossier_screens(case, staff_moves(ctx, case), ctx.rules))


def staff_moves(ctx: Context, case: Case) -> list[Transition]:
    return [t for t in moves(case.record.status, ctx.role, False) if t.by_staff]


async def _staff_case(ctx: Context, dossier_id: int) -> Case:
    """The dossier, for staff with the right to review; refused otherwise (the glue,
    bot/telegram/refusals.py, says it is reserved for them)."""
    case = await ctx.review.case(dossier_id) if ctx.may(Action.REVIEW_DOSSIERS) else None
    if case is None:
        raise StatusRefused("not_allowed")
    return case


async def _write_city(ctx: Context, asked: Asked, text: str) -> None:
    """A staff member's message to the city about a dossier."""
    case = await _staff_case(ctx, asked.target)
    await write(ctx, case, text)


async def _read_amount(
    ctx: Context, case: Case, transition: Transition, draft: Draft, text: str
) -> Read:
    """The amount granted, typed in the dossier's currency (said again if it cannot be read)."""
    currency = case.record.currency
    try:
        typed = read_money(
            text, locale(), (currency,) if currency else CURRENCIES, default=currency
        )
    except NumberError as error:
        problem = AnswerError(f"number_{error.code}", **error.details)
        await ctx.send(Screen("⚠️ " + refusal(problem)))
        return None
    return replace(draft, currency=typed.currency), typed.amount, typed.typed


async def _choose(ctx: Context, case: Case, transition: Transition, carry: dict[str, Any]) -> bool:
    """A Bureau session is chosen with buttons (its button takes the move)."""
    if transition.needs != Needs.SESSION:
        return False
    await _pick_session(ctx, case)
    return True


async def _take_now(ctx: Context, case: Case, transition: Transition) -> bool:
    """A move that needs nothing (start the review, eligible) is taken at once."""
    updated = await move(ctx, case, transition.key)
    await ctx.send(Screen(done_text(updated)))
    return True


async def _moved(ctx: Context, case: Case) -> None:
    await moved_on(ctx, case.record.id)


def room() -> Room:
    """What the one move handler (handlers/moves.py) needs of the review."""
    return Room(
        name="dossier",
        kind=DOSSIER,
        steps=steps(),
        load=_staff_case,
        target=lambda case: case.record.id,
        find=_transition,
        status=lambda case: case.record.status,
        facts=lambda case: {
            "reference": case.record.reference,
            "currency": case.record.currency or "",
        },
        moved=_moved,
        choose=_choose,
        read=_read_amount,
        take_now=_take_now,
        annotate=_with_readers,
    )


async def _transition(ctx: Context, case: Case, key: str) -> Transition | None:
    """The staff move `key` on this dossier now, a correction included while it may be made."""
    found = find_move(case.record.status, key, ctx.role, False)
    if found is not None:
        return found if found.by_staff else None
    if not key.startswith("fix_"):
        return None
    window = await ctx.review.correction_window(case, ctx.settings.sessions(today()))
    return find_correction(case.record.status, window.origin, key, ctx.role) if window else None


async def _chosen(ctx: Context, draft: Draft) -> None:
    """The move's note or amount is known: the amount checked (refused, or confirmed once
    more), a correction's reason asked, then the preview of what the city will read."""
    case = await _staff_case(ctx, draft.target)
    transition = await _transition(ctx, case, draft.key)
    if transition is None or case.record.status != draft.expected:
        await moved_on(ctx)
        return
    if transition.needs == Needs.AMOUNT:
        if draft.amount is None:
            await ask_amount(ctx, case, transition)
            return
        concerns = granted_concerns(draft.amount, financing(case.record.answers), ctx.rules)
        blocking = [c for c in concerns if c.blocking]
        if blocking:
            await ctx.send(Screen(refused_amount(blocking, draft.amount, draft.currency)))
            await ask_amount(ctx, case, transition)
            return
        if concerns and not draft.confirmed:
            await confirm(ctx, draft, concerns)
            return
    if transition.correction and not draft.note:
        prompt = await _with_readers(ctx, case, _reason_prompt(case))
        await ask_note(ctx, Purpose.FIX_REASON, case.record.id, prompt, carry=draft.to_data())
        return
    after = foreseen_case(case, transition, draft, ctx.person.name, datetime.now(UTC))
    foreseen = [Foreseen(*told) for told in await ctx.review.foreseen(case, after)]
    intro = move_intro(case, transition, draft)
    await preview(ctx, draft, lambda token: preview_screens(intro, foreseen, token))


async def _send(ctx: Context, draft: Draft) -> None:
    """Send (“📤 Send”): the move, from the status the preview showed; a stale one changes
    nothing and says so."""
    case = await _staff_case(ctx, draft.target)
    updated = await ctx.review.move(
        case,
        draft.key,
        note=draft.note,
        amount=draft.amount,
        expected=draft.expected,
        calendar=ctx.settings.sessions(today()),
    )  # a stale one is refused: nothing recorded or sent (bot/telegram/refusals.py says so)
    await ctx.send(Screen(done_text(updated)))


async def _change(ctx: Context, draft: Draft) -> None:
    """Change (“✏️ Change”): the note or the amount is asked again."""
    case = await _staff_case(ctx, draft.target)
    if not await press_move(ctx, room(), case, draft.key):
        await moved_on(ctx)


def steps() -> DraftSteps:
    """A dossier's move, seen before it goes (handlers/decisions.py)."""
    return DraftSteps(_chosen, _send, _change)


def notes() -> dict[Purpose, NoteHandler]:
    return {
        Purpose.FIX_REASON: _fix_reason,
        Purpose.WRITE_CITY: _write_city,
    }


async def _fix_reason(ctx: Context, asked: Asked, text: str) -> None:
    """The reason of a correction, typed once its amount is known."""
    draft = Draft.from_data(asked.carry)
    if draft is not None and draft.kind == DOSSIER:
        await _chosen(ctx, replace(draft, note=text))


async def ask_amount(ctx: Context, case: Case, transition: Transition) -> None:
    await ask_move(ctx, room(), case, transition, {})


def _prompt(prompt: str, case: Case) -> str:
    """A move's prompt (an N_ string of the table), in the asker's language."""
    return _(prompt).format(reference=case.record.reference, currency=case.record.currency or "")


def _reason_prompt(case: Case) -> str:
    return _prompt(REASON_PROMPT, case)


async def write(ctx: Context, case: Case, text: str) -> None:
    """A message on the dossier, delivered to the other side; each reads it in their language."""
    updated = await ctx.review.write(case, text)
    if updated is None:
        await ctx.send(Screen(_("This dossier is not available to you.")))
        return
    await ctx.send(Screen(_("✔ Message sent.")))


def router() -> Router:
    r = Router(name="review")

    @r.message(Command("queue"))
    async def queue(message: Message, command: CommandObject, ctx: Context) -> None:
        """Dossiers waiting on the Secretariat, oldest first; words filter (status, country,
        sector, a session's date, "flagged")."""
        if not ctx.may(Action.REVIEW_DOSSIERS):
            await deny(ctx)
            return
        wanted = await read_filter(ctx, command.args or "", await ctx.review.sessions(ALL_TIME))
        if wanted is not None:
            await _show_queue(ctx, wanted)

    @r.message(Command("dossier"))
    async def dossier(message: Message, command: CommandObject, ctx: Context) -> None:
        """`/dossier FC-2027-0042`: the whole dossier, for staff or for its own city."""
        reference = (command.args or "").strip()
        case = await ctx.review.find(reference) if reference else None
        if case is None:
            await ctx.send(Screen(_("No dossier of yours has this reference.")))
            return
        if ctx.may(Action.REVIEW_DOSSIERS):
            await show_case(ctx, case)
            return
        await show_to_city(ctx, case)

    @r.message(Command("sessions"))
    async def sessions(message: Message, command: CommandObject, ctx: Context) -> None:
        """Bureau sessions; `/sessions add 2027-04-28 2027-03-01 Paris` adds one."""
        if not ctx.may(Action.REVIEW_DOSSIERS):
            await deny(ctx)
            return
        words = (command.args or "").split()
        if words[:1] == ["add"]:
            await _add_session(ctx, words[1:])
            return
        await ctx.send(sessions_screen(await ctx.review.sessions(today())))

    @r.callback_query(Staff.filter())
    async def staff_button(query: CallbackQuery, callback_data: Staff, ctx: Context) -> None:
        """A button of the review: its payload names the dossier and the action; both are
        checked again, with the presser's role, before anything changes."""
        if not ctx.may(Action.REVIEW_DOSSIERS):
            await deny(ctx, query)
            return
        action, value = callback_data.action, callback_data.value
        if action == "queue":
            await query.answer()
            await _show_queue(ctx, QueueFilter.unpack(value))
            return
        case = await ctx.review.case(callback_data.dossier)
        if case is None:
            await query.answer(_("This dossier is not available to you."), show_alert=True)
            return
        await query.answer()
        if action == "open":
            await open_case(ctx, case)
        elif action == "files":
            await _send_files(ctx, case)
        elif action == "pdf":
            await send_dossier_pdf(ctx, case.record.id)
        elif action == "write":
            prompt = _("Your message to {city} about {reference}?").format(
                city=case.city, reference=case.record.reference
            )
            prompt = await _with_readers(ctx, case, prompt)
            await ask_note(ctx, Purpose.WRITE_CITY, case.record.id, prompt)
        elif action == "mv":
            await _start_move(ctx, case, value)
        elif action == "fix":
            await _offer_corrections(ctx, case)
        elif action == "sched":
            await _schedule(ctx, case, value)
        else:
            await open_case(ctx, case)

    @r.message(InDossierTopic())
    async def topic_reply(message: Message, ctx: Context) -> None:
        """Staff writing in a dossier's topic of the Secretariat's forum answer the city, as with
        "Answer the city". Anyone else there, and topics of no dossier, are left alone."""
        if not ctx.may(Action.REVIEW_DOSSIERS) or ctx.thread_id is None:
            raise SkipHandler
        if await ctx.fsm.get_state() is not None:  # e.g. the member list awaited as a document
            raise SkipHandler
        case = await ctx.review.in_topic(ctx.thread_id)
        if case is None:
            raise SkipHandler
        text = clean_text(message.text or "")
        if not text:
            raise SkipHandler
        if len(text) > MAX_NOTE:
            problem = AnswerError("too_long", maximum=MAX_NOTE, length=len(text))
            await ctx.send(Screen("⚠️ " + refusal(problem)))
            return
        await write(ctx, case, text)

    return r


class InDossierTopic(Filter):
    """A text message, not a command, in a topic of the Secretariat's chat (and not a note: the
    notes' router comes first). Whether the topic is a dossier's is the handler's to look up."""

    async def __call__(self, message: Message, ctx: Context | None = None) -> bool:
        if ctx is None or message.chat.id != ctx.settings.secretariat_chat_id:
            return False
        if not message.is_topic_message or message.message_thread_id is None:
            return False
        return bool(message.text) and not message.text.startswith("/")


ALL_TIME = date(2000, 1, 1)  # every Bureau session, held or to come


async def read_filter(ctx: Context, text: str, sessions: list[BureauSession]) -> QueueFilter | None:
    """The words of `/queue` or `/export` read in the staff member's language (and, in a shared
    chat, in the chat's too); None (and what is accepted said) when a word means nothing, rather
    than a list it did not narrow."""
    words = {**queue_vocabulary(sessions), **ctx.own(lambda: queue_vocabulary(sessions))}
    wanted, unknown = parse_filter(text, words)
    if unknown:
        await ctx.send(Screen(unknown_words(unknown, sessions)))
        return None
    return wanted


async def _show_queue(ctx: Context, wanted: QueueFilter) -> None:
    cases, total = await ctx.review.queue(wanted)
    sessions = await ctx.review.sessions(ALL_TIME) if wanted.session_id is not None else []
    await ctx.send(queue_screen(cases, total, wanted, today(), sessions))


async def _start_move(ctx: Context, case: Case, key: str) -> None:
    if not await press_move(ctx, room(), case, key):
        await moved_on(ctx, case.record.id)
        await open_case(ctx, case)


async def _with_readers(ctx: Context, case: Case, prompt: str) -> str:
    """A prompt for words the city will read, with the languages its officials read them in."""
    readers = await ctx.review.readers(case.record.id)
    languages = [p.language or ctx.settings.default_language for p in readers]
    return prompt + "\n" + city_reads(case.city, languages)


async def _offer_corrections(ctx: Context, case: Case) -> None:
    """“✏️ Correct the decision”: the corrections the table allows, while it may be made."""
    if case.record.status not in DECIDED:
        await moved_on(ctx)
        return
    window = await ctx.review.correction_window(case, ctx.settings.sessions(today()))
    if window is None:
        text = _(
            "The decision on {reference} can no longer be corrected: the next Bureau session "
            "has been held."
        ).format(reference=case.record.reference)
        await ctx.send(Screen(text))
        return
    options = corrections(case.record.status, window.origin, ctx.role)
    await ctx.send(corrections_screen(case, window, options))


async def _pick_session(ctx: Context, case: Case) -> None:
    """The sessions the dossier may go to: the stored ones, else (a fresh install) those of
    `BUREAU_SESSIONS`, stored when picked; a deferred dossier only later than its deferral's."""
    day = today()
    stored = await ctx.review.sessions(day)
    offered = schedulable(
        stored or ctx.settings.sessions(day), case.record.status, case.session, day
    )
    if not offered:
        await ctx.send(Screen(_("No Bureau session is planned yet: add one with /sessions add.")))
        return

    def value(s: BureauSession) -> str:
        return str(s.id) if s.id is not None else s.held_on.isoformat()

    rows = [
        [
            InlineKeyboardButton(
                text=session_label(s), callback_data=staff_data("sched", case.record.id, value(s))
            )
        ]
        for s in offered[:6]
    ]
    text = _prompt(SESSION_PROMPT, case)
    await ctx.send(Screen(text, InlineKeyboardMarkup(inline_keyboard=rows)))


async def _schedule(ctx: Context, case: Case, value: str) -> None:
    """A session's button: a stored session's id, or the date of a configured one."""
    session_id = int(value) if value.isdigit() else None
    if session_id is None:
        try:
            held_on = date.fromisoformat(value)
        except ValueError:
            held_on = None
        calendar = ctx.settings.sessions(today())
        picked = await ctx.review.session_for_schedule(held_on, calendar) if held_on else None
        session_id = picked.id if picked is not None else None
    if session_id is None:
        await moved_on(ctx, case.record.id)
        return
    updated = await move(ctx, case, "schedule", session_id=session_id)
    if updated is not None:
        await ctx.send(Screen(done_text(updated)))


async def _send_files(ctx: Context, case: Case) -> None:
    """The attachments again, as documents (Telegram keeps the files it received)."""
    for info in case.record.files:
        caption = attachment_caption(case.record, info)
        await ctx.bot.send_document(
            ctx.chat_id, info.telegram_file_id, caption=caption, message_thread_id=ctx.thread_id
        )


async def _add_session(ctx: Context, words: list[str]) -> None:
    """`/sessions add <date> <deadline> <place…>`, dates as YYYY-MM-DD."""
    try:
        held_on, deadline = date.fromisoformat(words[0]), date.fromisoformat(words[1])
    except (IndexError, ValueError):
        held_on = deadline = None
    place = " ".join(words[2:])[:100]
    if held_on is None or deadline is None or deadline > held_on or held_on < today():
        await ctx.send(
            Screen(
                _(
                    "Expected: /sessions add 2027-04-28 2027-03-01 Paris — the session's date, "
                    "the last day to send dossiers (not after it), and the place."
                )
            )
        )
        return
    added = await ctx.review.add_session(held_on, deadline, place)
    if added is None:
        await ctx.send(Screen(_("A session on this date already exists.")))
        return
    await ctx.send(sessions_screen(await ctx.review.sessions(today())))


async def show_to_city(ctx: Context, case: Case) -> None:
    of_the_city = [t for t in moves(case.record.status, ctx.role, True) if not t.by_staff]
    await ctx.send(*city_case_screens(case, of_the_city, ctx.rules))
