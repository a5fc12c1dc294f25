"""What the Secretariat sees of a dossier: the card in its chat, the queue, the whole dossier with
its history and messages, and the buttons for the moves it may take."""

from dataclasses import replace
from datetime import date

from aiogram import html
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.domain.countries import country_name
from bot.domain.dates import format_long
from bot.domain.forms import AnswerRole, Kind
from bot.domain.fund_form import FUND_FORM, financing
from bot.domain.profile_form import PROFILE_FORM
from bot.domain.records import FileInfo, Record
from bot.domain.review import PAGE, Case, Change, HistoryEntry, QueueFilter, ThreadMessage
from bot.domain.sessions import BureauSession
from bot.domain.workflow import DECIDED, Status, Transition, is_correction
from bot.screens.base import Screen
from bot.screens.checklist import record_title, review_blocks
from bot.screens.common import listed, locale, money, onward, shown_answer, split_messages
from bot.screens.financing import coach, share_text
from bot.screens.home import status_label
from bot.screens.notices import next_step
from bot.screens.queue_words import filter_words
from bot.screens.sheets import agenda_buttons
from bot.telegram.callbacks import menu_data, sheet_data, staff_data

MAX_CHANGES = 20  # a resubmission's card lists at most this many changed answers


def _button(text: str, action: str, dossier: int, value: str = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=staff_data(action, dossier, value))


def _day(moment: date) -> str:
    return format_long(moment, locale())


def case_heading(case: Case) -> list[str]:
    """Reference, city, title, sector and the money asked: the first lines of every card."""
    record = case.record
    plan = financing(record.answers)
    sector = FUND_FORM.question_of(AnswerRole.SECTOR).choice_label(record.read().sector)
    lines = [
        _("City: {city} ({country})").format(
            city=html.quote(case.city), country=html.quote(country_name(case.country, locale()))
        ),
        _("Title: {title}").format(title=html.quote(record_title(record))),
        _("Sector: {sector}").format(sector=html.quote(_(sector) if sector else "—")),
        _("Total cost: {amount}").format(amount=money(plan.total, plan.currency)),
        _("Asked of the Fund: {amount} ({share})").format(
            amount=money(plan.fund, plan.currency), share=share_text(plan, plan.fund)
        ),
        _("Sent by: {name}, {function}").format(
            name=html.quote(case.sender.name),
            function=html.quote(PROFILE_FORM.read(case.sender.profile).text(AnswerRole.FUNCTION)),
        ),
    ]
    if case.flagged:
        lines.append("⚠️ " + _("Sent by an account the Secretariat has not verified yet."))
    if case.unreachable:
        names = listed(person.name for person in case.unreachable)
        lines.append(
            "🚫 "
            + _(
                "The bot cannot reach {names} (they blocked it): nothing sent reaches them."
            ).format(names=html.quote(names))
        )
    return lines


def _history_line(entry: HistoryEntry, currency: str | None) -> str:
    status = status_label(entry.target)
    if is_correction(entry.source, entry.target):  # the corrected decision stays above it
        status = "✏️ " + _("corrected: {before} → {after}").format(
            before=status_label(entry.source), after=status
        )
    line = _("{day}: {status} — {name}").format(
        day=_day(entry.at.date()), status=status, name=html.quote(entry.by)
    )
    if entry.amount is not None:
        line += " · " + _("granted {amount}").format(amount=money(entry.amount, currency))
    if entry.session is not None:
        line += " · " + _("Bureau session of {day}").format(day=_day(entry.session.held_on))
    if entry.note:
        line += "\n    «" + html.quote(entry.note) + "»"
    return line


def history_block(case: Case) -> str:
    lines = ["<b>" + _("History") + "</b>"]
    lines += [_history_line(e, case.record.currency) for e in case.history] or ["—"]
    return "\n".join(lines)


