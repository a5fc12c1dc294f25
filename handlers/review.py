"""The Secretariat's review, in its chat or in private: the queue, a dossier, status changes,
messages to the city, Bureau sessions. Every action re-checks the role of the person who acts and
the dossier's status now, whatever the button says."""

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from aiogram import Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, CommandObject, Filter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.conversation.decisions import DraftSteps, confirm, preview
from bot.conversation.documents import send_dossier_pdf
from bot.conversation.dossier_views import read_filter, show_to_city, write
from bot.conversation.moves import Read, Room
from bot.conversation.moves import ask as ask_move
from bot.conversation.moves import press as press_move
from bot.conversation.notes import MAX_NOTE, Asked, NoteHandler, Purpose, ask_note
from bot.conversation.privately import send_privately
from bot.conversation.rights import deny
from bot.domain.answers import AnswerError, clean_text
from bot.domain.decisions import DOSSIER, Draft, foreseen_case, granted_concerns
from bot.domain.fund_form import CURRENCIES, financing
from bot.domain.machine import Needs, StatusRefused
from bot.domain.numbers import NumberError, read_money
from bot.domain.review import Case, QueueFilter
from bot.domain.roles import Action
from bot.domain.rules import FundingRules
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
from bot.screens.secretariat import (
    attachment_caption,
    dossier_screens,
    queue_screen,
    session_label,
    sessions_screen,
)
from bot.services.acting import Acting
from bot.services.documents import Documents
from bot.services.review import Review
from bot.telegram.callbacks import Staff, staff_data
from bot.telegram.inject import Inject
from bot.telegram.inputs import today
from bot.telegram.reply import Reply


def done_text(case: Case) -> str:
    """The short answer to whoever made a change (the card and the city say the rest)."""
    return _("✔ {reference}: {status}").format(
        reference=case.record.reference, status=status_label(case.record.status)
    )


async def moved_on(dossier_id: int | None = None, *, reply: Reply, review: Review) -> None:
    """A move that cannot be taken (someone else took one first, or the screen was old): nothing
    changed, and the presser is told where the dossier stands now, in their language."""
    case = await review.case(dossier_id) if dossier_id is not None else None
    if case is None:
        await reply.send(Screen(_("This change is no longer possible: the dossier has moved on.")))
        return
    label = status_label(case.record.status)
    await reply.send(Screen(no_longer_possible(case.record.reference, label)))


async def show_case(case: Case, *, acting: Acting, reply: Reply, rules: FundingRules) -> None:
    """The whole dossier, where it was asked for (`/dossier` typed)."""
    await reply.send(*dossier_screens(case, staff_moves(case, acting=acting), rules))


async def open_case(case: Case, *, acting: Acting, reply: Reply, rules: FundingRules) -> None:
    """The whole dossier asked for with a button ("📂 Open", a stale one): long, so from a
    shared chat it goes to the presser privately, in their language."""
    await send_privately(
        lambda: dossier_screens(case, staff_moves(case, acting=acting), rules),
        acting=acting,
        reply=reply,
    )


def staff_moves(case: Case, *, acting: Acting) -> list[Transition]:
    return [t for t in moves(case.record.status, acting.role, False) if t.by_staff]


async def _staff_case(dossier_id: int, *, acting: Acting, review: Review) -> Case:
    """The dossier, for staff with the right to review; refused otherwise (the glue,
    bot/telegram/refusals.py, says it is reserved for them)."""
    case = await review.case(dossier_id) if acting.may(Action.REVIEW_DOSSIERS) else None
    if case is None:
        raise StatusRefused("not_allowed")
    return case


async def _write_city(
    asked: Asked, text: str, *, acting: Acting, reply: Reply, review: Review
) -> None:
    """A staff member's message to the city about a dossier."""
    case = await _staff_case(asked.target, acting=acting, review=review)
    await write(case, text, reply=reply, review=review)


