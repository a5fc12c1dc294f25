"""The review: every answer and the completeness checklist, section by section."""

from datetime import date

from aiogram import html
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.domain.all_forms import SENDABLE
from bot.domain.dates import format_long
from bot.domain.forms import ATTACHMENTS, Answers, Kind, Problem, Question
from bot.domain.fund_form import FUND_FORM, LEVELS, financing
from bot.domain.records import Record, slot_files
from bot.domain.rules import FundingRules, SectionCheck, is_answered, is_complete
from bot.domain.workflow import Status, applicant_can_delete
from bot.screens.base import Screen
from bot.screens.common import listed, locale, shown_answer, split_messages
from bot.screens.financing import coach, problem_text
from bot.screens.question import item_summary
from bot.telegram.callbacks import menu_data


def rule_text(problem: Problem, answers: Answers) -> str:
    if problem.code == "not_collective":
        return _("The Cooperation Fund only finances investment in collective facilities.")
    if problem.code == "beneficiaries_over":
        return _("Women or young people cannot outnumber all beneficiaries.")
    if problem.code == "levels_missing":
        labels = [_(c.label) for c in LEVELS if c.value in problem.details["levels"]]
        return _("An indicator is still needed for: {levels}.").format(
            levels=html.quote(listed(labels))
        )
    if problem.code == "gender_result_missing":
        return _("With gender marker 1 or 2, at least one result must aim at gender equality.")
    return problem_text(problem, financing(answers))


def mark(question: Question, record: Record) -> str:
    if is_answered(question, record.answers, record.counts):
        return "✅"
    return "❌" if question.required else "▫️"


def _answer_line(question: Question, record: Record) -> str:
    answers = record.answers
    label = html.quote(_(question.label))
    absent = _("missing") if question.required else "—"
    if question.kind in ATTACHMENTS:
        names = [html.quote(f.name) for f in slot_files(question, answers, record.files)]
        value = listed(names) if names else absent
    elif question.kind == Kind.LIST:
        items = answers.get(question.key) or []
        value = (
            "".join(
                f"\n    {n}. {item_summary(question, item, record.currency)}"
                for n, item in enumerate(items, 1)
            )
            or absent
        )
    elif question.kind == Kind.WHOLE and answers.get(question.key, 0) is None:
        value = _("unknown")  # an optional count skipped
    elif question.key in answers:
        value = shown_answer(question, answers[question.key], record.currency)
    else:
        value = absent
    return f"{mark(question, record)} " + _("{label}: {value}").format(label=label, value=value)


def review_blocks(record: Record, checks: list[SectionCheck], problems: bool = True) -> list[str]:
    """Each section's answers with their marks, and (`problems`) the rules it fails."""
    blocks = []
    for check, section in zip(checks, record.form.sections, strict=True):
        status = "✅" if check.complete else "❌"
        lines = [f"<b>{status} {check.index + 1}. {html.quote(_(section.title))}</b>"]
        lines += [_answer_line(q, record) for q in section.questions if q.visible(record.answers)]
        lines += ["⚠️ " + rule_text(p, record.answers) for p in check.problems if problems]
        blocks.append("\n".join(lines))
    return blocks


def change_request(note: str, day: date) -> str:
    """What the Secretariat asked to change, above the dossier's screens until it is sent again."""
    heading = _("✏️ The Secretariat asks for changes ({day}):").format(
        day=format_long(day, locale())
    )
    hint = _("Change the answers concerned, then submit the dossier again.")
    return "<b>" + heading + "</b>\n<i>" + html.quote(note) + "</i>\n" + hint


def record_title(record: Record) -> str:
    return record.title or _("Untitled dossier")


def review_screens(record: Record, rules: FundingRules) -> list[Screen]:
    """The review, cut into messages Telegram accepts; the last one carries the buttons."""
    checks = record.checks(rules)
    blocks = review_blocks(record, checks)
    intro = "<b>" + _("Review of “{title}”").format(title=html.quote(record_title(record))) + "</b>"
    if record.reference:
        intro += "\n" + _("Reference: {reference}").format(reference=record.reference)
    complete = is_complete(checks)
    messages = split_messages([intro, *blocks, _outro(record, checks)])
    rows = _next_steps(record, complete)
    markup = InlineKeyboardMarkup(inline_keyboard=rows) if rows else None
    return [Screen(text) for text in messages[:-1]] + [Screen(messages[-1], markup)]


