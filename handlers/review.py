"""The Secretariat's review, in its chat or in private: the queue, a dossier, status changes,
messages to the city, Bureau sessions. Every action re-checks the role of the person who acts and
the dossier's status now, whatever the button says."""

from dataclasses import replace
from datetime import UTC, date, datetime

from aiogram import Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, CommandObject, Filter
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bot.domain.answers import AnswerError, clean_text
from bot.domain.decisions import DOSSIER, Draft, foreseen_case, granted_concerns
from bot.domain.fund_form import CURRENCIES
from bot.domain.numbers import NumberError, read_money
from bot.domain.review import Case, QueueFilter, parse_filter
from bot.domain.roles import Action
from bot.domain.rules import financing
from bot.domain.workflow import (
    DECIDED,
    TRANSITIONS,
    By,
    Needs,
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
    corrections_screen,
    move_intro,
    preview_screens,
    refused_amount,
)
from bot.screens.errors import refusal
from bot.screens.home import no_longer_possible, status_label
from bot.screens.staff import (
    attachment_caption,
    city_case_screens,
    dossier_screens,
    queue_screen,
    session_label,
    sessions_screen,
)
from bot.telegram.callbacks import Staff, staff_data
from bot.telegram.context import Context
from handlers.decisions import confirm, draft_steps, preview, settle_amount
from handlers.documents import send_dossier_pdf
from handlers.inputs import today
from handlers.notes import MAX_NOTE, ask_note, carried_note, note_purpose
from handlers.rights import deny


async def move(ctx: Context, case: Case, key: str, **given: object) -> Case | None:
    """Take a move (already allowed by the table for this person) and say what happened."""
    updated = await ctx.review.move(case, key, **given)
    if updated is None:
        await moved_on(ctx, case.record.id)
        return None
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
    await ctx.send(*dossier_screens(case, staff_moves(ctx, case), ctx.rules))


def staff_moves(ctx: Context, case: Case) -> list[Transition]:
    return [t for t in moves(case.record.status, ctx.role, False) if t.by == By.STAFF]


async def _staff_case(ctx: Context, dossier_id: int) -> Case | None:
    if not ctx.may(Action.REVIEW_DOSSIERS):
        return None
    return await ctx.review.case(dossier_id)


def _register_notes() -> None:
    """Moves that need a note or an amount take the staff member's next message."""
    for transition in TRANSITIONS:
        if transition.by == By.STAFF and transition.needs in (Needs.NOTE, Needs.AMOUNT):
            note_purpose(f"move:{transition.key}")(_note_handler(transition.key))

    @note_purpose("write_city")
    async def write_city(ctx: Context, dossier_id: int, text: str) -> None:
        """A staff member's message to the city about a dossier."""
        case = await _staff_case(ctx, dossier_id)
        if case is None:
            await deny(ctx)
            return
        await write(ctx, case, text)


def _note_handler(key: str):
    """The note or amount typed for a move: nothing is taken yet, the preview comes first."""

    async def handle(ctx: Context, dossier_id: int, text: str) -> None:
        case = await _staff_case(ctx, dossier_id)
        if case is None:
            await deny(ctx)
            return
        transition = await _transition(ctx, case, key)
        if transition is None:
            await moved_on(ctx, case.record.id)
            return
        draft = Draft(DOSSIER, case.record.id, key, expected=case.record.status)
        if transition.needs != Needs.AMOUNT:
            await _chosen(ctx, replace(draft, note=text))
            return
        currency = case.record.currency
        try:
            typed = read_money(
                text, locale(), (currency,) if currency else CURRENCIES, default=currency
            )
        except NumberError as error:
            problem = AnswerError(f"number_{error.code}", **error.details)
            await ctx.send(Screen("⚠️ " + refusal(problem)))
            await ask_amount(ctx, case, key)
            return
        draft = replace(draft, currency=typed.currency)
        await settle_amount(ctx, draft, typed.amount, typed.typed)

    return handle


