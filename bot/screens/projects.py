"""A project on screen (DOMAIN.md §4): for the city and for staff, what was granted, paid and
received, each tranche with what it waits for, the convention and the next report; the buttons
of the moves the person may take now; the staff's portfolio (`/projects`)."""

from collections.abc import Sequence

from aiogram import html
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.domain.countries import country_name
from bot.domain.dates import format_long
from bot.domain.emergency_form import EMERGENCY_FORM
from bot.domain.forms import AnswerRole
from bot.domain.grant_case import AidCase, ProjectCase, Reached, SessionFigures, TrancheLine
from bot.domain.numbers import format_number, format_share
from bot.domain.project import GrantMove, ProjectStatus, TrancheStatus
from bot.domain.refusals import Refused
from bot.screens.base import Screen
from bot.screens.common import locale, money
from bot.screens.grant_words import (
    condition_text,
    project_status,
    report_name,
    report_status,
    tranche_status,
)
from bot.screens.sheets import Column, Kind, Table, sector_label
from bot.telegram.callbacks import grant_data, menu_data

PORTFOLIO_ROWS = 40  # projects listed in one message (and buttons)


def _day(value) -> str:  # type: ignore[no-untyped-def]
    return format_long(value, locale())


def heading(case: ProjectCase) -> str:
    return (
        "<b>"
        + _("Project {reference}: {status}").format(
            reference=html.quote(case.reference), status=project_status(case.status)
        )
        + "</b>"
    )


def tranche_line(case: ProjectCase, t: TrancheLine) -> str:
    line = _("Tranche {number}: {amount} · {status}").format(
        number=t.number, amount=money(t.amount, case.currency), status=tranche_status(t.status)
    )
    details = []
    if t.status == TrancheStatus.PLANNED:
        details.append(condition_text(t.condition))
    if t.paid is not None and t.paid_on is not None:
        details.append(
            _("paid {amount} on {day} (reference {bank})").format(
                amount=money(t.paid, case.currency),
                day=_day(t.paid_on),
                bank=html.quote(t.bank_reference),
            )
        )
    if t.received is not None:
        details.append(_("received {amount}").format(amount=money(t.received, case.currency)))
    if t.difference_note:
        details.append("«" + html.quote(t.difference_note) + "»")
    return "• " + line + "".join("\n   " + d for d in details)


def waits_for(case: ProjectCase) -> str:
    """What the next tranche waits for, said plainly."""
    t = case.next_tranche
    if t is None:
        return _("Every tranche has been paid.")
    if t.status == TrancheStatus.DUE:
        return _("Next: tranche {number} ({amount}) is due; the Secretariat pays it.").format(
            number=t.number, amount=money(t.amount, case.currency)
        )
    return _("Next: tranche {number} ({amount}) waits for this: {condition}.").format(
        number=t.number,
        amount=money(t.amount, case.currency),
        condition=condition_text(t.condition).lower(),
    )


def project_text(case: ProjectCase, staff: bool) -> str:
    ledger = case.ledger
    lines = [heading(case), html.quote(case.title), html.quote(f"{case.city} ({case.country})")]
    lines.append(
        _("Granted {granted} · paid {paid} · received {received}").format(
            granted=money(ledger.granted, case.currency),
            paid=money(ledger.paid, case.currency),
            received=money(ledger.received, case.currency),
        )
    )
    if case.convention_version:
        if case.accepted_version == case.convention_version and case.accepted_at is not None:
            lines.append(
                _("Convention version {version}, accepted on {day}.").format(
                    version=case.convention_version, day=_day(case.accepted_at.date())
                )
            )
        else:
            lines.append(
                _("Convention version {version}, not accepted yet.").format(
                    version=case.convention_version
                )
            )
    lines.append("\n".join(tranche_line(case, t) for t in case.tranches))
    lines.append("<i>" + waits_for(case) + "</i>")
    for _record, due, status in case.reports:
        lines.append(
            "📝 "
            + _("{name}, due on {day}: {status}").format(
                name=report_name(due), day=_day(due.due_on), status=report_status(status)
            )
        )
    upcoming = case.next_report
    if upcoming is not None:
        lines.append(
            _("Next report: {name}, due on {day}.").format(
                name=report_name(upcoming), day=_day(upcoming.due_on)
            )
        )
    if staff and case.status == ProjectStatus.PREPARING:
        missing = case.missing_numbers
        if missing:
            lines.append(
                "⚠️ "
                + _("Indicators without numbers: {names}. Type them with /indicator.").format(
                    names=", ".join(html.quote(i.name or i.id) for i in missing)
                )
            )
        lines.append(
            _(
                "Adjust before proposing: /tranche {reference} 1 amount 400000, "
                "/tranche {reference} 2 date 15/09/2027, /tranche {reference} 2 condition report2."
            ).format(reference=html.quote(case.reference))
        )
    if case.reason and case.status in (ProjectStatus.SUSPENDED, ProjectStatus.CANCELLED):
        lines.append(_("Reason:") + " «" + html.quote(case.reason) + "»")
    return "\n\n".join(line for line in lines if line)


