"""Every notice of a project (DOMAIN.md §4), as pure functions: an event and its audience in,
messages out, each rendered in its recipient's language. The city's verified officials are told
what changed and what comes next (the convention's PDF in their language with the button that
accepts it, a payment with the buttons that confirm it); the Secretariat's chat gets the
project's screen with its staff buttons, in the dossier's forum topic."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from aiogram import html
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.domain.dates import format_long
from bot.domain.follow_up import Chase, ReportDue
from bot.domain.grant_case import AidCase, ProjectCase, TrancheLine
from bot.domain.project import (
    PROJECT_MOVES,
    REPORT_MOVES,
    TRANCHE_MOVES,
    GrantMove,
    grant_moves,
)
from bot.domain.records import Person
from bot.domain.roles import Role
from bot.notify.notice import Notice
from bot.notify.readers import Voice
from bot.screens.base import Screen
from bot.screens.common import locale, money
from bot.screens.grant_words import project_status, report_name
from bot.screens.projects import aid_text, project_keyboard, project_text, waits_for
from bot.screens.reminders import DIGEST_ITEMS
from bot.telegram.callbacks import grant_data, menu_data


class GrantEvent(StrEnum):
    PREPARING = "preparing"  # the Bureau approved: the project is made
    PROPOSED = "proposed"
    REWORKED = "reworked"
    ACCEPTED = "accepted"
    DUE = "due"
    PAID = "paid"
    RECEIVED = "received"
    MOVED = "moved"  # suspended, resumed, cancelled, closed
    ADJUSTED = "adjusted"  # the schedule or the framework changed while preparing
    REPORT_OPENED = "report_opened"  # the scheduler asks the city for a report
    REPORT_SUBMITTED = "report_submitted"
    REPORT_APPROVED = "report_approved"
    REPORT_RETURNED = "report_returned"


@dataclass(frozen=True)
class Event:
    kind: GrantEvent
    # A project's, or an emergency aid's (its report's events only: opened, submitted,
    # returned, approved).
    case: ProjectCase | AidCase
    by: str = ""  # who acted
    tranche: TrancheLine | None = None
    note: str = ""
    # The convention's copies as sent: {language: (path, file name)}.
    copies: dict[str, tuple[str, str]] = field(default_factory=dict)
    report: ReportDue | None = None  # which report (opened, submitted, approved)
    record_id: int = 0  # the report's record
    # A report returned: each item named, as (text, whether it is a message id to translate).
    items: tuple[tuple[str, bool], ...] = ()


@dataclass(frozen=True)
class Readers:
    """Who hears of an event: the city's verified officials (each in their language) and the
    Secretariat's chat (in its language)."""

    city: Sequence[Person]
    secretariat_chat: int | None
    secretariat_language: str
    default_language: str


def _markup(markup: InlineKeyboardMarkup | None) -> dict | None:
    return markup.model_dump(exclude_none=True) if markup is not None else None


def staff_moves(case: ProjectCase) -> tuple[list[GrantMove], list[tuple[TrancheLine, GrantMove]]]:
    project = grant_moves(PROJECT_MOVES, case.status, Role.SECRETARIAT, False, case.suspended_from)
    tranches = [
        (t, m)
        for t in case.tranches
        for m in grant_moves(TRANCHE_MOVES, t.status, Role.SECRETARIAT, False)
    ]
    return project, tranches


def city_moves(case: ProjectCase) -> tuple[list[GrantMove], list[tuple[TrancheLine, GrantMove]]]:
    project = grant_moves(PROJECT_MOVES, case.status, None, True, case.suspended_from)
    tranches = [
        (t, m) for t in case.tranches for m in grant_moves(TRANCHE_MOVES, t.status, None, True)
    ]
    return project, tranches


def _tranche(event: Event) -> tuple[int, str]:
    t = event.tranche
    assert t is not None, event.kind
    return t.number, money(t.paid if t.paid is not None else t.amount, event.case.currency)