async def _read_amount(
    case: Case, transition: Transition, draft: Draft, text: str, *, reply: Reply
) -> Read:
    """The amount granted, typed in the dossier's currency (said again if it cannot be read)."""
    currency = case.record.currency
    try:
        typed = read_money(
            text, locale(), (currency,) if currency else CURRENCIES, default=currency
        )
    except NumberError as error:
        problem = AnswerError(f"number_{error.code}", **error.details)
        await reply.send(Screen("⚠️ " + refusal(problem)))
        return None
    return replace(draft, currency=typed.currency), typed.amount, typed.typed


async def _choose(
    case: Case,
    transition: Transition,
    carry: dict[str, Any],
    *,
    reply: Reply,
    review: Review,
    settings: Settings,
) -> bool:
    """A Bureau session is chosen with buttons (its button takes the move)."""
    if transition.needs != Needs.SESSION:
        return False
    await _pick_session(case, reply=reply, review=review, settings=settings)
    return True


async def _take_now(case: Case, transition: Transition, *, reply: Reply, review: Review) -> bool:
    """A move that needs nothing (start the review, eligible) is taken at once."""
    updated = await review.move(case, transition.key)
    await reply.send(Screen(done_text(updated)))
    return True


async def _moved(case: Case, *, reply: Reply, review: Review) -> None:
    await moved_on(case.record.id, reply=reply, review=review)


def room() -> Room:
    """What the one move handler (bot/conversation/moves.py) needs of the review."""
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


async def _transition(
    case: Case, key: str, *, acting: Acting, review: Review, settings: Settings
) -> Transition | None:
    """The staff move `key` on this dossier now, a correction included while it may be made."""
    found = find_move(case.record.status, key, acting.role, False)
    if found is not None:
        return found if found.by_staff else None
    if not key.startswith("fix_"):
        return None
    window = await review.correction_window(case, settings.sessions(today()))
    return find_correction(case.record.status, window.origin, key, acting.role) if window else None


async def _chosen(
    draft: Draft,
    *,
    acting: Acting,
    reply: Reply,
    state: FSMContext,
    inject: Inject,
    review: Review,
    settings: Settings,
    rules: FundingRules,
) -> None:
    """The move's note or amount is known: the amount checked (refused, or confirmed once
    more), a correction's reason asked, then the preview of what the city will read."""
    case = await _staff_case(draft.target, acting=acting, review=review)
    transition = await _transition(case, draft.key, acting=acting, review=review, settings=settings)
    if transition is None or case.record.status != draft.expected:
        await moved_on(reply=reply, review=review)
        return
    if transition.needs == Needs.AMOUNT:
        if draft.amount is None:
            await ask_amount(case, transition, reply=reply, state=state, inject=inject)
            return
        concerns = granted_concerns(draft.amount, financing(case.record.answers), rules)
        blocking = [c for c in concerns if c.blocking]
        if blocking:
            await reply.send(Screen(refused_amount(blocking, draft.amount, draft.currency)))
            await ask_amount(case, transition, reply=reply, state=state, inject=inject)
            return
        if concerns and not draft.confirmed:
            await confirm(draft, concerns, reply=reply, state=state)
            return
    if transition.correction and not draft.note:
        prompt = await _with_readers(case, _reason_prompt(case), review=review, settings=settings)
        await ask_note(
            Purpose.FIX_REASON,
            case.record.id,
            prompt,
            carry=draft.to_data(),
            reply=reply,
            state=state,
        )
        return
    after = foreseen_case(case, transition, draft, acting.person.name, datetime.now(UTC))
    foreseen = [Foreseen(*told) for told in await review.foreseen(case, after)]
    intro = move_intro(case, transition, draft)
    await preview(
        draft, lambda token: preview_screens(intro, foreseen, token), reply=reply, state=state
    )


async def _send(
    draft: Draft, *, acting: Acting, reply: Reply, review: Review, settings: Settings
) -> None:
    """Send (“📤 Send”): the move, from the status the preview showed; a stale one changes
    nothing and says so."""
    case = await _staff_case(draft.target, acting=acting, review=review)
    updated = await review.move(
        case,
        draft.key,
        note=draft.note,
        amount=draft.amount,
        expected=draft.expected,
        calendar=settings.sessions(today()),
    )  # a stale one is refused: nothing recorded or sent (bot/telegram/refusals.py says so)
    await reply.send(Screen(done_text(updated)))


