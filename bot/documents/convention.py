"""The convention (the grant agreement) as a PDF, from a `Convention` value: the parties, the
project, the amount granted and its share of the total cost, the city's own contribution and the
partners, the schedule of tranches with each one's condition, the reporting calendar, the results
framework with its targets, and how it is accepted.

Written in the current gettext language (the city's official it is sent to, or the
Secretariat's), amounts and dates as the screens write them. Pure: domain values in, bytes out;
the caller runs it off the event loop (`asyncio.to_thread`) and keeps the exact bytes sent (their
SHA-256 is what an acceptance records).
"""

from datetime import date
from decimal import Decimal

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.documents.dossier import RTL_LANGUAGES
from bot.documents.pdf import MUTED, SMALL, PdfDocument, Style
from bot.domain.convention import Convention
from bot.domain.countries import country_name
from bot.domain.dates import format_long
from bot.domain.forms import Choice
from bot.domain.fund_form import CONTRIBUTION_KINDS, LEVELS, PARTNER_TYPES
from bot.domain.numbers import format_number, format_share
from bot.domain.project import PROJECT_MOVES
from bot.domain.results import IndicatorPlan
from bot.screens.common import locale, money
from bot.screens.grant_words import condition_text, report_name
from bot.screens.sheets import sector_label

ACCEPT = next(m for m in PROJECT_MOVES if m.key == "accept")


def convention_pdf_name(convention: Convention) -> str:
    """`FC-2027-0001-convention-v2.pdf`."""
    return f"{convention.reference}-convention-v{convention.version}.pdf"


def _day(moment: date | None) -> str:
    return format_long(moment, locale()) if moment is not None else "—"


def _share(part: Decimal, whole: Decimal) -> str:
    return format_share(part / whole, locale()) if whole else "—"


def _choice(choices: tuple[Choice, ...], value: str) -> str:
    label = next((c.label for c in choices if c.value == value), None)
    return _(label) if label else (value or "—")


def measure(value: Decimal | None, unit: str) -> str:
    """`1 200 households`: the number as the language writes it, held to its unit."""
    if value is None:
        return "—"
    number = format_number(value, locale())
    return f"{number}\u00a0{unit}" if unit else number


def convention_pdf(convention: Convention) -> bytes:
    """The whole convention as a PDF document, in the current language."""
    c = convention
    heading = _("Convention {reference}").format(reference=c.reference)
    version = _("version {number}").format(number=c.version)
    doc = PdfDocument(
        rtl=locale() in RTL_LANGUAGES,
        footer=lambda page: (
            f"{heading} · {version}",
            _("Page {number}").format(number=page),
        ),
        title=f"{heading} · {c.title}",
        language=locale(),
    )
    doc.title(_("Grant agreement of the Cooperation Fund"), f"{c.reference} · {version}")
    _parties(doc, c)
    _project(doc, c)
    _money(doc, c)
    _tranches(doc, c)
    _calendar(doc, c)
    _framework(doc, c)
    _acceptance(doc, c)
    return doc.output()


def _parties(doc: PdfDocument, c: Convention) -> None:
    doc.heading(_("The parties"))
    doc.fields(
        [
            (
                _("The AIMF"),
                _(
                    "Association Internationale des Maires Francophones, for its Cooperation "
                    "Fund, represented by its Permanent Secretariat"
                ),
            ),
            (
                _("The beneficiary city"),
                _("{city} ({country}), represented by its mayor, {mayor}").format(
                    city=c.city, country=country_name(c.country, locale()), mayor=c.mayor or "—"
                ),
            ),
        ]
    )


def _project(doc: PdfDocument, c: Convention) -> None:
    doc.heading(_("The project"))
    rows = [
        (_("Title"), c.title or "—"),
        (_("Sector"), sector_label(c.sector) or "—"),
        (_("Location"), c.district or "—"),
        (_("Start date"), _day(c.start_on)),
        (
            _("Duration"),
            ngettext("{count} month", "{count} months", c.months).format(count=c.months),
        ),
        (_("End date"), _day(c.end_on)),
    ]
    if c.session_on is not None:
        rows.append((_("Granted by the Bureau session of"), _day(c.session_on)))
    doc.fields(rows)