def city_text(event: Event) -> str:
    """What an official reads, in the current language."""
    case = event.case
    ref = html.quote(case.reference)
    kind = event.kind
    if kind == GrantEvent.PROPOSED:
        return (
            "📜 <b>"
            + _("Convention {reference}, version {version}").format(
                reference=ref, version=case.convention_version
            )
            + "</b>\n"
            + _(
                "The grant agreement of your project is attached. Read it; once the city "
                "accepts it, press “✅ We accept the convention”: your acceptance records this "
                "exact document."
            )
        )
    if kind == GrantEvent.REPORT_OPENED:
        assert event.report is not None
        return _(
            "📝 {name} of {reference} is due on {day}. Fill it in here, question by question: "
            "each answer is saved as you go."
        ).format(
            name=report_name(event.report),
            reference=ref,
            day=format_long(event.report.due_on, locale()),
        )
    if kind == GrantEvent.REPORT_RETURNED and event.report is not None:
        named = ", ".join(_(t) if translate else html.quote(t) for t, translate in event.items)
        return (
            _("↩ The Secretariat returned {report} of {reference} for revision: {items}.").format(
                report=report_name(event.report), reference=ref, items=named
            )
            + "\n"
            + _("Only these are asked again; then submit the report again.")
            + "\n\n"
            + _("Message from the Secretariat:")
            + "\n«"
            + html.quote(event.note)
            + "»"
        )
    if kind in (GrantEvent.REPORT_SUBMITTED, GrantEvent.REPORT_APPROVED):
        assert event.report is not None
        said = (
            _("📤 {name} submitted {report} of {reference}.")
            if kind == GrantEvent.REPORT_SUBMITTED
            else _("✅ The Secretariat approved {report} of {reference}.")
        )
        text = said.format(
            name=html.quote(event.by), report=report_name(event.report), reference=ref
        )
    elif kind == GrantEvent.REWORKED:
        text = _(
            "✏️ The Secretariat is changing the convention of {reference}: a new version will "
            "follow, to be accepted again."
        ).format(reference=ref)
    elif kind == GrantEvent.ACCEPTED:
        text = _("✅ {name} accepted the convention of {reference} (version {version}).").format(
            name=html.quote(event.by), reference=ref, version=case.convention_version
        )
    elif kind == GrantEvent.DUE:
        number, amount = _tranche(event)
        text = _(
            "💶 Tranche {number} of {reference} ({amount}) is due: the Secretariat pays it."
        ).format(number=number, reference=ref, amount=amount)
    elif kind == GrantEvent.PAID:
        number, amount = _tranche(event)
        t = event.tranche
        assert t is not None and t.paid_on is not None
        text = _(
            "💶 Tranche {number} of {reference}: {amount} paid on {day} (bank reference {bank}). "
            "When it arrives on the city's account, confirm it below."
        ).format(
            number=number,
            reference=ref,
            amount=amount,
            day=format_long(t.paid_on, locale()),
            bank=html.quote(t.bank_reference),
        )
    elif kind == GrantEvent.RECEIVED:
        number, _amount = _tranche(event)
        t = event.tranche
        assert t is not None
        text = _(
            "✅ {name} confirmed that tranche {number} of {reference} arrived: {amount}."
        ).format(
            name=html.quote(event.by),
            number=number,
            reference=ref,
            amount=money(t.received or 0, case.currency),
        )
    else:
        text = (
            "<b>"
            + _("Project {reference}: {status}").format(
                reference=ref, status=project_status(case.status)
            )
            + "</b>"
        )
    if kind == GrantEvent.DUE or isinstance(case, AidCase):
        return text
    if event.note and kind in (GrantEvent.REWORKED, GrantEvent.MOVED):
        text += "\n\n" + _("Message from the Secretariat:") + "\n«" + html.quote(event.note) + "»"
    return text + "\n\n<i>" + waits_for(case) + "</i>"