async def _change(
    draft: Draft, *, acting: Acting, reply: Reply, state: FSMContext, inject: Inject, review: Review
) -> None:
    """Change (“✏️ Change”): the note or the amount is asked again."""
    case = await _staff_case(draft.target, acting=acting, review=review)
    if not await press_move(room(), case, draft.key, reply=reply, state=state, inject=inject):
        await moved_on(reply=reply, review=review)


def steps() -> DraftSteps:
    """A dossier's move, seen before it goes (bot/conversation/decisions.py)."""
    return DraftSteps(_chosen, _send, _change)


def notes() -> dict[Purpose, NoteHandler]:
    return {
        Purpose.FIX_REASON: _fix_reason,
        Purpose.WRITE_CITY: _write_city,
    }


async def _fix_reason(
    asked: Asked,
    text: str,
    *,
    acting: Acting,
    reply: Reply,
    state: FSMContext,
    inject: Inject,
    review: Review,
    settings: Settings,
    rules: FundingRules,
) -> None:
    """The reason of a correction, typed once its amount is known."""
    draft = Draft.from_data(asked.carry)
    if draft is not None and draft.kind == DOSSIER:
        await _chosen(
            replace(draft, note=text),
            acting=acting,
            reply=reply,
            state=state,
            inject=inject,
            review=review,
            settings=settings,
            rules=rules,
        )


async def ask_amount(
    case: Case, transition: Transition, *, reply: Reply, state: FSMContext, inject: Inject
) -> None:
    await ask_move(room(), case, transition, {}, reply=reply, state=state, inject=inject)


def _prompt(prompt: str, case: Case) -> str:
    """A move's prompt (an N_ string of the table), in the asker's language."""
    return _(prompt).format(reference=case.record.reference, currency=case.record.currency or "")


def _reason_prompt(case: Case) -> str:
    return _prompt(REASON_PROMPT, case)


def router() -> Router:
    r = Router(name="review")

    @r.message(Command("queue"))
    async def queue(
        message: Message, command: CommandObject, *, acting: Acting, reply: Reply, review: Review
    ) -> None:
        """Dossiers waiting on the Secretariat, oldest first; words filter (status, country,
        sector, a session's date, "flagged")."""
        if not acting.may(Action.REVIEW_DOSSIERS):
            await deny(reply=reply)
            return
        wanted = await read_filter(command.args or "", await review.sessions(ALL_TIME), reply=reply)
        if wanted is not None:
            await _show_queue(wanted, reply=reply, review=review)

    @r.message(Command("dossier"))
    async def dossier(
        message: Message,
        command: CommandObject,
        *,
        acting: Acting,
        reply: Reply,
        review: Review,
        rules: FundingRules,
    ) -> None:
        """`/dossier FC-2027-0042`: the whole dossier, for staff or for its own city."""
        reference = (command.args or "").strip()
        case = await review.find(reference) if reference else None
        if case is None:
            await reply.send(Screen(_("No dossier of yours has this reference.")))
            return
        if acting.may(Action.REVIEW_DOSSIERS):
            await show_case(case, acting=acting, reply=reply, rules=rules)
            return
        await show_to_city(case, acting=acting, reply=reply, rules=rules)

    @r.message(Command("sessions"))
    async def sessions(
        message: Message, command: CommandObject, *, acting: Acting, reply: Reply, review: Review
    ) -> None:
        """Bureau sessions; `/sessions add 2027-04-28 2027-03-01 Paris` adds one."""
        if not acting.may(Action.REVIEW_DOSSIERS):
            await deny(reply=reply)
            return
        words = (command.args or "").split()
        if words[:1] == ["add"]:
            await _add_session(words[1:], reply=reply, review=review)
            return
        await reply.send(sessions_screen(await review.sessions(today())))

    @r.callback_query(Staff.filter())
    async def staff_button(
        query: CallbackQuery,
        callback_data: Staff,
        *,
        acting: Acting,
        reply: Reply,
        state: FSMContext,
        inject: Inject,
        review: Review,
    ) -> None:
        """A button of the review: its payload names the dossier and the action; both are
        checked again, with the presser's role, before anything changes (`CASE_BUTTONS`)."""
        if not acting.may(Action.REVIEW_DOSSIERS):
            await deny(query, reply=reply)
            return
        action, value = callback_data.action, callback_data.value
        if action == "queue":
            await query.answer()
            await _show_queue(QueueFilter.unpack(value), reply=reply, review=review)
            return
        case = await review.visible(callback_data.dossier)  # refused: the glue's popup
        await query.answer()
        await inject(CASE_BUTTONS.get(action, _open), case, value)

    @r.message(InDossierTopic())
    async def topic_reply(
        message: Message, *, acting: Acting, reply: Reply, state: FSMContext, review: Review
    ) -> None:
        """Staff writing in a dossier's topic of the Secretariat's forum answer the city, as with
        "Answer the city". Anyone else there, and topics of no dossier, are left alone."""
        if not acting.may(Action.REVIEW_DOSSIERS) or reply.thread_id is None:
            raise SkipHandler
        if await state.get_state() is not None:  # e.g. the member list awaited as a document
            raise SkipHandler
        case = await review.in_topic(reply.thread_id)
        if case is None:
            raise SkipHandler
        text = clean_text(message.text or "")
        if not text:
            raise SkipHandler
        if len(text) > MAX_NOTE:
            problem = AnswerError("too_long", maximum=MAX_NOTE, length=len(text))
            await reply.send(Screen("⚠️ " + refusal(problem)))
            return
        await write(case, text, reply=reply, review=review)

    return r


