"""The screen for the person's current position in the questionnaire."""

from datetime import date
from decimal import Decimal
from functools import lru_cache
from html import unescape
from typing import Any

from aiogram import html
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.domain.dates import format_short
from bot.domain.flow import current_field, current_question
from bot.domain.forms import (
    MAX_ITEMS,
    QUESTIONS,
    SECTIONS,
    Answers,
    Kind,
    Question,
    confirmed_partners,
)
from bot.domain.navigation import Cursor, item_fields, position
from bot.domain.numbers import format_number
from bot.domain.rules import FundingRules, letter_slot
from bot.screens.base import Screen
from bot.screens.common import locale, money, shown_answer, strip_tags
from bot.screens.financing import coach
from bot.telegram.callbacks import menu_data, step_data
from storage.models import Attachment

COACHED = frozenset({"budget_lines", "fund_amount", "city_amount", "city_kind", "partners"})


def step_at(cursor: Cursor) -> str:
    """The name of the position a button belongs to: `budget_lines.amount` inside an entry."""
    return f"{cursor.q}.{cursor.field}" if cursor.field else cursor.q


def _button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data)


def header(answers: Answers, cursor: Cursor) -> str:
    section, sections, number, count = position(answers, cursor.q)
    title = _(SECTIONS[section - 1].title)
    return (
        "<i>"
        + _("Section {section}/{sections} · {title} · question {number}/{count}").format(
            section=section, sections=sections, title=html.quote(title), number=number, count=count
        )
        + "</i>"
    )


def hint(question: Question, answers: Answers) -> str | None:
    kind, currency = question.kind, answers.get("currency")
    if kind == Kind.TEXT and question.min_len > 1:
        return ngettext(
            "Between {minimum} and {maximum} character.",
            "Between {minimum} and {maximum} characters.",
            question.max_len,
        ).format(minimum=question.min_len, maximum=question.max_len)
    if kind == Kind.TEXT:
        return ngettext(
            "At most {maximum} character.", "At most {maximum} characters.", question.max_len
        ).format(maximum=question.max_len)
    if kind == Kind.MONEY:
        return _("An amount in {currency}, e.g. {example}.").format(
            currency=html.quote(currency or ""), example=money(Decimal(1250000), currency)
        )
    if kind == Kind.WHOLE:
        return _("A whole number, e.g. {example}.").format(example=money(Decimal(1250), None))
    if kind == Kind.DATE:
        return _("A date: day, month and year, e.g. {example}.").format(example=example_date())
    if kind == Kind.EMAIL:
        return _("For example name@city.org.")
    if kind == Kind.PHONE:
        return _("With the country code, e.g. +221 77 123 45 67, or share your contact.")
    if kind == Kind.COUNTRY:
        return _("Type the country's name.")
    return None


def _choice_rows(question: Question, dossier_id: int, at: str) -> list[list[InlineKeyboardButton]]:
    if question.kind == Kind.YES_NO:
        return [
            [
                _button(_("Yes"), step_data(dossier_id, at, "c", "1")),
                _button(_("No"), step_data(dossier_id, at, "c", "0")),
            ]
        ]
    buttons = [
        _button(_(c.label), step_data(dossier_id, at, "c", c.value)) for c in question.choices
    ]
    width = (
        4 if question.key == "currency" else (1 if any(len(b.text) > 18 for b in buttons) else 2)
    )
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


def question_screen(
    dossier_id: int,
    answers: Answers,
    cursor: Cursor,
    files: list[Attachment],
    rules: FundingRules,
) -> Screen:
    question = current_question(cursor)
    assert question is not None
    if cursor.field is not None:
        return _field_screen(dossier_id, answers, cursor, question)
    if question.kind == Kind.LIST:
        return _list_screen(dossier_id, answers, cursor, question, rules)
    if question.kind in (Kind.FILES, Kind.LETTERS):
        return _files_screen(dossier_id, answers, cursor, question, files)
    parts = [header(answers, cursor), "<b>" + html.quote(_(question.prompt)) + "</b>"]
    if (text := hint(question, answers)) is not None:
        parts.append("<i>" + text + "</i>")
    has_answer = question.key in answers and answers[question.key] is not None
    if has_answer:
        current = shown_answer(question, answers[question.key], answers.get("currency"))
        parts.append(_("Current answer: {answer}").format(answer=current))
    if question.key in COACHED:
        parts.append(coach(answers, rules))
    keyboard = _question_keyboard(dossier_id, question.key, has_answer, locale())
    return Screen("\n\n".join(parts), keyboard)