def staff_heading(event: Event) -> str:
    """The line above the project's screen in the Secretariat's chat."""
    case = event.case
    by = html.quote(event.by)
    kind = event.kind
    if kind == GrantEvent.PREPARING:
        return _("🏅 Approved: the project is made. Prepare its convention, then propose it.")
    if kind == GrantEvent.PROPOSED:
        return _("📜 {name} proposed the convention, version {version}.").format(
            name=by, version=case.convention_version
        )
    if kind == GrantEvent.ACCEPTED:
        return _("✅ {name} ({city}) accepted the convention, version {version}.").format(
            name=by, city=html.quote(case.city), version=case.convention_version
        )
    if kind == GrantEvent.DUE:
        return _("💶 Tranche {number} is due.").format(number=_tranche(event)[0])
    if kind == GrantEvent.PAID:
        number, amount = _tranche(event)
        return _("💶 {name} recorded the payment of tranche {number}: {amount}.").format(
            name=by, number=number, amount=amount
        )
    if kind == GrantEvent.RECEIVED:
        t = event.tranche
        assert t is not None
        if t.received is not None and t.paid is not None and t.received != t.paid:
            return _(
                "⚠️ {name} ({city}) says {received} arrived of the {paid} paid for tranche {number}."
            ).format(
                name=by,
                city=html.quote(case.city),
                received=money(t.received, case.currency),
                paid=money(t.paid, case.currency),
                number=t.number,
            )
        return _("✅ {name} ({city}) confirmed tranche {number} arrived.").format(
            name=by, city=html.quote(case.city), number=t.number
        )
    if kind == GrantEvent.ADJUSTED:
        return _("✏️ {name} adjusted the convention before proposing it.").format(name=by)
    if kind == GrantEvent.REPORT_SUBMITTED and isinstance(case, AidCase):
        return _("📝 {name} ({city}) submitted {report} of {reference}.").format(
            name=by,
            city=html.quote(case.city),
            report=report_name(event.report) if event.report else "",
            reference=html.quote(case.reference),
        )
    if kind == GrantEvent.REPORT_SUBMITTED and event.report is not None:
        return _(
            "📝 {name} ({city}) submitted {report}: approving it makes the tranches waiting "
            "for it due."
        ).format(name=by, city=html.quote(case.city), report=report_name(event.report))
    if kind == GrantEvent.REPORT_APPROVED and event.report is not None:
        return _("✅ {name} approved {report}.").format(name=by, report=report_name(event.report))
    if kind == GrantEvent.REPORT_RETURNED and event.report is not None:
        return _("↩ {name} returned {report} for revision.").format(
            name=by, report=report_name(event.report)
        )
    return _("{name}: {status}").format(name=by, status=project_status(case.status))


def _city_markup(event: Event, language: str) -> dict | None:
    case = event.case
    if event.kind in (GrantEvent.REPORT_OPENED, GrantEvent.REPORT_RETURNED) and event.record_id:
        button = InlineKeyboardButton(
            text=_("✍️ Fill in the report"), callback_data=menu_data(event.record_id, "resume")
        )
        return _markup(InlineKeyboardMarkup(inline_keyboard=[[button]]))
    if isinstance(case, AidCase):
        return None
    project, tranches = city_moves(case)
    if event.kind == GrantEvent.PROPOSED:
        return _markup(
            project_keyboard(case, [m for m in project if m.key == "accept"], [], language)
        )
    if event.kind == GrantEvent.PAID and event.tranche is not None:
        mine = [(t, m) for t, m in tranches if t.id == event.tranche.id]
        return _markup(project_keyboard(case, [], mine))
    return None