def project_keyboard(
    case: ProjectCase,
    moves: Sequence[GrantMove],
    tranche_moves: Sequence[tuple[TrancheLine, GrantMove]],
    language: str | None = None,
    city: bool = False,
) -> InlineKeyboardMarkup | None:
    """A button per move: the project's (with the status it is taken from), then each tranche's;
    the city's acceptance names the version and the language of the copy it was sent."""
    rows = []
    for move in moves:
        value = case.status
        if move.key == "accept":
            value = f"{case.convention_version}.{language or ''}"
        rows.append(
            [
                InlineKeyboardButton(
                    text=_(move.label), callback_data=grant_data("p", move.key, case.id, value)
                )
            ]
        )
    if city:  # the reports the city owes, to fill (or revise) from here
        for record, due, _status in case.owed_reports:
            rows.append(
                [
                    InlineKeyboardButton(
                        text=f"✍️ {report_name(due)}", callback_data=menu_data(record, "resume")
                    )
                ]
            )
    for tranche, move in tranche_moves:
        text = f"{_(move.label)} · {tranche.number}"
        rows.append(
            [
                InlineKeyboardButton(
                    text=text, callback_data=grant_data("t", move.key, tranche.id, tranche.status)
                )
            ]
        )
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def project_screen(
    case: ProjectCase,
    staff: bool,
    moves: Sequence[GrantMove],
    tranche_moves: Sequence[tuple[TrancheLine, GrantMove]],
    language: str | None = None,
) -> Screen:
    return Screen(
        project_text(case, staff),
        project_keyboard(case, moves, tranche_moves, language, city=not staff),
    )