def _money(doc: PdfDocument, c: Convention) -> None:
    doc.heading(_("Financing"))
    cur = c.currency
    doc.paragraph(
        _(
            "The AIMF grants {granted} to the city for this project, {share} of its total cost "
            "of {total}."
        ).format(
            granted=money(c.granted, cur),
            share=_share(c.granted, c.total_cost),
            total=money(c.total_cost, cur),
        )
    )
    doc.space()
    rows = [
        [_("Cooperation Fund (granted)"), money(c.granted, cur), _share(c.granted, c.total_cost)],
        [
            _("The city's own contribution ({form})").format(
                form=_choice(CONTRIBUTION_KINDS, c.city_kind)
            ),
            money(c.city_amount, cur),
            _share(c.city_amount, c.total_cost),
        ],
    ]
    for partner in c.partners:
        state = _("confirmed") if partner.confirmed else _("expected")
        rows.append(
            [
                f"{partner.name} ({_choice(PARTNER_TYPES, partner.kind)}, {state})",
                money(partner.amount, cur),
                _share(partner.amount, c.total_cost),
            ]
        )
    gap = c.total_cost - c.granted - c.city_amount - sum((p.amount for p in c.partners), Decimal(0))
    if gap:  # the Bureau granted another amount than the one asked
        rows.append([_("Still to finance (the amount granted is not the amount asked)"),
                     money(gap, cur), _share(gap, c.total_cost)])  # fmt: skip
    footer = [_("Total cost"), money(c.total_cost, cur), _share(c.total_cost, c.total_cost)]
    doc.table([_("Source"), _("Amount"), _("Share")], rows, [3.4, 2, 1], footer=footer)


def _tranches(doc: PdfDocument, c: Convention) -> None:
    doc.heading(_("Payment in tranches"))
    doc.paragraph(
        _(
            "The grant is paid in {count} tranches, each once its condition is met. The AIMF "
            "never pays more than the amount granted."
        ).format(count=len(c.tranches))
    )
    doc.space()
    rows = [
        [
            str(t.number),
            money(t.amount, c.currency),
            _share(t.amount, c.granted),
            condition_text(t.condition),
            _day(t.planned_on) if t.planned_on else "—",
        ]
        for t in c.tranches
    ]
    footer = ["", money(sum((t.amount for t in c.tranches), Decimal(0)), c.currency),
              _share(c.granted, c.granted), _("Total"), ""]  # fmt: skip
    headers = ["#", _("Amount"), _("Share"), _("Condition"), _("Planned for")]
    doc.table(headers, rows, [0.5, 2, 1, 3.6, 1.8], footer=footer)


def _calendar(doc: PdfDocument, c: Convention) -> None:
    doc.heading(_("Reporting calendar"))
    doc.paragraph(
        _(
            "The city reports in the bot on the progress of the project and on each indicator "
            "below, by these dates; the Secretariat approves each report or returns it for "
            "revision."
        )
    )
    doc.space()
    rows = [[report_name(due), _day(due.due_on)] for due in c.calendar]
    doc.table([_("Report"), _("Due on")], rows, [3, 2])


def _framework(doc: PdfDocument, c: Convention) -> None:
    doc.heading(_("Results framework"))
    if not c.indicators:
        doc.paragraph("—", Style(color=MUTED))
        return
    rows = []
    for i in c.indicators:
        target = measure(i.target, i.unit)
        if i.counts_people and (i.women is not None or i.men is not None):
            target += "\n" + _("women {women}, men {men}").format(
                women=format_number(i.women or 0, locale()),
                men=format_number(i.men or 0, locale()),
            )
        rows.append(
            [
                _choice(LEVELS, i.level),
                i.result or "—",
                i.name or "—",
                _baseline(i),
                target if i.target is not None else (i.written_target or "—"),
            ]
        )
    headers = [_("Level"), _("Expected result"), _("Indicator"), _("Baseline"), _("Target")]
    doc.table(headers, rows, [1.5, 2.6, 2.4, 1.5, 1.8], size=SMALL)


def _baseline(i: IndicatorPlan) -> str:
    if i.baseline is not None:
        return measure(i.baseline, i.unit)
    return i.written_baseline or "—"


def _acceptance(doc: PdfDocument, c: Convention) -> None:
    doc.heading(_("Acceptance"))
    button = _(ACCEPT.label).replace("✅", "").strip()  # the font has no emoji
    doc.paragraph(
        _(
            "A verified official of the city accepts this convention in the bot (“{button}”). "
            "The acceptance records who accepted, when, and the SHA-256 fingerprint of this "
            "very document; a changed convention is a new version, which needs a new acceptance."
        ).format(button=button)
    )
    doc.space()
    doc.paragraph(
        _("Document made on {day}.").format(day=_day(c.made_on)), Style(SMALL, False, MUTED)
    )
