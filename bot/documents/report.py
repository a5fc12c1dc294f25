"""A report after the grant as a PDF, from a `ReportCase`: which report of which project, its
status; each indicator's value reached against its baseline and target (the share of the target,
women and men), what was spent on each budget line against the budget, the city's contribution
mobilised, progress, difficulties and next steps, the photos (name, size, SHA-256) and the shared
location; the items returned for revision. An emergency aid's report: the uses of the aid by
purpose against the amount approved, what was done, the photos.

Written in the current gettext language (fr, en or ar: Arabic shaped and laid out right to
left), amounts and dates as the screens write them. Pure: domain values in, bytes out; the
caller runs it off the event loop.
"""

from datetime import date
from decimal import Decimal

from aiogram.utils.i18n import gettext as _

from bot.documents.convention import measure
from bot.documents.dossier import RTL_LANGUAGES, file_size
from bot.documents.pdf import BAD, GOOD, MUTED, SMALL, PdfDocument, Style
from bot.domain.countries import country_name
from bot.domain.dates import format_long
from bot.domain.follow_up import ReportKind
from bot.domain.forms import AnswerRole
from bot.domain.numbers import format_number, format_share
from bot.domain.project import REPORT_STATUS_LABELS
from bot.domain.records import slot_files
from bot.domain.report_form import ReportCase, facts_of
from bot.domain.results import percent_of_target, sexes_add_up
from bot.screens.common import locale, money


def report_title(case: ReportCase) -> str:
    if case.kind == ReportKind.PROGRESS:
        return _("Progress report {number}").format(number=case.number)
    if case.kind == ReportKind.FINAL:
        return _("Final report")
    return _("Report on the use of the emergency aid")


def report_pdf_name(case: ReportCase) -> str:
    """`FC-2027-0001-progress-2.pdf`, `FC-2027-0001-final.pdf`, `FU-2027-0003-aid.pdf`."""
    if case.kind == ReportKind.PROGRESS:
        return f"{case.reference}-progress-{case.number}.pdf"
    return f"{case.reference}-{case.kind}.pdf"


def _day(moment: date | None) -> str:
    return format_long(moment, locale()) if moment is not None else "—"


def _percent(value: Decimal | None) -> str:
    """A percentage already rounded (one decimal) as the language writes it."""
    return format_share(value / 100, locale()) if value is not None else "—"


def _share(part: Decimal, whole: Decimal) -> str:
    return format_share(part / whole, locale()) if whole else "—"


def report_pdf(case: ReportCase, today: date) -> bytes:
    """The whole report as a PDF document, in the current language."""
    title = report_title(case)
    doc = PdfDocument(
        rtl=locale() in RTL_LANGUAGES,
        footer=lambda page: (
            f"{case.reference} · {title}",
            _("Page {number}").format(number=page),
        ),
        title=f"{case.reference} · {title}",
        language=locale(),
    )
    _cover(doc, case, title, today)
    if case.returned:
        _returned(doc, case)
    if case.plan is not None:
        _results(doc, case)
        _spending(doc, case)
        _narrative(doc, case)
    else:
        _uses(doc, case)
    _photos(doc, case)
    return doc.output()


def _cover(doc: PdfDocument, case: ReportCase, title: str, today: date) -> None:
    record = case.record
    doc.title(title, f"{case.reference} · {case.title}")
    status = REPORT_STATUS_LABELS.get(record.status)
    submitted = case.submitted_at or record.submitted_at
    doc.fields(
        [
            (_("Reference"), case.reference),
            (_("City"), case.city),
            (_("Country"), country_name(case.country, locale())),
            (_("Project") if case.plan is not None else _("Emergency"), case.title or "—"),
            (_("Due on"), _day(case.due_on)),
            (_("Status"), _(status) if status else record.status),
            (_("Submitted on"), _day(submitted.date() if submitted else None)),
            (_("Document made on"), _day(today)),
        ]
    )


def _returned(doc: PdfDocument, case: ReportCase) -> None:
    doc.heading(_("Returned for revision"), level=2, color=BAD)
    names = []
    form = case.record.form
    for item in case.returned:
        section = next((s for s in form.sections if s.key == item), None)
        question = form.questions.get(item)
        if section is not None:
            names.append(_(section.title))
        elif question is not None:
            names.append(question.subject or _(question.label))
    doc.paragraph("\n".join(f"• {name}" for name in names) or "—", Style(color=BAD))
    if case.note:
        doc.paragraph(case.note, Style(color=BAD))