async def _transition(ctx: Context, case: Case, key: str) -> Transition | None:
    """The staff move `key` on this dossier now, a correction included while it may be made."""
    found = find_move(case.record.status, key, ctx.role, False)
    if found is not None:
        return found if found.by == By.STAFF else None
    if not key.startswith("fix_"):
        return None
    window = await ctx.review.correction_window(case, ctx.settings.sessions(today()))
    return find_correction(case.record.status, window.origin, key, ctx.role) if window else None


async def _chosen(ctx: Context, draft: Draft) -> None:
    """The move's note or amount is known: the amount checked (refused, or confirmed once
    more), a correction's reason asked, then the preview of what the city will read."""
    case = await _staff_case(ctx, draft.target)
    if case is None:
        await deny(ctx)
        return
    transition = await _transition(ctx, case, draft.key)
    if transition is None or case.record.status != draft.expected:
        await moved_on(ctx)
        return
    if transition.needs == Needs.AMOUNT:
        if draft.amount is None:
            await ask_amount(ctx, case, draft.key)
            return
        concerns = granted_concerns(draft.amount, financing(case.record.answers), ctx.rules)
        blocking = [c for c in concerns if c.blocking]
        if blocking:
            await ctx.send(Screen(refused_amount(blocking, draft.amount, draft.currency)))
            await ask_amount(ctx, case, draft.key)
            return
        if concerns and not draft.confirmed:
            await confirm(ctx, draft, concerns)
            return
    if transition.correction and not draft.note:
        await ask_note(ctx, "fix_reason", case.record.id, _reason_prompt(case), draft.to_data())
        return
    after = foreseen_case(case, transition, draft, ctx.person.name, datetime.now(UTC))
    foreseen = [Foreseen(*told) for told in await ctx.review.foreseen(case, after)]
    intro = move_intro(case, transition, draft)
    await preview(ctx, draft, lambda token: preview_screens(intro, foreseen, token))


async def _send(ctx: Context, draft: Draft) -> None:
    """Send (“📤 Send”): the move, from the status the preview showed; a stale one changes
    nothing and says so."""
    case = await _staff_case(ctx, draft.target)
    if case is None:
        await deny(ctx)
        return
    updated = await ctx.review.move(
        case,
        draft.key,
        note=draft.note,
        amount=draft.amount,
        expected=draft.expected,
        calendar=ctx.settings.sessions(today()),
    )
    if updated is None:
        now = await ctx.review.case(draft.target)
        status = status_label(now.record.status) if now is not None else "—"
        text = _(
            "This is no longer possible: {reference} is now “{status}”. Nothing was recorded "
            "or sent."
        ).format(reference=case.record.reference, status=status)
        await ctx.send(Screen(text))
        return
    await ctx.send(Screen(done_text(updated)))


async def _change(ctx: Context, draft: Draft) -> None:
    """Change (“✏️ Change”): the note or the amount is asked again."""
    case = await _staff_case(ctx, draft.target)
    if case is None:
        await deny(ctx)
        return
    transition = await _transition(ctx, case, draft.key)
    if transition is None:
        await moved_on(ctx)
        return
    await _ask_for(ctx, case, transition)


draft_steps(DOSSIER, _chosen, _send, _change)


@carried_note("fix_reason")
async def _fix_reason(ctx: Context, carry: dict, text: str) -> None:
    """The reason of a correction, typed once its amount is known."""
    draft = Draft.from_data(carry)
    if draft is not None and draft.kind == DOSSIER:
        await _chosen(ctx, replace(draft, note=text))


async def ask_amount(ctx: Context, case: Case, key: str) -> None:
    prompt = _("Amount granted by the Bureau for {reference}, in {currency}?").format(
        reference=case.record.reference, currency=case.record.currency or ""
    )
    await ask_note(ctx, f"move:{key}", case.record.id, prompt)


def _reason_prompt(case: Case) -> str:
    return _("Why is the decision on {reference} corrected? The city receives your words.").format(
        reference=case.record.reference
    )