def portfolio_screen(cases: Sequence[ProjectCase], total: int, staff: bool) -> Screen:
    """Each project: reference, city, granted and paid, the next tranche and what it waits for,
    the next report, its status; a button opens one."""
    if not cases:
        return Screen(_("No project yet.") if staff else _("Your city has no project yet."))
    title = _("Projects") if staff else _("Your city's projects")
    lines = [f"<b>{title}</b> ({total})"]
    rows = []
    for case in cases[:PORTFOLIO_ROWS]:
        ledger = case.ledger
        upcoming = case.next_report
        report = (
            _("{name} due {day}").format(name=report_name(upcoming), day=_day(upcoming.due_on))
            if upcoming is not None
            else "—"
        )
        lines.append(
            f"• <b>{html.quote(case.reference)}</b> · {html.quote(case.city)} · "
            f"{project_status(case.status)}\n   "
            + _("{paid} paid of {granted}").format(
                paid=money(ledger.paid, case.currency),
                granted=money(ledger.granted, case.currency),
            )
            + "\n   "
            + waits_for(case)
            + "\n   "
            + report
        )
        button = InlineKeyboardButton(
            text=f"📂 {case.reference}", callback_data=grant_data("p", "show", case.id)
        )
        rows.append([button])
    more = total - min(len(cases), PORTFOLIO_ROWS)
    if more > 0:
        lines.append(_("… and {count} more: narrow with a filter.").format(count=more))
    if staff:
        rows.append(
            [
                InlineKeyboardButton(
                    text=_("📊 Disbursements (XLSX)"), callback_data=grant_data("p", "xlsx", 0)
                )
            ]
        )
    return Screen("\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows))


def pay_prompt(case: ProjectCase, tranche: TrancheLine) -> str:
    left = case.ledger.left
    return _(
        "Payment of tranche {number} of {reference} ({amount} planned, {left} left of the "
        "grant): type the date, the amount and the bank reference, e.g. "
        "“15/04/2027 {amount} VIR-2027-118”."
    ).format(
        number=tranche.number,
        reference=html.quote(case.reference),
        amount=money(tranche.amount, case.currency),
        left=money(left, case.currency),
    )


def difference_prompt(case: ProjectCase, tranche: TrancheLine) -> str:
    return _(
        "Tranche {number} of {reference}: which amount arrived on the city's account? "
        "(paid: {amount})"
    ).format(
        number=tranche.number,
        reference=html.quote(case.reference),
        amount=money(tranche.paid or tranche.amount, case.currency),
    )


def difference_note_prompt() -> str:
    return _("What explains the difference (bank fees, exchange, a missing transfer…)?")


def move_note_prompt(case: ProjectCase, move: GrantMove) -> str:
    return _("{action} ({reference}): why? The city will read it.").format(
        action=_(move.label), reference=html.quote(case.reference)
    )


def payment_refused(error: Refused, currency: str) -> str:
    d = error.details
    if error.code == "over_grant":
        return _(
            "This payment of {amount} is more than what is left of the grant ({left}). Nothing "
            "was recorded."
        ).format(amount=money(d["amount"], currency), left=money(d["left"], currency))
    if error.code == "too_many_decimals":
        return _("Too many decimals for {currency}. Nothing was recorded.").format(
            currency=currency
        )
    return _("The amount must be greater than zero. Nothing was recorded.")


def payment_unreadable() -> str:
    return _(
        "I could not read this payment. Type the date, the amount and the bank reference, "
        "e.g. “15/04/2027 500 000 VIR-2027-118”."
    )


def amount_unreadable() -> str:
    return _("This is not an amount I can read without doubt. Type it again, e.g. 495 000.")


def schedule_refused(error: Refused, currency: str) -> str:
    d = error.details
    messages = {
        "sum": _("The tranches must add up to the grant ({grant}); they make {total}.").format(
            grant=money(d.get("grant", 0), currency), total=money(d.get("total", 0), currency)
        ),
        "negative": _("No tranche may be negative."),
        "decimals": _("Too many decimals for {currency}.").format(currency=currency),
        "no_such_report": _("The reporting calendar has no such progress report."),
        "no_such_tranche": _("There is no such tranche."),
    }
    return (
        messages.get(error.code, _("This change of the schedule is not possible."))
        + " "
        + _("Nothing was changed.")
    )


def adjust_usage() -> str:
    return _(
        "Usage: /tranche REFERENCE NUMBER amount|date|condition VALUE, e.g. "
        "/tranche FC-2027-0001 1 amount 400000. Only while the convention is prepared."
    )


def indicator_usage() -> str:
    return _(
        "Usage: /indicator REFERENCE NUMBER BASELINE TARGET UNIT, e.g. "
        "/indicator FC-2027-0001 2 0 1200 households. Only while the convention is prepared."
    )


def aid_text(case: AidCase) -> str:
    """An approved emergency aid, above its report: the emergency, its city, the aid."""
    label = EMERGENCY_FORM.question_of(AnswerRole.EVENT).choice_label(case.event)
    event = _(label) if label else html.quote(case.event)
    lines = [
        "<b>" + html.quote(case.reference) + "</b> · " + event,
        html.quote(f"{case.city} ({case.country})"),
        _("Emergency aid approved: {amount}").format(amount=money(case.granted, case.currency)),
    ]
    if case.purpose:
        lines.append(_("Purpose of the aid: {purpose}").format(purpose=html.quote(case.purpose)))
    return "\n".join(lines)


def aid_moved_on(case: AidCase) -> str:
    """A report's move someone else took first (or an old button): nothing changed."""
    return _(
        "This is no longer possible: the report on the aid of {reference} has moved on. Nothing "
        "was changed."
    ).format(reference=html.quote(case.reference))


def no_project() -> str:
    return _("No project with this reference that you may see.")


def project_moved_on(case: ProjectCase | None) -> str:
    """A move someone else took first (or an old button): nothing changed."""
    if case is None:
        return _("This change is no longer possible: the project has moved on.")
    return _(
        "This is no longer possible: {reference} is now “{status}”. Nothing was changed."
    ).format(reference=html.quote(case.reference), status=project_status(case.status))


def grant_figures_text(figures: Sequence[SessionFigures], reached: Sequence[Reached] = ()) -> str:
    """/stats: what each Bureau session granted, and how much of it was paid and received; the
    people the projects reached, per sector and country (their last approved reports)."""
    lines = ["💶 <b>" + _("Grants: paid against granted, per Bureau session") + "</b>"]
    for f in figures:
        session = _day(f.held_on) if f.held_on is not None else _("no session recorded")
        share = format_share(f.paid / f.granted, locale()) if f.granted else "—"
        lines.append(
            "• "
            + _(
                "{session}: {count} granted {granted}; paid {paid} ({share}); received {received}"
            ).format(
                session=session,
                count=ngettext("{count} project", "{count} projects", f.projects).format(
                    count=f.projects
                ),
                granted=money(f.granted, f.currency),
                paid=money(f.paid, f.currency),
                share=share,
                received=money(f.received, f.currency),
            )
        )
    if reached:
        lines += ["", "👥 <b>" + _("Results reached: people, per sector and country") + "</b>"]
        lines += [
            "• "
            + _("{sector} · {country}: {people} reached, {women} women and {men} men").format(
                sector=sector_label(r.sector),
                country=country_name(r.country, locale()),
                people=format_number(r.people, locale()),
                women=format_number(r.women, locale()),
                men=format_number(r.men, locale()),
            )
            for r in reached
        ]
    return "\n".join(lines)


def report_sent() -> str:
    return _("📤 Report submitted: the Secretariat reviews it; you will be told here.")


def report_incomplete() -> str:
    return _("This report is not complete yet: fill in what is missing, then submit it.")


def return_prompt(items: Sequence[str]) -> str:
    """The items of a report the Secretariat may return, numbered."""
    listed = "\n".join(f"{n}. {html.quote(item)}" for n, item in enumerate(items, 1))
    return (
        _("Which items must the city revise? Type their numbers, then your message, e.g. “2, 5 "
          "The photos are blurred”. Only those items reopen.")
        + "\n\n"
        + listed
    )  # fmt: skip


def return_unreadable() -> str:
    return _("Type the numbers of the items from the list, then your message to the city.")


def disbursement_tables(cases: list[ProjectCase]) -> list[Table]:
    """One row per tranche: its project, amount, status, payment and what the city received."""
    table = Table(
        _("Disbursements"),
        [
            Column(_("Reference"), width=16),
            Column(_("City"), width=18),
            Column(_("Country"), width=8),
            Column(_("Project status"), width=18),
            Column(_("Tranche"), Kind.COUNT, 8),
            Column(_("Condition"), width=30),
            Column(_("Planned amount"), Kind.MONEY),
            Column(_("Status"), width=12),
            Column(_("Paid on"), Kind.DATE, 12),
            Column(_("Amount paid"), Kind.MONEY),
            Column(_("Bank reference"), width=18),
            Column(_("Amount received"), Kind.MONEY),
            Column(_("Difference noted"), width=30),
        ],
    )
    for case in cases:
        for t in case.tranches:
            table.rows.append(
                (
                    [
                        case.reference,
                        case.city,
                        case.country,
                        project_status(case.status),
                        t.number,
                        condition_text(t.condition),
                        t.amount,
                        tranche_status(t.status),
                        t.paid_on,
                        t.paid,
                        t.bank_reference,
                        t.received,
                        t.difference_note,
                    ],
                    case.currency,
                )
            )
    return [table]
