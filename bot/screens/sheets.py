"""Spreadsheets (XLSX) from domain values: the Secretariat's queue, a city's own dossiers, a Bureau
session's agenda. Tables are built in the reader's language on the event loop (`*_tables`);
`write_workbook` turns them into a file with openpyxl and is meant to run in a worker thread.

Numbers are numbers and dates are dates in the file (never text): money cells carry the number
format of their row's currency, shares a percentage format; every sheet has a frozen header row
and filters on its columns. Text typed by people is always written as text, never as a formula.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from io import BytesIO
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.numbers import get_currency_precision

from bot.domain.agenda import Agenda
from bot.domain.countries import country_name
from bot.domain.dates import format_long, format_short
from bot.domain.forms import AnswerRole
from bot.domain.fund_form import FUND_FORM
from bot.domain.rules import FundingRules
from bot.domain.sessions import BureauSession
from bot.domain.sheets import DossierFacts, Flag
from bot.screens.common import listed, locale, money
from bot.screens.home import status_label
from bot.telegram.callbacks import sheet_data

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD/MM/YYYY"  # day first, as fr, en (world English) and ar write it
SHARE_FORMAT = "0.0%"
FORBIDDEN_IN_TITLES = str.maketrans({c: " " for c in "[]:*?/\\"})


class Kind(StrEnum):
    TEXT = "text"
    MONEY = "money"  # in the row's currency
    SHARE = "share"  # a fraction of 1, shown as a percentage
    DATE = "date"
    COUNT = "count"


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind = Kind.TEXT
    width: int = 14


@dataclass
class Table:
    """One sheet: a header row, then rows (values in the columns' order, and the row's currency
    for its money cells)."""

    title: str
    columns: list[Column]
    rows: list[tuple[list[Any], str | None]] = field(default_factory=list)


def money_format(currency: str | None) -> str:
    """Excel's number format for amounts in `currency`: its decimals, and its code."""
    if not currency:
        return "#,##0.00"
    places = get_currency_precision(currency)
    digits = "#,##0." + "0" * places if places else "#,##0"
    return f'{digits} "{currency}"'


def _day(moment: datetime | None) -> date | None:
    return moment.date() if moment is not None else None


def sector_label(value: str | None) -> str:
    label = FUND_FORM.question_of(AnswerRole.SECTOR).choice_label(value) if value else None
    return _(label) if label else (value or "")


def flag_label(flag: Flag) -> str:
    return {
        Flag.UNVERIFIED: _("sender not verified"),
        Flag.FUND_OVER: _("Fund share above its maximum"),
        Flag.CITY_UNDER: _("city share below its minimum"),
        Flag.UNBALANCED: _("sources do not match the total cost"),
    }[flag]


def dossier_columns(with_city: bool, with_flags: bool) -> list[Column]:
    columns = [Column(_("Reference"), width=14)]
    if with_city:
        columns += [Column(_("City"), width=18), Column(_("Country"), width=16)]
    columns += [
        Column(_("Sector"), width=22),
        Column(_("Title"), width=40),
        Column(_("Status"), width=22),
        Column(_("Currency"), width=9),
        Column(_("Total cost"), Kind.MONEY, 18),
        Column(_("Asked of the Fund"), Kind.MONEY, 18),
        Column(_("Fund share"), Kind.SHARE, 10),
        Column(_("City contribution"), Kind.MONEY, 18),
        Column(_("City share"), Kind.SHARE, 10),
        Column(_("Partners"), Kind.MONEY, 18),
        Column(_("Granted"), Kind.MONEY, 18),
        Column(_("Bureau session"), Kind.DATE, 13),
        Column(_("Submitted"), Kind.DATE, 13),
        Column(_("Last change"), Kind.DATE, 13),
    ]
    if with_flags:
        columns.append(Column(_("Flags"), width=40))
    return columns


def dossier_row(
    facts: DossierFacts, rules: FundingRules, with_city: bool, with_flags: bool
) -> list[Any]:
    plan = facts.plan
    values: list[Any] = [facts.reference or ""]
    if with_city:
        values += [facts.city, country_name(facts.country, locale())]
    values += [
        sector_label(facts.sector),
        facts.title or "",
        status_label(facts.status),
        facts.currency or "",
        plan.total,
        plan.fund,
        plan.share(plan.fund),
        plan.city,
        plan.share(plan.city),
        plan.partners,
        facts.granted,
        facts.session.held_on if facts.session is not None else None,
        _day(facts.submitted_at),
        _day(facts.changed_at),
    ]
    if with_flags:
        values.append(listed(flag_label(f) for f in facts.flags(rules)))
    return values


def queue_tables(dossiers: list[DossierFacts], rules: FundingRules) -> list[Table]:
    """The Secretariat's queue: one row per dossier."""
    table = Table(_("Dossiers"), dossier_columns(with_city=True, with_flags=True))
    table.rows = [(dossier_row(d, rules, True, True), d.currency) for d in dossiers]
    return [table]