def _results(doc: PdfDocument, case: ReportCase) -> None:
    assert case.plan is not None
    facts = facts_of(case.plan, case.record.answers, case.previous)
    doc.heading(_("Results against the framework"))
    if not facts.indicators:
        doc.paragraph("—", Style(color=MUTED))
        return
    rows = []
    people = []
    for result in facts.indicators:
        plan = result.plan
        share = None
        if result.reached is not None and plan.target is not None:
            share = percent_of_target(result.reached, plan.target)
        rows.append(
            [
                plan.name or "—",
                measure(plan.baseline, plan.unit),
                measure(plan.target, plan.unit),
                measure(result.previous, plan.unit) if result.previous is not None else "—",
                measure(result.reached, plan.unit),
                _percent(share),
            ]
        )
        if plan.counts_people:
            people.append(result)
    headers = [_("Indicator"), _("Baseline"), _("Target"), _("Last report"), _("Reached"),
               _("Of the target")]  # fmt: skip
    doc.table(headers, rows, [2.6, 1.3, 1.3, 1.3, 1.3, 1.1], size=8.0)
    if people:
        doc.heading(_("People reached, women and men"), level=2)
        rows = []
        for result in people:
            plan = result.plan
            adds_up = sexes_add_up(result.reached, result.women, result.men)
            rows.append(
                [
                    plan.name or "—",
                    _count(result.women),
                    _count(plan.women),
                    _count(result.men),
                    _count(plan.men),
                    "✓" if adds_up else "✗ " + _("does not add up"),
                ]
            )
        headers = [_("Indicator"), _("Women"), _("Target for women"), _("Men"),
                   _("Target for men"), _("Women + men = reached")]  # fmt: skip
        doc.table(headers, rows, [2.6, 1, 1.2, 1, 1.2, 1.6], size=8.0)


def _count(value: int | None) -> str:
    return format_number(value, locale()) if value is not None else "—"


def _spending(doc: PdfDocument, case: ReportCase) -> None:
    assert case.plan is not None
    facts = facts_of(case.plan, case.record.answers)
    cur = case.plan.currency
    doc.heading(_("Spending against the budget"))
    rows = [
        [
            s.line.label or "—",
            money(s.line.amount, cur),
            money(s.spent, cur) if s.spent is not None else "—",
            _share(s.spent, s.line.amount) if s.spent is not None else "—",
        ]
        for s in facts.spending
    ]
    budget = sum((s.line.amount for s in facts.spending), Decimal(0))
    spent = sum((s.spent or Decimal(0) for s in facts.spending), Decimal(0))
    footer = [_("Total"), money(budget, cur), money(spent, cur), _share(spent, budget)]
    headers = [_("Budget line"), _("Budget"), _("Spent"), _("Share spent")]
    doc.table(headers, rows, [3, 2, 2, 1.2], footer=footer)
    mobilised = facts.city_mobilised
    doc.fields(
        [
            (_("City contribution planned"), money(case.plan.city_amount, cur)),
            (
                _("City contribution mobilised"),
                "—"
                if mobilised is None
                else f"{money(mobilised, cur)} ({_share(mobilised, case.plan.city_amount)})",
            ),
        ],
        label_share=0.45,
    )


def _narrative(doc: PdfDocument, case: ReportCase) -> None:
    answers = case.record.answers
    for key, title in (
        ("progress", _("Progress")),
        ("difficulties", _("Difficulties")),
        ("next_steps", _("Next steps")),
    ):
        doc.heading(title, level=2)
        doc.paragraph(str(answers.get(key) or "—"))


def _uses(doc: PdfDocument, case: ReportCase) -> None:
    answers = case.record.read()
    cur = case.record.currency
    doc.heading(_("Use of the aid"))
    uses = answers.entries(AnswerRole.USES)
    rows = [[str(use.get("purpose") or "—"), money(use.get("amount") or 0, cur)] for use in uses]
    used = sum((Decimal(str(use.get("amount") or 0)) for use in uses), Decimal(0))
    doc.table([_("Purpose"), _("Amount")], rows, [4, 2],
              footer=[_("Total"), money(used, cur)])  # fmt: skip
    if case.granted is not None:
        within = used <= case.granted
        text = _("Aid approved: {granted}; used: {used} ({share}).").format(
            granted=money(case.granted, cur), used=money(used, cur),
            share=_share(used, case.granted),
        )  # fmt: skip
        doc.paragraph(("✓ " if within else "✗ ") + text, Style(color=GOOD if within else BAD))
    doc.heading(_("What was done"), level=2)
    doc.paragraph(answers.text(AnswerRole.SUMMARY) or "—")


def _photos(doc: PdfDocument, case: ReportCase) -> None:
    record = case.record
    question = record.form.questions.get("photos")
    doc.heading(_("Photos"))
    files = slot_files(question, record.answers, record.files) if question is not None else []
    if files:
        rows = [[f.name, file_size(f.size), f.sha256] for f in files]
        styles = [Style(SMALL), Style(SMALL), Style(6.0)]
        doc.table([_("File"), _("Size"), "SHA-256"], rows, [2.4, 0.9, 4.6], styles=styles)
    else:
        doc.paragraph("—", Style(color=MUTED))
    location = record.read().value(AnswerRole.LOCATION)
    if isinstance(location, dict) and "lat" in location:
        doc.paragraph(
            _("Shared location: {place}").format(
                place=f"{float(location['lat']):.5f}, {float(location['lon']):.5f}"
            )
        )
