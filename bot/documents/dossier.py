"""A dossier as a PDF, from its form: the cover, every section in order with every answer (lists
as tables), the financing picture and its rules, the completeness checklist, the attachments with
their size and SHA-256, the history of statuses.

Written in the current gettext language (the person who asked, or the Secretariat's chat's), with
amounts and dates formatted as the screens format them. Pure: domain values in, bytes out; the
caller runs it off the event loop (`asyncio.to_thread`, which carries the language along).
"""

from datetime import date
from decimal import Decimal
from html import unescape
from typing import Any

from aiogram.utils.i18n import gettext as _

from bot.documents.pdf import BAD, GOOD, MUTED, SMALL, PdfDocument, Style
from bot.domain.countries import country_name
from bot.domain.dates import format_long
from bot.domain.forms import ATTACHMENTS, AnswerRole, Kind, Question, Section
from bot.domain.fund_form import financing
from bot.domain.navigation import item_fields
from bot.domain.numbers import format_number, format_share
from bot.domain.records import Record, slot_files
from bot.domain.review import Case
from bot.domain.rules import (
    FundingRules,
    SectionCheck,
    cofinancing_problems,
    is_answered,
    letter_slot,
)
from bot.domain.workflow import is_correction
from bot.screens.checklist import record_title, rule_text
from bot.screens.common import locale, money, onward, shown_answer, strip_tags
from bot.screens.financing import problem_text
from bot.screens.home import status_label
from bot.screens.secretariat import attachment_piece

RTL_LANGUAGES = frozenset({"ar"})
YES, NO = "✓", "✗"


def plain(markup: str) -> str:
    """What a screen's HTML says, as text: the PDF shows user text literally, never as markup."""
    return unescape(strip_tags(markup))


def pdf_name(record: Record) -> str:
    """The document's file name: `FC-2026-0001.pdf` (a draft: `dossier-12.pdf`)."""
    return f"{record.reference}.pdf" if record.reference else f"dossier-{record.id}.pdf"


def file_size(size: int) -> str:
    """`229 KB`, `3.3 MB`: the number and its unit held together (a no-break space)."""
    kb = Decimal(size) / 1024
    if kb < 1024:
        text = _("{size} KB").format(size=format_number(kb.quantize(Decimal(1)), locale()))
    else:
        mb = (kb / 1024).quantize(Decimal("0.1"))
        text = _("{size} MB").format(size=format_number(mb, locale()))
    return text.replace(" ", "\u00a0")


def _day(moment: date | None) -> str:
    return format_long(moment, locale()) if moment is not None else "—"


def _value(question: Question, value: Any, currency: str | None) -> str:
    if question.kind == Kind.WHOLE and value is None:
        return _("unknown")
    if value is None or value == "":
        return "—"
    if question.kind == Kind.YES_NO:
        return _("Yes") if value else _("No")
    if question.kind == Kind.LOCATION:
        return f"{float(value['lat']):.5f}, {float(value['lon']):.5f}"
    return plain(shown_answer(question, value, currency))


def dossier_pdf(case: Case, rules: FundingRules, today: date) -> bytes:
    """The whole dossier as a PDF document, in the current language."""
    record = case.record
    reference = record.reference or _("Draft dossier")
    doc = PdfDocument(
        rtl=locale() in RTL_LANGUAGES,
        footer=lambda page: (
            f"{reference} · {record_title(record)}"[:90],
            _("Page {number}").format(number=page),
        ),
        title=f"{reference} · {record_title(record)}",
        language=locale(),
    )
    checks = record.checks(rules)
    _cover(doc, case, today)
    for check, section in zip(checks, record.form.sections, strict=True):
        _section(doc, record, section, check)
    if AnswerRole.BUDGET_LINES in record.form.roles:  # the Fund's dossier: a financing plan
        _financing(doc, record, rules)
    _checklist(doc, record, checks)
    _history(doc, case)
    return doc.output()