def _thread_line(message: ThreadMessage) -> str:
    side = _("Secretariat") if message.from_staff else _("City")
    return f"{_day(message.at.date())} · {side} · {html.quote(message.author)}\n    " + html.quote(
        message.text
    )


def thread_block(case: Case) -> str | None:
    if not case.thread:
        return None
    return "\n".join(["<b>" + _("Messages") + "</b>", *map(_thread_line, case.thread)])


def card_text(case: Case, heading: str | None = None) -> str:
    """The dossier's card in the Secretariat's chat: edited in place at every status change."""
    record = case.record
    heading = heading or _("📥 Dossier {reference}")
    lines = [
        "<b>" + heading.format(reference=record.reference) + "</b>",
        *case_heading(case),
        _("Status: {status}").format(status="<b>" + status_label(record.status) + "</b>"),
    ]
    if case.history:
        last = case.history[-1]
        lines.append(
            _("Last change: {day}, by {name}").format(
                day=_day(last.at.date()), name=html.quote(last.by)
            )
        )
    if case.session is not None:
        lines.append(_("Bureau session: {day}").format(day=_day(case.session.held_on)))
    if case.granted is not None:
        lines.append(_("Granted: {amount}").format(amount=money(case.granted, record.currency)))
    return "\n".join(lines)


def moves_keyboard(case: Case, moves: list[Transition]) -> InlineKeyboardMarkup:
    dossier = case.record.id
    rows = [[_button(_(m.label), "mv", dossier, m.key)] for m in moves]
    if case.record.status in DECIDED:  # until the next Bureau session (checked when pressed)
        rows.append([_button(_("✏️ Correct the decision"), "fix", dossier)])
    rows.append(
        [
            _button(_("📂 Open the dossier"), "open", dossier),
            _button(_("✉️ Write to the city"), "write", dossier),
        ]
    )
    return InlineKeyboardMarkup(inline_keyboard=rows)


def changes_block(changes: list[Change], currency: str | None) -> str:
    """Which answers a resubmission changed: old → new, money formatted."""
    if not changes:
        return _("No answer changed since the last submission.")
    lines = [
        "<b>"
        + ngettext(
            "{count} answer changed since the last submission:",
            "{count} answers changed since the last submission:",
            len(changes),
        ).format(count=len(changes))
        + "</b>"
    ]
    for change in changes[:MAX_CHANGES]:
        old = _shown(change.question, change.old, currency)
        new = _shown(change.question, change.new, currency)
        label = html.quote(_(change.question.label))
        lines.append(
            "• " + _("{label}: {value}").format(label=label, value=f"{old} {onward()} {new}")
        )
    return "\n".join(lines)


def city_move_news(case: Case, changes: list[Change] | None) -> Screen:
    """A move the city made (a resubmission with what it changed, a withdrawal), posted as a
    new message in the Secretariat's chat: Telegram notifies no one of the card's edit."""
    record = case.record
    if record.status == Status.WITHDRAWN:
        heading = _("↩ {city} withdrew dossier {reference}")
    else:
        heading = _("🔁 {city} submitted dossier {reference} again")
    reference = html.quote(record.reference or "")
    lines = [
        "<b>" + heading.format(city=html.quote(case.city), reference=reference) + "</b>",
        html.quote(record_title(record)),
    ]
    if changes is not None:  # a resubmission: its move is not in the history it was read with
        source, target, by = Status.CHANGES_REQUESTED, record.status, case.sender.name
    elif case.history:
        last = case.history[-1]
        source, target, by = last.source, last.target, last.by
    else:
        source = target = by = ""
    if by:
        move = f"{status_label(source)} {onward()} {status_label(target)}"
        lines.append(_("{move}, by {name}").format(move=move, name=html.quote(by)))
    if changes is not None:
        lines.append("\n" + changes_block(changes, record.currency))
    open_it = _button(_("📂 Open the dossier"), "open", record.id)
    return Screen("\n".join(lines), InlineKeyboardMarkup(inline_keyboard=[[open_it]]))