@lru_cache(maxsize=4096)
def _question_keyboard(
    dossier_id: int, key: str, has_answer: bool, _language: str
) -> InlineKeyboardMarkup:
    """A question's buttons depend on nothing else, and building them is most of a screen's cost;
    `_language` is part of the cache key because the labels are translated into it."""
    question = QUESTIONS[key]
    rows = (
        _choice_rows(question, dossier_id, key)
        if question.choices or question.kind == Kind.YES_NO
        else []
    )
    nav = [_button(_("◀ Back"), step_data(dossier_id, key, "back"))]
    if not question.required:
        nav.append(_button(_("Skip ⏭"), step_data(dossier_id, key, "skip")))
    if has_answer:
        nav.append(_button(_("Keep ✔"), step_data(dossier_id, key, "keep")))
    rows.append(nav)
    rows.append([_button(_("☰ Dossier menu"), menu_data(dossier_id, "sections"))])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _field_screen(dossier_id: int, answers: Answers, cursor: Cursor, question: Question) -> Screen:
    field = current_field(cursor)
    assert field is not None
    item = cursor.item or {}
    fields = item_fields(question, item)
    number = next((i for i, f in enumerate(fields) if f.key == field.key), 0) + 1
    at = step_at(cursor)
    parts = [
        header(answers, cursor),
        _("{list} · new entry · {number}/{count}").format(
            list=html.quote(_(question.label)), number=number, count=len(fields)
        ),
        "<b>" + html.quote(_(field.prompt)) + "</b>",
    ]
    if (text := hint(field, answers)) is not None:
        parts.append("<i>" + text + "</i>")
    rows = _choice_rows(field, dossier_id, at) if field.choices or field.kind == Kind.YES_NO else []
    rows.append(
        [
            _button(_("◀ Back"), step_data(dossier_id, at, "back")),
            _button(_("✖ Cancel this entry"), step_data(dossier_id, at, "cancel")),
        ]
    )
    return Screen("\n\n".join(parts), InlineKeyboardMarkup(inline_keyboard=rows))


def item_summary(
    question: Question, item: dict[str, Any], currency: str | None, limit: int | None = None
) -> str:
    """One line for a list entry (HTML); cut to `limit` characters where space is short."""
    shown = [
        shown_answer(f, item[f.key], currency)
        for f in item_fields(question, item)
        if f.key in item and f.kind != Kind.YES_NO
    ][:4]
    line = " — ".join(shown)
    if limit is None:
        return line
    plain = unescape(line)
    return html.quote(plain if len(plain) <= limit else plain[: limit - 1] + "…")


def _list_screen(
    dossier_id: int, answers: Answers, cursor: Cursor, question: Question, rules: FundingRules
) -> Screen:
    at = step_at(cursor)
    items = answers.get(question.key) or []
    currency = answers.get("currency")
    parts = [header(answers, cursor), "<b>" + html.quote(_(question.prompt)) + "</b>"]
    if items:
        parts.append(
            "\n".join(
                f"{n}. {item_summary(question, item, currency, 90)}"
                for n, item in enumerate(items, 1)
            )
        )
    else:
        parts.append(_("No entry yet."))
    if len(items) < question.min_items:
        parts.append(
            ngettext(
                "At least {count} entry is needed.",
                "At least {count} entries are needed.",
                question.min_items,
            ).format(count=question.min_items)
        )
    if question.key in COACHED:
        parts.append(coach(answers, rules))
    rows = []
    if len(items) < MAX_ITEMS:
        rows.append([_button(_("➕ Add an entry"), step_data(dossier_id, at, "add"))])
    else:
        parts.append(
            ngettext(
                "This list is full ({count} entry).",
                "This list is full ({count} entries).",
                MAX_ITEMS,
            ).format(count=MAX_ITEMS)
        )
    if items:
        rows.append([_button(_("🗑 Remove an entry"), step_data(dossier_id, at, "rm"))])
    rows.append(
        [
            _button(_("◀ Back"), step_data(dossier_id, at, "back")),
            _button(_("Done ✔"), step_data(dossier_id, at, "done")),
        ]
    )
    rows.append([_button(_("☰ Dossier menu"), menu_data(dossier_id, "sections"))])
    return Screen("\n\n".join(parts), InlineKeyboardMarkup(inline_keyboard=rows))