async def write(ctx: Context, case: Case, text: str) -> None:
    """A message on the dossier, delivered to the other side; each reads it in their language."""
    updated = await ctx.review.write(case, text)
    if updated is None:
        await ctx.send(Screen(_("This dossier is not available to you.")))
        return
    await ctx.send(Screen(_("✔ Message sent.")))


_register_notes()


def router() -> Router:
    r = Router(name="review")

    @r.message(Command("queue"))
    async def queue(message: Message, command: CommandObject, ctx: Context) -> None:
        """Dossiers waiting on the Secretariat, oldest first; words filter (status, country,
        sector, a session's date, "flagged")."""
        if not ctx.may(Action.REVIEW_DOSSIERS):
            await deny(ctx)
            return
        words = (command.args or "").split()
        wanted = parse_filter(words, await ctx.review.sessions(date(2000, 1, 1)))
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
            await show_case(ctx, case)
        elif action == "files":
            await _send_files(ctx, case)
        elif action == "pdf":
            await send_dossier_pdf(ctx, case.record.id)
        elif action == "write":
            prompt = _("Your message to {city} about {reference}?").format(
                city=case.city, reference=case.record.reference
            )
            await ask_note(ctx, "write_city", case.record.id, prompt)
        elif action == "mv":
            await _start_move(ctx, case, value)
        elif action == "fix":
            await _offer_corrections(ctx, case)
        elif action == "sched" and value.isdigit():
            updated = await move(ctx, case, "schedule", session_id=int(value))
            if updated is not None:
                await ctx.send(Screen(done_text(updated)))
        else:
            await show_case(ctx, case)

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


async def _show_queue(ctx: Context, wanted: QueueFilter) -> None:
    cases, total = await ctx.review.queue(wanted)
    await ctx.send(queue_screen(cases, total, wanted, today()))


async def _start_move(ctx: Context, case: Case, key: str) -> None:
    transition = await _transition(ctx, case, key)
    if transition is None or transition.by != By.STAFF:
        await moved_on(ctx, case.record.id)
        await show_case(ctx, case)
        return
    if transition.needs in (Needs.NOTE, Needs.AMOUNT, Needs.SESSION):
        await _ask_for(ctx, case, transition)
    else:
        updated = await move(ctx, case, key)
        if updated is not None:
            await ctx.send(Screen(done_text(updated)))


async def _ask_for(ctx: Context, case: Case, transition: Transition) -> None:
    """Ask what the move needs: a note, an amount (a correction's reason comes after it) or a
    Bureau session."""
    key, reference = transition.key, case.record.reference
    if transition.needs == Needs.AMOUNT:
        await ask_amount(ctx, case, key)
    elif transition.needs == Needs.SESSION:
        await _pick_session(ctx, case)
    elif transition.correction:
        await ask_note(ctx, f"move:{key}", case.record.id, _reason_prompt(case))
    else:
        prompts = {
            "changes": _("What must change in {reference}? The city receives your words."),
            "reject": _("Why is {reference} rejected? The city receives your words."),
            "defer": _("Why is {reference} deferred? The city receives your words."),
        }
        await ask_note(ctx, f"move:{key}", case.record.id, prompts[key].format(reference=reference))


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
    upcoming = await ctx.review.sessions(today())
    if not upcoming:
        await ctx.send(Screen(_("No Bureau session is planned yet: add one with /sessions add.")))
        return
    rows = [
        [
            InlineKeyboardButton(
                text=session_label(s), callback_data=staff_data("sched", case.record.id, str(s.id))
            )
        ]
        for s in upcoming[:6]
    ]
    text = _("Which Bureau session is {reference} for?").format(reference=case.record.reference)
    await ctx.send(Screen(text, InlineKeyboardMarkup(inline_keyboard=rows)))


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
    of_the_city = [t for t in moves(case.record.status, ctx.role, True) if t.by == By.CITY]
    await ctx.send(*city_case_screens(case, of_the_city, ctx.rules))