def _shown(question, value, currency: str | None) -> str:
    if value is None or value == "" or value == []:
        return "—"
    text = shown_answer(question, value, currency)
    return text if len(text) <= 200 else text[:199] + "…"


def attachment_piece(record: Record, slot: str) -> str:
    """Which piece of the dossier a file is, as its reader names it: the attachment question's
    label ("Council resolution"), or, for one entry's file, that entry ("Commitment letter —
    Ville de Lyon")."""
    key, _sep, entry = slot.partition(":")
    question = record.form.questions.get(key)
    if question is None:
        return _("Attachment")
    if question.kind == Kind.LETTERS and entry:
        entries = record.read().entries(AnswerRole.PARTNERS)
        if question.per_entry is not None:
            entries = question.per_entry(record.answers) + list(entries)
        name = next((e.get("name") for e in entries if e.get("id") == entry), None)
        if name:
            return _("Commitment letter — {partner}").format(partner=name)
    return _(question.label)


def attachment_caption(record: Record, info: FileInfo) -> str:
    """A file sent again to staff: the dossier, the piece it is and the file's name (HTML)."""
    text = f"{record.reference or '—'} · {attachment_piece(record, info.slot)}\n{info.name}"
    return html.quote(text[:1000])


def missed_block(case: Case) -> str | None:
    """The notices that never reached an official (they had blocked the bot, or Telegram
    refused them): what the city may not know."""
    if not case.missed:
        return None
    lines = ["<b>" + _("🚫 Not delivered to the city") + "</b>"]
    for notice in case.missed:
        why = _("blocked the bot") if notice.blocked else _("refused by Telegram")
        lines.append(
            f"• {_day(notice.at.date())} · {html.quote(notice.person)} ({why}): "
            f"« {html.quote(notice.preview)} »"
        )
    return "\n".join(lines)


def dossier_screens(case: Case, moves: list[Transition], rules) -> list[Screen]:
    """The whole dossier for the Secretariat: heading, every answer with the checklist, the
    financing picture, the history and the messages; the buttons on the last message."""
    record = case.record
    intro = "\n".join(
        [
            "<b>" + _("📂 Dossier {reference}").format(reference=record.reference or "—") + "</b>",
            _("Status: {status}").format(status="<b>" + status_label(record.status) + "</b>"),
            *case_heading(case),
        ]
    )
    blocks = [intro, *review_blocks(record, record.checks(rules)), coach(record.answers, rules)]
    blocks.append(history_block(case))
    if (thread := thread_block(case)) is not None:
        blocks.append(thread)
    if (missed := missed_block(case)) is not None:
        blocks.append(missed)
    messages = split_messages(blocks)
    markup = moves_keyboard(case, moves)
    documents = [_button(_("📄 PDF"), "pdf", record.id)]
    if record.files:
        documents.append(_button(_("📎 Send the attachments"), "files", record.id))
    markup.inline_keyboard.insert(-1, documents)
    return [Screen(text) for text in messages[:-1]] + [Screen(messages[-1], markup)]