class InDossierTopic(Filter):
    """A text message, not a command, in a topic of the Secretariat's chat (and not a note: the
    notes' router comes first). Whether the topic is a dossier's is the handler's to look up."""

    async def __call__(
        self, message: Message, settings: Settings, acting: Acting | None = None
    ) -> bool:
        if acting is None or message.chat.id != settings.secretariat_chat_id:
            return False
        if not message.is_topic_message or message.message_thread_id is None:
            return False
        return bool(message.text) and not message.text.startswith("/")


ALL_TIME = date(2000, 1, 1)  # every Bureau session, held or to come


async def _show_queue(wanted: QueueFilter, *, reply: Reply, review: Review) -> None:
    cases, total = await review.queue(wanted)
    sessions = await review.sessions(ALL_TIME) if wanted.session_id is not None else []
    await reply.send(queue_screen(cases, total, wanted, today(), sessions))


async def _start_move(
    case: Case,
    key: str,
    *,
    acting: Acting,
    reply: Reply,
    state: FSMContext,
    inject: Inject,
    review: Review,
    rules: FundingRules,
) -> None:
    if not await press_move(room(), case, key, reply=reply, state=state, inject=inject):
        await moved_on(case.record.id, reply=reply, review=review)
        await open_case(case, acting=acting, reply=reply, rules=rules)


async def _with_readers(case: Case, prompt: str, *, review: Review, settings: Settings) -> str:
    """A prompt for words the city will read, with the languages its officials read them in."""
    readers = await review.readers(case.record.id)
    languages = [p.language or settings.default_language for p in readers]
    return prompt + "\n" + city_reads(case.city, languages)


async def _offer_corrections(
    case: Case,
    _value: str = "",
    *,
    acting: Acting,
    reply: Reply,
    review: Review,
    settings: Settings,
) -> None:
    """“✏️ Correct the decision”: the corrections the table allows, while it may be made."""
    if case.record.status not in DECIDED:
        await moved_on(reply=reply, review=review)
        return
    window = await review.correction_window(case, settings.sessions(today()))
    if window is None:
        text = _(
            "The decision on {reference} can no longer be corrected: the next Bureau session "
            "has been held."
        ).format(reference=case.record.reference)
        await reply.send(Screen(text))
        return
    options = corrections(case.record.status, window.origin, acting.role)
    await reply.send(corrections_screen(case, window, options))


