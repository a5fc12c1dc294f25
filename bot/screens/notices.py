"""What a city is told about its dossier, in each official's own language, and what comes next."""

from decimal import Decimal

from aiogram import html
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.domain.dates import format_long
from bot.domain.fund_form import financing
from bot.domain.records import Record
from bot.domain.review import Case, ThreadMessage
from bot.domain.workflow import Status, is_correction
from bot.screens.base import Screen
from bot.screens.checklist import record_title
from bot.screens.common import locale, money
from bot.screens.home import own_only_text, status_label
from bot.telegram.callbacks import menu_data


def next_step(status: str) -> str:
    """What happens next for a dossier in `status`, said to the city."""
    steps = {
        Status.DRAFT: _("Next: complete it and submit it (/dossiers)."),
        Status.SUBMITTED: _("Next: the Permanent Secretariat reviews it."),
        Status.IN_REVIEW: _("Next: the Secretariat says whether changes are needed."),
        Status.CHANGES_REQUESTED: _(
            "Next: change the answers asked for (/dossiers), then submit the dossier again."
        ),
        Status.ELIGIBLE: _("Next: the Secretariat puts it on the agenda of a Bureau session."),
        Status.SCHEDULED: _("Next: the Bureau decides at its session; you will be told here."),
        Status.DEFERRED: _("Next: the Secretariat puts it on the agenda of a later session."),
        Status.APPROVED: _(
            "Next: the Secretariat prepares the grant agreement (the convention); you will "
            "receive it here to accept it."
        ),
        Status.REJECTED: _("The dossier is closed. You may prepare a new one (/new)."),
        Status.WITHDRAWN: _("The dossier is closed. You may prepare a new one (/new)."),
    }
    return steps.get(status, "")  # type: ignore[call-overload]


def granted_line(record: Record, granted: Decimal) -> str:
    """What the Bureau granted beside what was asked of the Fund, and what the city must now
    cover when it granted less."""
    asked = financing(record.answers).fund
    currency = record.currency
    if asked <= 0:
        return _("The Bureau granted {amount}.").format(amount=money(granted, currency))
    if granted >= asked:
        return _("The Bureau granted {granted}, the whole amount asked of the Fund.").format(
            granted=money(granted, currency)
        )
    return _(
        "The Bureau granted {granted} of the {asked} asked of the Fund: your city must now "
        "cover the difference, {gap}, with its own contribution or a partner's."
    ).format(
        granted=money(granted, currency),
        asked=money(asked, currency),
        gap=money(asked - granted, currency),
    )


def city_update(case: Case) -> str:
    """A status change of a city's dossier, told to one of its officials."""
    record = case.record
    reference = html.quote(record.reference or "")
    lines = [
        "<b>"
        + _("Dossier {reference}: {status}").format(
            reference=reference, status=status_label(record.status)
        )
        + "</b>",
        html.quote(record.title or ""),
    ]
    last = case.history[-1] if case.history else None
    if last is not None and is_correction(last.source, last.target) and len(case.history) > 1:
        lines.append(
            "✏️ "
            + _("This corrects the decision you were told on {day}: “{status}”.").format(
                day=format_long(case.history[-2].at.date(), locale()),
                status=status_label(last.source),
            )
        )
    if record.status == Status.SCHEDULED and case.session is not None:
        lines.append(
            _("It will be presented to the Bureau session of {day}.").format(
                day=format_long(case.session.held_on, locale())
            )
        )
    if record.status == Status.APPROVED and case.granted is not None:
        lines.append(granted_line(record, case.granted))
    if last is not None and last.note:
        lines.append(_("Message from the Secretariat:") + "\n«" + html.quote(last.note) + "»")
    lines.append(next_step(record.status))
    return "\n\n".join(line for line in lines if line)


def city_update_keyboard(case: Case) -> InlineKeyboardMarkup | None:
    """The way in a status change offers: when changes are requested, the dossier opened for
    editing (the Secretariat's request shown on top)."""
    if case.record.status != Status.CHANGES_REQUESTED:
        return None
    button = InlineKeyboardButton(
        text=_("✏️ Open and edit"), callback_data=menu_data(case.record.id, "edit")
    )
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


def thread_notice(case: Case, message: ThreadMessage) -> str:
    """A message on a dossier, delivered to the other side; from an account the Secretariat
    has not verified, it says so."""
    if message.from_staff:
        heading = _("✉️ The Permanent Secretariat writes about {reference}:")
    else:
        heading = _("✉️ {city} writes about {reference}:")
    author = html.quote(message.author)
    if message.unverified:
        author += "\n⚠️ " + _("Sent by an account the Secretariat has not verified yet.")
    return (
        "<b>"
        + heading.format(
            reference=html.quote(case.record.reference or ""), city=html.quote(case.city)
        )
        + "</b>\n"
        + author
        + "\n\n"
        + html.quote(message.text)
    )


def _since(record: Record) -> str:
    """The status and the day it was reached (its last change, not the first submission), with
    the submission's day when that was another; a draft, the day it was last edited."""
    status = status_label(record.status)
    changed = record.changed_at or record.submitted_at
    if record.status == Status.DRAFT or changed is None:
        if record.updated_at is None:
            return status
        edited = format_long(record.updated_at.date(), locale())
        return _("{status}, last edited on {day}").format(status=status, day=edited)
    line = _("{status} since {day}").format(
        status=status, day=format_long(changed.date(), locale())
    )
    submitted = record.submitted_at
    if submitted is not None and submitted.date() != changed.date():
        day = format_long(submitted.date(), locale())
        line += " · " + _("submitted on {day}").format(day=day)
    return line


def statuses_screen(records: list[Record], own_only: bool = False) -> Screen:
    """Each of the city's dossiers (those the person reaches: `own_only` while unverified): its
    status since when, and what comes next; a button opens one with its whole history."""
    if not records:
        text = _("Your city has no dossier yet. Start one with /new.")
        return Screen(text + ("\n\n" + own_only_text() if own_only else ""))
    lines = ["<b>" + _("Status of your city's dossiers") + "</b>"]
    if own_only:
        lines.append(own_only_text())
    rows = []
    for record in records:
        lines.append(
            f"• {html.quote(record.reference or '—')} · {html.quote(record_title(record))}\n"
            f"   {_since(record)}\n   <i>{next_step(record.status)}</i>"
        )
        if record.reference and len(rows) < 20:
            button = InlineKeyboardButton(
                text=f"📂 {record.reference}", callback_data=menu_data(record.id, "review")
            )
            rows.append([button])
    markup = InlineKeyboardMarkup(inline_keyboard=rows) if rows else None
    return Screen("\n".join(lines), markup)