def _outro(record: Record, checks: list[SectionCheck]) -> str:
    if not record.editable:
        return _("This dossier has been submitted; it can no longer be changed here.")
    if is_complete(checks):
        return _("✅ The dossier is complete. You can submit it to the Secretariat.")
    missing = sum(len(c.missing) + len(c.problems) for c in checks)
    return ngettext(
        "❌ Not complete yet. Point to fix (marked ❌ or ⚠️): {count}.",
        "❌ Not complete yet. Points to fix (marked ❌ or ⚠️): {count}.",
        missing,
    ).format(count=missing)


def _next_steps(record: Record, complete: bool) -> list[list[InlineKeyboardButton]]:
    rows: list[list[InlineKeyboardButton]] = []
    if record.editable:
        if complete and record.form.key in SENDABLE:
            rows.append([_button(_("🚨 Send now"), record.id, "em_send")])
        elif complete:
            rows.append([_button(_("📤 Submit to the Secretariat"), record.id, "submit")])
        else:
            rows.append([_button(_("▶ Fix what is missing"), record.id, "fix")])
        rows.append([_button(_("☰ Dossier menu"), record.id, "sections")])
    return rows


# The sections whose answers move the financing picture.
MONEY_SECTIONS = frozenset({"budget", "financing"})


def changed_screens(record: Record, key: str, rules: FundingRules) -> list[Screen]:
    """After one answer changed from the menu (or “Fix what is missing”): its section as it now
    stands, and the financing picture when the section moves it, not the whole review (which
    “📋 Whole review” gives on demand)."""
    checks = record.checks(rules)
    index = record.form.section_of[key]
    coached = record.form.key == FUND_FORM.key and record.form.sections[index].key in MONEY_SECTIONS
    # The picture says what fails in the financing: the section's own ⚠️ lines would repeat it.
    parts = [review_blocks(record, checks, problems=not coached)[index]]
    if coached:
        parts.append(coach(record.answers, rules))
    parts.append(_outro(record, checks))
    parts = [part + "\n" for part in parts[:-1]] + parts[-1:]  # a blank line between them
    rows = _next_steps(record, is_complete(checks))
    rows.insert(-1, [_button(_("📋 Whole review"), record.id, "review")])
    messages = split_messages(parts)
    markup = InlineKeyboardMarkup(inline_keyboard=rows)
    return [Screen(text) for text in messages[:-1]] + [Screen(messages[-1], markup)]


def _button(text: str, record_id: int, action: str, value: str = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=menu_data(record_id, action, value))


def sections_screen(record: Record, checks: list[SectionCheck]) -> Screen:
    text = (
        "<b>"
        + html.quote(record_title(record))
        + "</b>\n"
        + _("Choose a section to see or change answers.")
    )
    rows = [
        [
            _button(
                f"{'✅' if check.complete else '❌'} {check.index + 1}. {_(section.title)}",
                record.id,
                "section",
                str(check.index),
            )
        ]
        for check, section in zip(checks, record.form.sections, strict=True)
    ]
    rows.append([_button(_("📋 Review and submit"), record.id, "review")])
    if record.form.key == FUND_FORM.key:
        rows.append([_button(_("📄 PDF"), record.id, "pdf")])
    rows.append([_button(_("▶ Continue"), record.id, "resume")])
    if applicant_can_delete(record.status):
        rows.append([_button(_("🗑 Delete this draft"), record.id, "delete")])
    elif record.status == Status.CHANGES_REQUESTED:  # sent once: withdrawn, never deleted
        rows.append([_button(_("↩ Withdraw the dossier"), record.id, "withdraw")])
    return Screen(text, InlineKeyboardMarkup(inline_keyboard=rows))


def section_screen(record: Record, index: int, check: SectionCheck) -> Screen:
    section = record.form.sections[index]
    lines = [f"<b>{index + 1}. {html.quote(_(section.title))}</b>"]
    lines += ["⚠️ " + rule_text(p, record.answers) for p in check.problems]
    lines.append(_("Choose a question to change its answer."))
    rows = [
        [_button(f"{mark(q, record)} {_(q.label)}", record.id, "jump", q.key)]
        for q in section.questions
        if q.visible(record.answers)
    ]
    rows.append([_button(_("◀ Sections"), record.id, "sections")])
    return Screen("\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows))
