"""The review: every answer and the completeness checklist, section by section."""

from collections.abc import Mapping

from aiogram import html
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.domain.forms import LEVELS, SECTIONS, Answers, Kind, Question
from bot.domain.rules import (
    FundingRules,
    Problem,
    SectionCheck,
    check_dossier,
    financing,
    is_answered,
    is_complete,
)
from bot.screens.base import Screen
from bot.screens.common import shown_answer, split_messages
from bot.screens.financing import problem_text
from bot.screens.question import item_summary, slot_files
from bot.telegram.callbacks import menu_data
from storage.models import Attachment, Dossier


def rule_text(problem: Problem, answers: Answers) -> str:
    if problem.code == "not_collective":
        return _("The Cooperation Fund only finances investment in collective facilities.")
    if problem.code == "beneficiaries_over":
        return _("Women or young people cannot outnumber all beneficiaries.")
    if problem.code == "levels_missing":
        labels = [_(c.label) for c in LEVELS if c.value in problem.details["levels"]]
        return _("An indicator is still needed for: {levels}.").format(
            levels=html.quote(", ".join(labels))
        )
    if problem.code == "gender_result_missing":
        return _("With gender marker 1 or 2, at least one result must aim at gender equality.")
    return problem_text(problem, financing(answers))


def _answer_line(
    question: Question, answers: Answers, files: list[Attachment], counts: Mapping[str, int]
) -> str:
    done = is_answered(question, answers, counts)
    mark = "✅" if done else ("❌" if question.required else "▫️")
    label = html.quote(_(question.label))
    absent = _("missing") if question.required else "—"
    if question.kind in (Kind.FILES, Kind.LETTERS):
        names = [html.quote(f.file_name) for f in slot_files(question, answers, files)]
        value = ", ".join(names) if names else absent
    elif question.kind == Kind.LIST:
        items = answers.get(question.key) or []
        currency = answers.get("currency")
        value = (
            "".join(
                f"\n    {n}. {item_summary(question, item, currency)}"
                for n, item in enumerate(items, 1)
            )
            or absent
        )
    elif question.key in answers:
        value = shown_answer(question, answers[question.key], answers.get("currency"))
    else:
        value = absent
    return f"{mark} " + _("{label}: {value}").format(label=label, value=value)


def review_blocks(
    answers: Answers, files: list[Attachment], counts: Mapping[str, int], rules: FundingRules
) -> tuple[list[str], list[SectionCheck]]:
    checks = check_dossier(answers, counts, rules)
    blocks = []
    for check, section in zip(checks, SECTIONS, strict=True):
        mark = "✅" if check.complete else "❌"
        lines = [f"<b>{mark} {check.index + 1}. {html.quote(_(section.title))}</b>"]
        lines += [
            _answer_line(q, answers, files, counts) for q in section.questions if q.visible(answers)
        ]
        lines += ["⚠️ " + rule_text(p, answers) for p in check.problems]
        blocks.append("\n".join(lines))
    return blocks, checks


def review_screens(
    dossier: Dossier,
    files: list[Attachment],
    counts: Mapping[str, int],
    rules: FundingRules,
    editable: bool,
) -> list[Screen]:
    """The review, cut into messages Telegram accepts; the last one carries the buttons."""
    answers = dossier.answers
    blocks, checks = review_blocks(answers, files, counts, rules)
    title = answers.get("title") or _("Untitled dossier")
    intro = "<b>" + _("Review of “{title}”").format(title=html.quote(title)) + "</b>"
    if dossier.reference:
        intro += "\n" + _("Reference: {reference}").format(reference=dossier.reference)
    complete = is_complete(checks)
    if not editable:
        outro = _("This dossier has been submitted; it can no longer be changed here.")
    elif complete:
        outro = _("✅ The dossier is complete. You can submit it to the Secretariat.")
    else:
        missing = sum(len(c.missing) + len(c.problems) for c in checks)
        outro = ngettext(
            "❌ Not complete yet. Point to fix (marked ❌ or ⚠️): {count}.",
            "❌ Not complete yet. Points to fix (marked ❌ or ⚠️): {count}.",
            missing,
        ).format(count=missing)
    messages = split_messages([intro, *blocks, outro])
    rows: list[list[InlineKeyboardButton]] = []
    if editable:
        if complete:
            rows.append([_button(_("📤 Submit to the Secretariat"), dossier.id, "submit")])
        else:
            rows.append([_button(_("▶ Fix what is missing"), dossier.id, "fix")])
        rows.append([_button(_("☰ Dossier menu"), dossier.id, "sections")])
    markup = InlineKeyboardMarkup(inline_keyboard=rows) if rows else None
    return [Screen(text) for text in messages[:-1]] + [Screen(messages[-1], markup)]


def first_missing(checks: list[SectionCheck], answers: Answers) -> str | None:
    """Where "fix what is missing" leads: the first missing answer, else a section with a rule
    that fails."""
    for check in checks:
        if check.missing:
            return check.missing[0].key
    problem_targets = {
        "not_collective": "collective",
        "beneficiaries_over": "beneficiaries",
        "levels_missing": "indicators",
        "gender_result_missing": "indicators",
    }
    for check in checks:
        for problem in check.problems:
            return problem_targets.get(problem.code, "fund_amount")
    return None


def _button(text: str, dossier_id: int, action: str, value: str = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=menu_data(dossier_id, action, value))


def sections_screen(dossier: Dossier, checks: list[SectionCheck]) -> Screen:
    title = dossier.answers.get("title") or _("Untitled dossier")
    text = "<b>" + html.quote(title) + "</b>\n" + _("Choose a section to see or change answers.")
    rows = [
        [
            _button(
                f"{'✅' if check.complete else '❌'} {check.index + 1}. {_(section.title)}",
                dossier.id,
                "section",
                str(check.index),
            )
        ]
        for check, section in zip(checks, SECTIONS, strict=True)
    ]
    rows.append([_button(_("📋 Review and submit"), dossier.id, "review")])
    rows.append([_button(_("▶ Continue"), dossier.id, "resume")])
    rows.append([_button(_("🗑 Delete this draft"), dossier.id, "delete")])
    return Screen(text, InlineKeyboardMarkup(inline_keyboard=rows))


def section_screen(
    dossier: Dossier, index: int, counts: Mapping[str, int], check: SectionCheck
) -> Screen:
    section = SECTIONS[index]
    answers = dossier.answers
    lines = [f"<b>{index + 1}. {html.quote(_(section.title))}</b>"]
    lines += ["⚠️ " + rule_text(p, answers) for p in check.problems]
    lines.append(_("Choose a question to change its answer."))
    rows = []
    for question in section.questions:
        if not question.visible(answers):
            continue
        done = is_answered(question, answers, counts)
        mark = "✅" if done else ("❌" if question.required else "▫️")
        rows.append([_button(f"{mark} {_(question.label)}", dossier.id, "jump", question.key)])
    rows.append([_button(_("◀ Sections"), dossier.id, "sections")])
    return Screen("\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows))