def _cover(doc: PdfDocument, case: Case, today: date) -> None:
    record = case.record
    answers = record.read()
    doc.title(_(record.form.title), record.reference or _("Draft dossier"))
    named = AnswerRole.SECTOR in record.form.roles
    sector = record.form.question_of(AnswerRole.SECTOR) if named else None
    sector_label = sector.choice_label(answers.sector) if sector else None
    last = case.history[-1].at.date() if case.history else None
    rows = [
        (_("Reference"), record.reference or "—"),
        (_("City"), case.city or answers.city or "—"),
        (_("Country"), country_name(case.country or answers.country, locale())),
        (_("Title"), record_title(record)),
        (_("Sector"), _(sector_label) if sector_label else "—"),
        (_("Status"), status_label(record.status)),
        (_("Submitted on"), _day(record.submitted_at.date() if record.submitted_at else None)),
        (_("Last change"), _day(last)),
    ]
    if case.session is not None:
        rows.append((_("Bureau session"), _day(case.session.held_on)))
    if case.granted is not None:
        rows.append((_("Granted"), money(case.granted, record.currency)))
    rows.append((_("Sent by"), case.sender.name))
    rows.append((_("Document made on"), _day(today)))
    doc.fields(rows)


def _section(doc: PdfDocument, record: Record, section: Section, check: SectionCheck) -> None:
    number = record.form.sections.index(section) + 1
    mark = YES if check.complete else NO
    doc.heading(f"{number}. {_(section.title)} {mark}")
    answers = record.answers
    pending: list[tuple[str, str]] = []
    visible = [q for q in section.questions if q.visible(answers)]
    attachments = [q for q in visible if q.kind in ATTACHMENTS]
    for question in visible:
        if question.kind in ATTACHMENTS:
            continue
        if question.kind == Kind.LIST:
            if pending:
                doc.fields(pending)
                pending = []
            _list(doc, record, question)
            continue
        value = _value(question, answers.get(question.key), record.currency)
        if question.key not in answers and question.required:
            value = _("missing")
        pending.append((_(question.label), value))
    if pending:
        doc.fields(pending)
    if attachments:
        _attachments(doc, record, attachments)
    for problem in check.problems:
        doc.paragraph("⚠ " + plain(rule_text(problem, answers)), Style(color=BAD))


def _list(doc: PdfDocument, record: Record, question: Question) -> None:
    """A list answer as a table: one column per field of its entries, one row per entry, and a
    total under each money column."""
    items = record.answers.get(question.key) or []
    fields = list(question.fields)
    wide = len(fields) > 6 and bool(items)  # on a landscape page of its own
    if wide:
        doc.turn("L")
    doc.heading(_(question.label), level=2)
    if not items:
        doc.paragraph(_("missing") if question.required else "—", Style(color=MUTED))
        return
    headers = ["#", *(_(f.label) for f in fields)]
    weights = [0.5, *(_weight(f) for f in fields)]
    rows = []
    for n, item in enumerate(items, 1):
        shown = {f.key for f in item_fields(question, item)}
        cells = [str(n)]
        for f in fields:
            cells.append(_value(f, item.get(f.key), record.currency) if f.key in shown else "—")
        rows.append(cells)
    footer = None
    money_fields = [i for i, f in enumerate(fields) if f.kind == Kind.MONEY]
    if money_fields:
        footer = [""] * len(headers)
        footer[1] = _("Total")
        for i in money_fields:
            total = sum((Decimal(str(item.get(fields[i].key) or 0)) for item in items), Decimal(0))
            footer[i + 1] = money(total, record.currency)
    doc.table(headers, rows, weights, size=SMALL if wide else 8.5, footer=footer)
    if wide:
        doc.turn("P")


def _weight(field: Question) -> float:
    if field.kind == Kind.TEXT:
        return 1.2 + min(field.max_len, 500) / 200
    if field.kind == Kind.MONEY:
        return 2.2
    if field.kind == Kind.CHOICE:
        return 1.8
    return 1.3


def _attachments(doc: PdfDocument, record: Record, questions: list[Question]) -> None:
    """Every attachment question, with each file's name, size and SHA-256."""
    doc.heading(_("Attachments"), level=2)
    rows = []
    answers = record.answers
    for question in questions:
        label = _(question.label)
        given = slot_files(question, answers, record.files)
        if question.kind == Kind.LETTERS and question.per_entry:
            for entry in question.per_entry(answers):
                slot = letter_slot(question, entry["id"])
                mine = [f for f in given if f.slot == slot]
                rows += _file_rows(attachment_piece(record, slot), mine, True)
            continue
        rows += _file_rows(label, given, question.required)
    headers = [_("Document"), _("File"), _("Size"), "SHA-256"]
    styles = [Style(SMALL), Style(SMALL), Style(SMALL), Style(6.0)]
    doc.table(headers, rows, [1.9, 1.9, 0.8, 4.8], styles=styles)