def city_tables(dossiers: list[DossierFacts], rules: FundingRules) -> list[Table]:
    """A city's own dossiers, for its officials (no Secretariat's flags)."""
    table = Table(_("Our dossiers"), dossier_columns(with_city=False, with_flags=False))
    table.rows = [(dossier_row(d, rules, False, False), d.currency) for d in dossiers]
    return [table]


def agenda_tables(agenda: Agenda) -> list[Table]:
    """A Bureau session's agenda: its dossiers, totals per sector, per country, and the budget."""
    items = Table(
        _("Agenda"),
        [
            Column(_("Reference"), width=14),
            Column(_("City"), width=18),
            Column(_("Country"), width=16),
            Column(_("Sector"), width=22),
            Column(_("Title"), width=40),
            Column(_("Status"), width=22),
            Column(_("Currency"), width=9),
            Column(_("Total cost"), Kind.MONEY, 18),
            Column(_("Asked of the Fund"), Kind.MONEY, 18),
            Column(_("Fund share"), Kind.SHARE, 10),
            Column(_("Granted"), Kind.MONEY, 18),
        ],
    )
    for d in agenda.items:
        plan = d.plan
        row = [
            d.reference or "",
            d.city,
            country_name(d.country, locale()),
            sector_label(d.sector),
            d.title or "",
            status_label(d.status),
            d.currency or "",
            plan.total,
            plan.fund,
            plan.share(plan.fund),
            d.granted,
        ]
        items.rows.append((row, d.currency))
    totals = [Column(_("Currency"), width=9), Column(_("Dossiers"), Kind.COUNT, 10)]
    totals += [
        Column(_("Asked of the Fund"), Kind.MONEY, 18),
        Column(_("Granted"), Kind.MONEY, 18),
    ]
    sectors = Table(_("By sector"), [Column(_("Sector"), width=26), *totals])
    for (sector, currency), total in agenda.by_sector.items():
        values = [sector_label(sector), currency, total.count, total.asked, total.granted]
        sectors.rows.append((values, currency))
    countries = Table(_("By country"), [Column(_("Country"), width=20), *totals])
    for (country, currency), total in agenda.by_country.items():
        name = country_name(country, locale())
        countries.rows.append(([name, currency, total.count, total.asked, total.granted], currency))
    return [items, sectors, countries, budget_table(agenda)]


@dataclass(frozen=True)
class BudgetLine:
    label: str
    amount: Decimal
    share: Decimal | None = None  # of the budget


def budget_lines(agenda: Agenda) -> list[BudgetLine]:
    """The session's budget and what counts against it, labelled for where the Bureau stands:
    before its decisions the amounts asked; after them what it granted (approved dossiers only);
    in between both, and what the dossiers still waiting ask. In the budget's currency."""
    assert agenda.budget is not None
    zero = Decimal(0)
    lines = [BudgetLine(_("Budget of the session"), agenda.budget.amount)]
    if agenda.phase == "before":
        asked = agenda.waiting or zero
        lines.append(
            BudgetLine(_("Asked, awaiting the Bureau's decision"), asked, agenda.share_of_budget)
        )
        return lines
    lines.append(
        BudgetLine(
            _("Asked, counted against the budget"), agenda.asked or zero, agenda.share_of_budget
        )
    )
    granted = agenda.granted or zero
    share = granted / agenda.budget.amount if agenda.budget.amount > 0 else None
    lines.append(BudgetLine(_("Granted by the Bureau (approved dossiers)"), granted, share))
    if agenda.phase == "during":
        waiting = agenda.waiting or zero
        lines.append(BudgetLine(_("Asked by the dossiers awaiting the Bureau's decision"), waiting))
    return lines


def remaining_label(agenda: Agenda) -> str:
    return {
        "before": _("Remaining before the Bureau's decisions (budget less the amounts asked)"),
        "during": _("Remaining if the dossiers awaiting a decision get what they ask"),
        "after": _("Remaining after the Bureau's decisions (budget less the amounts granted)"),
    }[agenda.phase]


def remaining_line(agenda: Agenda) -> tuple[str, bool]:
    """What remains of the budget (or by how much it is over), and whether it is over."""
    assert agenda.budget is not None
    remaining = agenda.remaining if agenda.remaining is not None else Decimal(0)
    code = agenda.budget.currency
    if not agenda.over_budget:
        return _("{label}: {value}").format(
            label=remaining_label(agenda), value=money(remaining, code)
        ), False
    over = {
        "before": _("The amounts asked exceed the budget by {amount}."),
        "during": _(
            "Over budget by {amount} if the dossiers awaiting a decision get what they ask."
        ),
        "after": _("Over budget by {amount}."),
    }[agenda.phase]
    return over.format(amount=money(-remaining, code)), True


