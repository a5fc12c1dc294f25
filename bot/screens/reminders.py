"""What the scheduler sends: a draft's reminder before the deadline (to each official of the city,
in their language) and the staff's daily digest of dossiers waiting on them. Built in the
recipient's locale (the caller sets it)."""

from datetime import date, datetime

from aiogram import html
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.domain.dates import format_long
from bot.domain.records import Record
from bot.domain.reminders import Waiting, days_left
from bot.domain.rules import SectionCheck
from bot.domain.sessions import BureauSession
from bot.screens.base import Screen
from bot.screens.checklist import record_title, rule_text
from bot.screens.common import listed, locale
from bot.screens.home import status_label
from bot.telegram.callbacks import menu_data, staff_data

LABELS_PER_SECTION = 6  # a fresh draft misses dozens of answers: the message stays readable
DIGEST_ITEMS = 30  # dossiers listed (and buttons) in one digest message


def _missing_lines(record: Record, checks: list[SectionCheck]) -> list[str]:
    lines = []
    for check, section in zip(checks, record.form.sections, strict=True):
        if check.complete:
            continue
        title = f"<b>{check.index + 1}. {html.quote(_(section.title))}</b>"
        labels = [html.quote(_(q.label)) for q in check.missing[:LABELS_PER_SECTION]]
        more = len(check.missing) - LABELS_PER_SECTION
        if more > 0:
            labels.append(ngettext("and {count} more", "and {count} more", more).format(count=more))
        line = "❌ " + (
            _("{label}: {value}").format(label=title, value=listed(labels)) if labels else title
        )
        lines.append(line)
        lines += ["    ⚠️ " + rule_text(p, record.answers) for p in check.problems]
    return lines


def reminder_screen(
    record: Record, checks: list[SectionCheck], session: BureauSession, today: date
) -> Screen:
    """The reminder of a draft not yet submitted: deadline, session, days left, what is missing,
    and a button to continue it."""
    left = days_left(session.deadline, today)
    lines = [
        "⏰ <b>"
        + _("Reminder: “{title}” has not been submitted yet.").format(
            title=html.quote(record_title(record))
        )
        + "</b>",
        _("Submission deadline: {deadline}, for the Bureau session of {session}.").format(
            deadline=format_long(session.deadline, locale()),
            session=format_long(session.held_on, locale()),
        ),
        ngettext("{count} day left.", "{count} days left.", left).format(count=left)
        if left
        else _("Today is the last day to submit it."),
    ]
    missing = _missing_lines(record, checks)
    if missing:
        lines += ["", _("Still missing:"), *missing]
    else:
        lines += ["", _("✅ It is complete: only submitting it remains.")]
    button = InlineKeyboardButton(
        text=_("▶ Continue the dossier"), callback_data=menu_data(record.id, "resume")
    )
    return Screen("\n".join(lines), InlineKeyboardMarkup(inline_keyboard=[[button]]))


def digest_screen(items: list[Waiting], wait_days: int, now: datetime) -> Screen:
    """The staff's daily digest: the dossiers waiting on them longer than `wait_days` days,
    longest first, each with a button that opens it."""
    total = len(items)
    lines = [
        "📋 <b>"
        + ngettext(
            "Daily digest: {count} dossier waiting on the Secretariat",
            "Daily digest: {count} dossiers waiting on the Secretariat",
            total,
        ).format(count=total)
        + "</b>",
        ngettext(
            "For more than {count} day, longest first:",
            "For more than {count} days, longest first:",
            wait_days,
        ).format(count=wait_days),
    ]
    rows = []
    for item in items[:DIGEST_ITEMS]:
        days = item.days(now)
        reference = item.reference or f"#{item.dossier_id}"
        lines.append(
            "• "
            + _("{reference} · {city} · {status} · {days}").format(
                reference=f"<b>{html.quote(reference)}</b>",
                city=html.quote(item.city),
                status=status_label(item.status),
                days=ngettext("{count} day", "{count} days", days).format(count=days),
            )
        )
        rows.append(
            [
                InlineKeyboardButton(
                    text=f"{reference} · {item.city}"[:60],
                    callback_data=staff_data("open", item.dossier_id),
                )
            ]
        )
    more = total - DIGEST_ITEMS
    if more > 0:
        lines.append(
            ngettext("… and {count} more: /queue", "… and {count} more: /queue", more).format(
                count=more
            )
        )
    return Screen("\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows))