def _file_rows(label: str, files: list, required: bool) -> list[list[str]]:
    if not files:
        return [[label, _("missing") if required else "—", "", ""]]
    return [[label, f.name, file_size(f.size), f.sha256] for f in files]


def _financing(doc: PdfDocument, record: Record, rules: FundingRules) -> None:
    """Total cost, the Fund, the city, each partner, with shares, and whether the rules hold."""
    plan = financing(record.answers)
    cur = plan.currency
    doc.heading(_("Financing picture"))

    def share(amount: Decimal) -> str:
        value = plan.share(amount)
        return format_share(value, locale()) if value is not None else "—"

    rows = [
        [_("Fund"), money(plan.fund, cur), share(plan.fund)],
        [_("City"), money(plan.city, cur), share(plan.city)],
    ]
    # The partners' subtotal is a source like the Fund and the city; each partner under it is
    # one of its parts, drawn lighter and named as such, so the column reads as adding up.
    rows.append([_("Partners (subtotal)"), money(plan.partners, cur), share(plan.partners)])
    details = []
    for partner in record.read().entries(AnswerRole.PARTNERS):
        amount = Decimal(str(partner.get("amount") or 0))
        details.append(len(rows))
        rows.append([_("of which {name}").format(name=partner.get("name", "")),
                     money(amount, cur), share(amount)])  # fmt: skip
    footer = [_("Total cost"), money(plan.total, cur), share(plan.total)]
    headers = [_("Source"), _("Amount"), _("Share")]
    doc.table(headers, rows, [3, 2, 1], footer=footer, details=details)
    codes = {p.code: p for p in cofinancing_problems(plan, rules)}
    verdicts = [
        (
            _("The Fund pays at most {limit} of the total cost").format(
                limit=format_share(rules.fund_max_share, locale())
            ),
            codes.get("fund_over"),
        ),
        (
            _("The city brings at least {limit} of the total cost").format(
                limit=format_share(rules.city_min_share, locale())
            ),
            codes.get("city_under"),
        ),
        (
            _("The sources equal the total cost"),
            codes.get("sources_short") or codes.get("sources_over") or codes.get("no_budget"),
        ),
    ]
    for text, problem in verdicts:
        if problem is None:
            doc.paragraph(f"{YES} " + _("{rule}: holds").format(rule=text), Style(color=GOOD))
        else:
            verdict = _("{rule}: does not hold").format(rule=text)
            doc.paragraph(f"{NO} {verdict}", Style(bold=True, color=BAD))
            doc.paragraph(plain(problem_text(problem, plan)), Style(color=BAD), indent=5)


def _checklist(doc: PdfDocument, record: Record, checks: list[SectionCheck]) -> None:
    doc.heading(_("Completeness checklist"))
    rows = []
    for check, section in zip(checks, record.form.sections, strict=True):
        todo = [_(q.label) for q in check.missing]
        todo += [plain(rule_text(p, record.answers)) for p in check.problems]
        state = f"{YES} " + _("complete") if check.complete else f"{NO} " + _("to complete")
        rows.append([f"{check.index + 1}. {_(section.title)}", state, "\n".join(todo) or "—"])
    doc.table([_("Section"), _("State"), _("Still missing")], rows, [2.2, 1.4, 4])
    answered = sum(
        1
        for q in record.form.visible_questions(record.answers)
        if is_answered(q, record.answers, record.counts)
    )
    total = len(record.form.visible_questions(record.answers))
    doc.paragraph(
        _("Answered questions: {answered} of {total}").format(answered=answered, total=total),
        Style(color=MUTED),
    )


def _history(doc: PdfDocument, case: Case) -> None:
    doc.heading(_("History of statuses"))
    if not case.history:
        doc.paragraph("—", Style(color=MUTED))
        return
    rows = []
    for entry in case.history:
        details = []
        if entry.amount is not None:
            details.append(
                _("granted {amount}").format(amount=money(entry.amount, case.record.currency))
            )
        if entry.session is not None:
            details.append(_("Bureau session of {day}").format(day=_day(entry.session.held_on)))
        if entry.note:
            details.append(entry.note)
        moved = f"{status_label(entry.source)} {onward()} {status_label(entry.target)}"
        if is_correction(entry.source, entry.target):
            moved = _("Correction: {change}").format(change=moved)
        rows.append(
            [
                _day(entry.at.date()),
                moved,
                entry.by,
                "\n".join(details) or "—",
            ]
        )
    doc.table([_("Date"), _("Status"), _("By"), _("Note")], rows, [1.6, 2.4, 1.6, 3])