def report_keyboard(record_id: int) -> InlineKeyboardMarkup:
    """The staff's buttons under a submitted report (its status named: a stale one does nothing)."""
    rows = [
        [
            InlineKeyboardButton(
                text=_(move.label), callback_data=grant_data("r", move.key, record_id, move.source)
            )
        ]
        for move in REPORT_MOVES
        if move.key in ("approve", "return")
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def notices(event: Event, readers: Readers, voice: Voice) -> list[Notice]:
    """The event's messages: each official in their language (the convention's copy in it),
    the Secretariat's chat with the project's screen in the dossier's topic. Nobody of the
    city is told of the project before its convention is proposed."""
    out: list[Notice] = []
    if event.kind not in (GrantEvent.PREPARING, GrantEvent.ADJUSTED):
        for person in readers.city:
            language = voice.language(person.language)

            def build(person: Person = person, language: str = language) -> Notice:
                copy = event.copies.get(language)
                return Notice(
                    person.telegram_id,
                    city_text(event),
                    _city_markup(event, language),
                    path=copy[0] if copy else None,
                    file_name=copy[1] if copy else None,
                )

            out.append(voice(language, build))
    if readers.secretariat_chat is not None and event.kind != GrantEvent.REPORT_OPENED:
        chat = readers.secretariat_chat

        def card() -> Notice:
            case = event.case
            keyboard: InlineKeyboardMarkup | None = None
            if isinstance(case, AidCase):
                text = staff_heading(event) + "\n\n" + aid_text(case)
            else:
                project, tranches = staff_moves(case)
                text = staff_heading(event) + "\n\n" + project_text(case, staff=True)
                keyboard = project_keyboard(case, project, tranches)
            if event.kind == GrantEvent.REPORT_SUBMITTED and event.record_id:
                keyboard = report_keyboard(event.record_id)
            markup = _markup(keyboard)
            copy = event.copies.get(readers.secretariat_language)  # kept in its language
            path, name = copy if copy is not None else (None, None)
            return Notice(chat, text, markup, topic=True, path=path, file_name=name)

        out.append(voice(readers.secretariat_language, card))
    return out


# --- following up ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CityWait:
    """Something waiting on a city, for the staff's digest: a convention proposed ("convention"),
    a payment not confirmed ("paid"), a dossier in "changes requested" ("changes")."""

    kind: str
    reference: str
    city: str
    since: datetime

    def days(self, now: datetime) -> int:
        return max((now - self.since).days, 0)


def chase_screen(
    kind: str,
    subject_id: int,
    reference: str,
    title: str,
    since: date,
    today: date,
    report: ReportDue | None = None,
) -> Screen:
    """A reminder to one official: what waits on the city since when, and a button to act."""
    days = max((today - since).days, 0)
    waited = ngettext("{count} day", "{count} days", days).format(count=days)
    ref = html.quote(reference)
    if kind == Chase.REPORT and report is not None:
        name, day = report_name(report), format_long(report.due_on, locale())
        if today < report.due_on:
            text = _("⏰ Reminder: {report} of {reference} is due on {day}.")
        elif today == report.due_on:
            text = _("⏰ Reminder: {report} of {reference} is due today.")
        else:
            text = _(
                "⏰ Reminder: {report} of {reference} was due on {day} ({days} ago) and has not "
                "been submitted yet."
            )
        text = text.format(report=name, reference=ref, day=day, days=waited)
        button = InlineKeyboardButton(
            text=_("✍️ Fill in the report"), callback_data=menu_data(subject_id, "resume")
        )
    elif kind == Chase.CONVENTION:
        text = _(
            "⏰ Reminder: the convention of {reference} (“{title}”) was sent {days} ago and "
            "has not been accepted yet. The first tranche is paid once it is accepted."
        ).format(reference=ref, title=html.quote(title), days=waited)
        button = InlineKeyboardButton(
            text=_("📂 Open the project"), callback_data=grant_data("p", "show", subject_id)
        )
    else:
        text = _(
            "⏰ Reminder: the Secretariat asked for changes to {reference} (“{title}”) {days} "
            "ago. Change the answers asked for, then submit the dossier again."
        ).format(reference=ref, title=html.quote(title), days=waited)
        button = InlineKeyboardButton(
            text=_("▶ Continue the dossier"), callback_data=menu_data(subject_id, "resume")
        )
    return Screen(text, InlineKeyboardMarkup(inline_keyboard=[[button]]))


def wait_label(kind: str) -> str:
    if kind == Chase.REPORT:
        return _("report not submitted")
    if kind == Chase.CONVENTION:
        return _("convention not accepted")
    if kind == Chase.CHANGES:
        return _("changes requested")
    return _("payment not confirmed")


def waiting_on_city_block(waits: Sequence[CityWait], now: datetime) -> str:
    """The digest's "waiting on the city": what, which city, since when (longest first)."""
    lines = [
        "🏙 <b>"
        + ngettext(
            "Waiting on the city: {count}", "Waiting on the cities: {count}", len(waits)
        ).format(count=len(waits))
        + "</b>"
    ]
    for wait in waits[:DIGEST_ITEMS]:
        days = wait.days(now)
        lines.append(
            "• "
            + _("{reference} · {city} · {what} · {days}").format(
                reference=f"<b>{html.quote(wait.reference)}</b>",
                city=html.quote(wait.city),
                what=wait_label(wait.kind),
                days=ngettext("{count} day", "{count} days", days).format(count=days),
            )
        )
    more = len(waits) - DIGEST_ITEMS
    if more > 0:
        lines.append(ngettext("… and {count} more", "… and {count} more", more).format(count=more))
    return "\n".join(lines)