def budget_table(agenda: Agenda) -> Table:
    table = Table(
        _("Budget"),
        [
            Column(_("Item"), width=48),
            Column(_("Currency"), width=9),
            Column(_("Amount"), Kind.MONEY, 18),
            Column(_("Share of the budget"), Kind.SHARE, 12),
        ],
    )
    session = agenda.session
    where = f" · {session.place}" if session.place else ""
    table.rows.append(([_("Bureau session") + where, "", session.held_on, None], None))
    for currency, total in agenda.by_currency.items():
        dossiers = ngettext("{count} dossier", "{count} dossiers", total.count).format(
            count=total.count
        )
        label = _("Total asked in {currency} ({dossiers})").format(
            currency=currency, dossiers=dossiers
        )
        table.rows.append(([label, currency, total.asked, None], currency))
    budget = agenda.budget
    if budget is None:
        table.rows.append(([_("No budget set for this session yet"), "", None, None], None))
        return table
    code = budget.currency
    for line in budget_lines(agenda):
        table.rows.append(([line.label, code, line.amount, line.share], code))
    label = remaining_label(agenda) + " — " + _("negative: over budget")
    table.rows.append(([label, code, agenda.remaining, None], code))
    for currency, total in agenda.uncounted.items():
        label = _("Not counted (no fixed rate to {budget}): {currency}").format(
            budget=code, currency=currency
        )
        table.rows.append(([label, currency, total.asked, None], currency))
    return table


def nothing_to_export(*, filtered: bool, every: bool, city: bool = False) -> str:
    """What `/export` (or a city's own export) says instead of sending an empty spreadsheet."""
    if city:
        return _("Your city has no dossier yet: nothing to export.")
    if filtered:
        return _("No dossier matches these words: nothing to export.")
    if every:
        return _("No dossier has been submitted yet: nothing to export.")
    return _(
        "No dossier is waiting on the Secretariat: nothing to export. "
        "/export all takes every submitted dossier, decided ones too."
    )


def long_day(moment: date) -> str:
    return format_long(moment, locale())


def agenda_buttons(session: BureauSession) -> list[InlineKeyboardButton]:
    """ "📊 Agenda" and "💶 Budget" for one Bureau session (staff rights checked when pressed)."""
    session_id = session.id or 0
    return [
        InlineKeyboardButton(
            text=_("📊 Agenda {day}").format(day=format_short(session.held_on, locale())),
            callback_data=sheet_data("agenda", session_id),
        ),
        InlineKeyboardButton(text=_("💶 Budget"), callback_data=sheet_data("budget", session_id)),
    ]


def agenda_keyboard(session: BureauSession) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[agenda_buttons(session)])


def agenda_summary(agenda: Agenda) -> str:
    """The agenda in a few lines, for the message that comes with the file (HTML-safe)."""
    day = long_day(agenda.session.held_on)
    lines = [
        "<b>" + _("Agenda of the Bureau session of {day}").format(day=day) + "</b>",
        _("Dossiers on the agenda: {count}").format(count=len(agenda.items)),
    ]
    for currency, total in agenda.by_currency.items():
        lines.append(_("Asked: {amount}").format(amount=money(total.asked, currency or None)))
    budget = agenda.budget
    if budget is None:
        lines.append(_("No budget set for this session yet."))
    else:
        for line in budget_lines(agenda):
            amount = money(line.amount, budget.currency)
            lines.append(_("{label}: {value}").format(label=line.label, value=amount))
        text, over = remaining_line(agenda)
        lines.append(("⚠️ " if over else "") + text)
        if agenda.uncounted:
            codes = listed(agenda.uncounted)
            lines.append(
                _("Not counted against the budget (no fixed rate): {currencies}").format(
                    currencies=codes
                )
            )
    return "\n".join(lines)


def sheet_title(title: str) -> str:
    """What Excel accepts as a sheet's name: at most 31 characters, none of []:*?/\\."""
    return title.translate(FORBIDDEN_IN_TITLES).strip()[:31] or "Sheet"


def write_workbook(tables: list[Table], right_to_left: bool = False) -> bytes:
    """The XLSX file of `tables`, one sheet each (CPU-bound: call it in a worker thread)."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    formats: dict[str | None, str] = {}
    for table in tables:
        sheet = book.create_sheet(sheet_title(table.title))
        sheet.sheet_view.rightToLeft = right_to_left
        sheet.append([c.header for c in table.columns])
        for cell in sheet[1]:
            cell.font = bold
            cell.alignment = wrap
        for number, (values, currency) in enumerate(table.rows, start=2):
            money = formats.get(currency) or formats.setdefault(currency, money_format(currency))
            for index, (column, value) in enumerate(zip(table.columns, values, strict=True), 1):
                if value is None or value == "":
                    continue
                cell = sheet.cell(row=number, column=index)
                if isinstance(value, str):
                    cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
                    cell.data_type = "s"  # "=…" typed by someone stays text, never a formula
                    continue
                cell.value = value
                if isinstance(value, date):
                    cell.number_format = DATE_FORMAT
                elif column.kind == Kind.MONEY:
                    cell.number_format = money
                elif column.kind == Kind.SHARE:
                    cell.number_format = SHARE_FORMAT
        last = get_column_letter(len(table.columns))
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"
        for index, column in enumerate(table.columns, 1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
    out = BytesIO()
    book.save(out)
    return out.getvalue()