def queue_screen(
    cases: list[Case],
    total: int,
    wanted: QueueFilter,
    today: date,
    sessions: list[BureauSession] | None = None,
) -> Screen:
    """One page of the queue: reference, city, title, amount asked and its share, days waiting;
    the heading names the filter (a status asked for is named, not said "waiting")."""
    named = filter_words(wanted, sessions or [])
    if not cases and wanted.narrowed:
        asked = [html.quote(status_label(wanted.status))] if wanted.status else []
        described = " · ".join(part for part in (*asked, named) if part)
        return Screen(_("No dossier matches: {filter}.").format(filter=described))
    if not cases:
        return Screen(_("No dossier is waiting on the Secretariat."))
    if wanted.status:
        heading = ngettext(
            "{count} dossier “{status}”", "{count} dossiers “{status}”", total
        ).format(count=total, status=status_label(wanted.status))
    else:
        heading = ngettext("{count} dossier waiting", "{count} dossiers waiting", total).format(
            count=total
        )
    if named:
        heading += " · " + named
    lines = ["<b>" + heading + "</b>"]
    rows = []
    for case in cases:
        record = case.record
        plan = financing(record.answers)
        days = case.days_waiting(today)
        flag = "⚠️ " if case.flagged else ""
        lines.append(
            f"{flag}<b>{html.quote(record.reference or '—')}</b> · {html.quote(case.city)} · "
            f"{html.quote(record_title(record))}\n    "
            + _("{amount} ({share}) · {status} · {days}").format(
                amount=money(plan.fund, plan.currency),
                share=share_text(plan, plan.fund),
                status=status_label(record.status),
                days=ngettext("{count} day", "{count} days", days).format(count=days),
            )
        )
        rows.append([_button(f"📂 {record.reference}", "open", record.id)])
    nav = []
    if wanted.page > 0:
        nav.append(
            _button(_("◀ Previous"), "queue", 0, replace(wanted, page=wanted.page - 1).pack())
        )
    if (wanted.page + 1) * PAGE < total:
        nav.append(_button(_("Next ▶"), "queue", 0, replace(wanted, page=wanted.page + 1).pack()))
    if nav:
        rows.append(nav)
    export = replace(wanted, page=0).pack()
    rows.append(
        [
            InlineKeyboardButton(
                text=_("📊 As a spreadsheet"), callback_data=sheet_data("queue", 0, export)
            )
        ]
    )
    return Screen("\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows))


def session_label(session: BureauSession) -> str:
    label = _("{day} · dossiers by {deadline}").format(
        day=_day(session.held_on), deadline=_day(session.deadline)
    )
    return f"{label} · {session.place}" if session.place else label


def sessions_screen(sessions: list[BureauSession]) -> Screen:
    if not sessions:
        return Screen(
            _("No Bureau session is planned yet.")
            + "\n"
            + _("Add one: /sessions add 2027-04-28 2027-03-01 Paris")
        )
    lines = ["<b>" + _("Bureau sessions") + "</b>"]
    lines += ["• " + html.quote(session_label(s)) for s in sessions]
    lines.append(_("Add one: /sessions add 2027-04-28 2027-03-01 Paris"))
    rows = [agenda_buttons(s) for s in sessions[:20] if s.id is not None]
    markup = InlineKeyboardMarkup(inline_keyboard=rows) if rows else None
    return Screen("\n".join(lines), markup)


def city_case_screens(case: Case, moves: list[Transition], rules) -> list[Screen]:
    """A submitted dossier as its city sees it: every answer, its status and history, the
    messages, what comes next; buttons to write to the Secretariat or withdraw it."""
    record = case.record
    intro = "\n".join(
        [
            "<b>" + _("📂 Dossier {reference}").format(reference=record.reference or "—") + "</b>",
            _("Status: {status}").format(status="<b>" + status_label(record.status) + "</b>"),
            next_step(record.status),
        ]
    )
    blocks = [intro, *review_blocks(record, record.checks(rules)), history_block(case)]
    if (thread := thread_block(case)) is not None:
        blocks.append(thread)
    messages = split_messages(blocks)
    rows = [
        [
            _menu(_("✉️ Write to the Secretariat"), record.id, "write"),
            _menu(_("📄 PDF"), record.id, "pdf"),
        ]
    ]
    if any(m.key == "withdraw" for m in moves):
        rows.append([_menu(_("↩ Withdraw the dossier"), record.id, "withdraw")])
    markup = InlineKeyboardMarkup(inline_keyboard=rows)
    return [Screen(text) for text in messages[:-1]] + [Screen(messages[-1], markup)]


def _menu(text: str, dossier: int, action: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=menu_data(dossier, action))