def removal_screen(dossier_id: int, answers: Answers, cursor: Cursor) -> Screen:
    """Pick the entry or file to remove."""
    question = current_question(cursor)
    assert question is not None
    at = step_at(cursor)
    currency = answers.get("currency")
    rows = []
    for n, item in enumerate(answers.get(question.key) or [], 1):
        label = f"🗑 {n}. " + _plain(item_summary(question, item, currency, 50))
        rows.append([_button(label[:60], step_data(dossier_id, at, "rmi", item["id"]))])
    rows.append([_button(_("↩ Cancel"), step_data(dossier_id, at, "show"))])
    return Screen(_("Which entry should be removed?"), InlineKeyboardMarkup(inline_keyboard=rows))


def file_removal_screen(dossier_id: int, cursor: Cursor, files: list[Attachment]) -> Screen:
    at = step_at(cursor)
    rows = [
        [
            _button(
                f"🗑 {f.file_name}"[:60],
                step_data(dossier_id, at, "rmf", str(f.id)),
            )
        ]
        for f in files
    ]
    rows.append([_button(_("↩ Cancel"), step_data(dossier_id, at, "show"))])
    return Screen(_("Which file should be removed?"), InlineKeyboardMarkup(inline_keyboard=rows))


def _plain(markup: str) -> str:
    return unescape(strip_tags(markup))


def slot_files(question: Question, answers: Answers, files: list[Attachment]) -> list[Attachment]:
    if question.kind == Kind.LETTERS:
        slots = {letter_slot(p["id"]) for p in confirmed_partners(answers)}
        return [f for f in files if f.slot in slots]
    return [f for f in files if f.slot == question.key]


def letter_target(answers: Answers, files: list[Attachment]) -> dict[str, Any] | None:
    """The first confirmed partner whose commitment letter is still missing."""
    have = {f.slot for f in files}
    return next((p for p in confirmed_partners(answers) if letter_slot(p["id"]) not in have), None)


def _files_screen(
    dossier_id: int, answers: Answers, cursor: Cursor, question: Question, files: list[Attachment]
) -> Screen:
    at = step_at(cursor)
    mine = slot_files(question, answers, files)
    parts = [header(answers, cursor), "<b>" + html.quote(_(question.prompt)) + "</b>"]
    if question.kind == Kind.LETTERS:
        have = {f.slot for f in mine}
        parts.append(
            "\n".join(
                ("✅ " if letter_slot(p["id"]) in have else "❌ ") + html.quote(p["name"])
                for p in confirmed_partners(answers)
            )
        )
        target = letter_target(answers, files)
        if target is not None:
            parts.append(
                _("Send the commitment letter of {partner}.").format(
                    partner="<b>" + html.quote(target["name"]) + "</b>"
                )
            )
    parts.append(
        "<i>"
        + _(
            "Send each file as a document (📎 → File): PDF, DOCX, XLSX, ODT, "
            "JPG or PNG, at most 20 MB."
        )
        + "</i>"
    )
    if mine:
        parts.append(
            _("Received:")
            + "\n"
            + "\n".join(f"📄 {html.quote(f.file_name)} ({_size(f.size)})" for f in mine)
        )
    rows = []
    if mine:
        rows.append([_button(_("🗑 Remove a file"), step_data(dossier_id, at, "rmfiles"))])
    done_label = _("Done ✔") if mine or question.required else _("Skip ⏭")
    rows.append(
        [
            _button(_("◀ Back"), step_data(dossier_id, at, "back")),
            _button(done_label, step_data(dossier_id, at, "done")),
        ]
    )
    rows.append([_button(_("☰ Dossier menu"), menu_data(dossier_id, "sections"))])
    return Screen("\n\n".join(parts), InlineKeyboardMarkup(inline_keyboard=rows))


def _size(size: int) -> str:
    kb = Decimal(size) / 1024
    if kb < 1024:
        return _("{size} KB").format(size=format_number(kb.quantize(Decimal(1)), locale()))
    return _("{size} MB").format(size=format_number((kb / 1024).quantize(Decimal("0.1")), locale()))


def example_date() -> str:
    return format_short(date(2027, 3, 15), locale())
