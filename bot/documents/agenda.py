"""A Bureau session's agenda as a PDF, from the same `Agenda` value as its spreadsheet: a cover
(the session's date, place and deadline, the document's reference), the dossiers on the agenda as
a table, totals per currency, per sector and per country, and the total asked against the
session's budget (remaining or over, and what could not be counted against it).

Written in the current gettext language (the staff member who asked), landscape pages with the
session and the page number at the foot of each. Pure: domain values in, bytes out; the caller
runs it off the event loop (`asyncio.to_thread`, which carries the language along).
"""

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.documents.dossier import RTL_LANGUAGES
from bot.documents.pdf import BAD, GOOD, MUTED, PdfDocument, Style
from bot.domain.agenda import Agenda, Total
from bot.domain.countries import country_name
from bot.domain.dates import format_long
from bot.domain.numbers import format_number, format_share
from bot.domain.workflow import Status
from bot.screens.common import locale, money
from bot.screens.home import status_label
from bot.screens.sheets import budget_lines, remaining_line, sector_label

TABLE_SIZE = 8.0
BUDGET_LABELS = 0.45  # the budget block's labels: share of the width
LAST_LINE = Style(11, True)  # what remains of the budget, or by how much it is over


def agenda_reference(agenda: Agenda) -> str:
    """The document's reference: the session's date, as in `AIMF-BUREAU-2027-04-28`."""
    return f"AIMF-BUREAU-{agenda.session.held_on.isoformat()}"


def agenda_pdf_name(agenda: Agenda) -> str:
    return f"agenda-{agenda.session.held_on.isoformat()}.pdf"


def _day(moment: date) -> str:
    return format_long(moment, locale())


def _share(part: Decimal, whole: Decimal) -> str:
    return format_share(part / whole, locale()) if whole > 0 else "—"


def _session_line(agenda: Agenda) -> str:
    title = _("Agenda of the Bureau session of {day}").format(day=_day(agenda.session.held_on))
    return f"{title} · {agenda.session.place}" if agenda.session.place else title


def agenda_pdf(agenda: Agenda, today: date) -> bytes:
    """The whole agenda as a PDF document, in the current language."""
    reference = agenda_reference(agenda)
    session_line = _session_line(agenda)
    doc = PdfDocument(
        rtl=locale() in RTL_LANGUAGES,
        footer=lambda page: (session_line, _("Page {number}").format(number=page)),
        title=session_line,
        language=locale(),
        orientation="L",
    )
    _cover(doc, agenda, reference, today)
    _items(doc, agenda)
    currencies = [((code, code), total) for code, total in agenda.by_currency.items()]
    _totals(doc, _("Totals per currency"), _("Currency"), currencies, lambda code: code or "—")
    _totals(doc, _("By sector"), _("Sector"), agenda.by_sector.items(), sector_label)
    countries = agenda.by_country.items()
    _totals(doc, _("By country"), _("Country"), countries, lambda c: country_name(c, locale()))
    _budget(doc, agenda)
    return doc.output()


def _cover(doc: PdfDocument, agenda: Agenda, reference: str, today: date) -> None:
    session = agenda.session
    doc.title(
        _("Agenda of the Bureau session of {day}").format(day=_day(session.held_on)),
        _("Cooperation Fund") + (f" · {session.place}" if session.place else ""),
    )
    doc.fields(
        [
            (_("Bureau session"), _day(session.held_on)),
            (_("Place"), session.place or "—"),
            (_("Last day to send a dossier"), _day(session.deadline)),
            (_("Document reference"), reference),
            (_("Dossiers on the agenda"), format_number(len(agenda.items), locale())),
            (_("Document made on"), _day(today)),
        ],
        label_share=0.3,
    )


def _items(doc: PdfDocument, agenda: Agenda) -> None:
    doc.heading(_("Dossiers on the agenda"))
    if not agenda.items:
        doc.paragraph(_("No dossier is on this session's agenda yet."), Style(color=MUTED))
        return
    headers = [
        _("Reference"),
        _("City"),
        _("Country"),
        _("Sector"),
        _("Title"),
        _("Asked of the Fund"),
        _("Fund share"),
        _("City share"),
        _("Granted"),
        _("Status"),
    ]
    rows = []
    for facts in agenda.items:
        plan, currency = facts.plan, facts.currency
        decided = facts.status in (Status.APPROVED, Status.REJECTED)
        granted = "—"
        if facts.status == Status.APPROVED and facts.granted is not None:
            granted = money(facts.granted, currency)
        rows.append(
            [
                facts.reference or "—",
                facts.city,
                country_name(facts.country, locale()),
                sector_label(facts.sector) or "—",
                facts.title or "—",
                money(plan.fund, currency),
                _share(plan.fund, plan.total),
                _share(plan.city, plan.total),
                granted if decided else "",
                status_label(facts.status),
            ]
        )
    weights = [1.5, 1.3, 1.2, 1.6, 2.6, 1.6, 0.9, 0.9, 1.5, 1.6]
    doc.table(headers, rows, weights, size=TABLE_SIZE)


def _count(count: int) -> str:
    return ngettext("{count} dossier", "{count} dossiers", count).format(count=count)


def _totals(
    doc: PdfDocument,
    title: str,
    header: str,
    totals: Iterable[tuple[tuple[str, str], Total]],
    name_of: Callable[[str], str],
) -> None:
    """Count, asked and granted per (value, currency), the value named by `name_of`: a line
    never sums two currencies."""
    doc.heading(title, level=2)
    rows = [
        _total_row(name_of(value) or "—", currency or None, total)
        for (value, currency), total in totals
    ]
    if not rows:
        doc.paragraph("—", Style(color=MUTED))
        return
    headers = [header, _("Dossiers"), _("Asked of the Fund"), _("Granted")]
    doc.table(headers, rows, [3, 1, 2, 2], size=TABLE_SIZE)


def _total_row(name: str, currency: str | None, total: Total) -> list[str]:
    return [
        name,
        format_number(total.count, locale()),
        money(total.asked, currency),
        money(total.granted, currency),
    ]


def _budget(doc: PdfDocument, agenda: Agenda) -> None:
    """The budget block: its heading, the lines counted against it and what remains (or the
    excess), kept on one page when it fits on one."""
    budget = agenda.budget
    if budget is None or agenda.asked is None:
        doc.keep(doc.heading_height() + LAST_LINE.line)
        doc.heading(_("Budget"))
        doc.paragraph(_("No budget set for this session yet."), Style(color=MUTED))
        return
    code = budget.currency
    rows = []
    for line in budget_lines(agenda):
        shown = money(line.amount, code)
        if line.share is not None:
            shown += f" ({format_share(line.share, locale())})"
        rows.append((line.label, shown))
    for currency, total in agenda.uncounted.items():
        label = _("Not counted (no fixed rate to {budget}): {currency}").format(
            budget=code, currency=currency
        )
        rows.append((label, f"{money(total.asked, currency)} · {_count(total.count)}"))
    text, over = remaining_line(agenda)
    if over:
        text, last = "⚠ " + text, Style(LAST_LINE.size, True, BAD)
    else:
        last = Style(LAST_LINE.size, True, GOOD)
    doc.keep(doc.heading_height() + doc.fields_height(rows, BUDGET_LABELS) + 2 * last.line)
    doc.heading(_("Budget"))
    doc.fields(rows, label_share=BUDGET_LABELS)
    doc.paragraph(text, last)