async def _pick_session(case: Case, *, reply: Reply, review: Review, settings: Settings) -> None:
    """The sessions the dossier may go to: the stored ones, else (a fresh install) those of
    `BUREAU_SESSIONS`, stored when picked; a deferred dossier only later than its deferral's."""
    day = today()
    stored = await review.sessions(day)
    offered = schedulable(stored or settings.sessions(day), case.record.status, case.session, day)
    if not offered:
        await reply.send(Screen(_("No Bureau session is planned yet: add one with /sessions add.")))
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
    await reply.send(Screen(text, InlineKeyboardMarkup(inline_keyboard=rows)))


async def _schedule(
    case: Case, value: str, *, reply: Reply, review: Review, settings: Settings
) -> None:
    """A session's button: a stored session's id, or the date of a configured one."""
    session_id = int(value) if value.isdigit() else None
    if session_id is None:
        try:
            held_on = date.fromisoformat(value)
        except ValueError:
            held_on = None
        calendar = settings.sessions(today())
        picked = await review.session_for_schedule(held_on, calendar) if held_on else None
        session_id = picked.id if picked is not None else None
    if session_id is None:
        await moved_on(case.record.id, reply=reply, review=review)
        return
    updated = await review.move(case, "schedule", session_id=session_id)
    if updated is not None:
        await reply.send(Screen(done_text(updated)))


async def _send_files(case: Case, _value: str = "", *, reply: Reply) -> None:
    """The attachments again, as documents (Telegram keeps the files it received)."""
    for info in case.record.files:
        caption = attachment_caption(case.record, info)
        await reply.bot.send_document(
            reply.chat_id, info.telegram_file_id, caption=caption, message_thread_id=reply.thread_id
        )


async def _add_session(words: list[str], *, reply: Reply, review: Review) -> None:
    """`/sessions add <date> <deadline> <place…>`, dates as YYYY-MM-DD."""
    try:
        held_on, deadline = date.fromisoformat(words[0]), date.fromisoformat(words[1])
    except (IndexError, ValueError):
        held_on = deadline = None
    place = " ".join(words[2:])[:100]
    if held_on is None or deadline is None or deadline > held_on or held_on < today():
        await reply.send(
            Screen(
                _(
                    "Expected: /sessions add 2027-04-28 2027-03-01 Paris — the session's date, "
                    "the last day to send dossiers (not after it), and the place."
                )
            )
        )
        return
    added = await review.add_session(held_on, deadline, place)
    if added is None:
        await reply.send(Screen(_("A session on this date already exists.")))
        return
    await reply.send(sessions_screen(await review.sessions(today())))


async def _open(
    case: Case, _value: str, *, acting: Acting, reply: Reply, rules: FundingRules
) -> None:
    await open_case(case, acting=acting, reply=reply, rules=rules)


async def _pdf(case: Case, _value: str, *, reply: Reply, documents: Documents) -> None:
    await send_dossier_pdf(case.record.id, reply=reply, documents=documents)


async def _ask_write(
    case: Case, _value: str, *, reply: Reply, state: FSMContext, review: Review, settings: Settings
) -> None:
    prompt = _("Your message to {city} about {reference}?").format(
        city=case.city, reference=case.record.reference
    )
    prompt = await _with_readers(case, prompt, review=review, settings=settings)
    await ask_note(Purpose.WRITE_CITY, case.record.id, prompt, reply=reply, state=state)


# A dossier's buttons (`s:<action>:<dossier>:<value>`), each called with the dossier and the value;
# an unknown action (an old or forged button) shows the dossier as it is now.
CASE_BUTTONS: dict[str, Callable[..., Awaitable[None]]] = {
    "open": _open,
    "files": _send_files,
    "pdf": _pdf,
    "write": _ask_write,
    "mv": _start_move,
    "fix": _offer_corrections,
    "sched": _schedule,
}
