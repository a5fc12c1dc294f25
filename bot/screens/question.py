"""The screen for the person's current position in a form."""

from datetime import date
from decimal import Decimal
from functools import lru_cache
from html import unescape
from typing import Any

from aiogram import html
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import get_i18n, ngettext
from aiogram.utils.i18n import gettext as _

from bot.domain.all_forms import sendable
from bot.domain.dates import format_short
from bot.domain.flow import current_field, current_question
from bot.domain.forms import ATTACHMENTS, MAX_ITEMS, Kind, Question
from bot.domain.navigation import Cursor, item_fields, position
from bot.domain.numbers import format_number
from bot.domain.records import FileInfo, Record, letter_target, slot_files
from bot.domain.rules import FundingRules, letter_slot
from bot.screens.base import Screen
from bot.screens.common import fill, locale, money, shown_answer, strip_tags, which_amount_text
from bot.screens.financing import coach
from bot.telegram.callbacks import menu_data, step_data


def step_at(cursor: Cursor) -> str:
    """The name of the position a button belongs to: `budget_lines.amount` inside an entry."""
    return f"{cursor.q}.{cursor.field}" if cursor.field else cursor.q


_BUTTON = InlineKeyboardButton(text="·", callback_data="·")


def _button(text: str, data: str) -> InlineKeyboardButton:
    """A callback button copied from a validated one with its two strings replaced (pydantic's
    `model_copy(update=)`: no validation, ten times cheaper than building it; a question screen
    has up to ~25 and building them was a fifth of an answer's screen). Callback data is checked
    where it is packed (`bot.telegram.callbacks`)."""
    return _BUTTON.model_copy(update={"text": text, "callback_data": data})


def prompt(question: Question) -> str:
    """The question in bold, and what it is about in the record's own words (a budget line)."""
    text = "<b>" + html.quote(_(question.prompt)) + "</b>"
    if question.subject:
        text += "\n📌 <i>" + html.quote(question.subject) + "</i>"
    return text


def header(record: Record) -> str:
    form, cursor = record.form, record.cursor
    section, sections, number, count = position(form, record.answers, cursor.q)
    if sections == 1:
        text = _("{title} · question {number}/{count}").format(
            title=html.quote(_(form.title)), number=number, count=count
        )
    else:
        text = _("Section {section}/{sections} · {title} · question {number}/{count}").format(
            section=section,
            sections=sections,
            title=html.quote(_(form.sections[section - 1].title)),
            number=number,
            count=count,
        )
    return "<i>" + text + "</i>"


def hint(question: Question, currency: str | None) -> str | None:
    kind = question.kind
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
    if kind == Kind.NUMBER:
        return _("A number, e.g. {example} or {other}.").format(
            example=format_number(Decimal(1250), locale()),
            other=format_number(Decimal("12.5"), locale()),
        )
    if kind == Kind.DATE:
        return _("A date: day, month and year, e.g. {example}.").format(example=example_date())
    if kind == Kind.EMAIL:
        return _("For example name@city.org.")
    if kind == Kind.PHONE:
        return _("With the country code, e.g. +221 77 123 45 67, or share your contact.")
    if kind == Kind.COUNTRY:
        return _("Type the country's name.")
    return None


def _rows(buttons: list[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


def _width(question: Question, buttons: list[InlineKeyboardButton]) -> int:
    if question.columns is not None:
        return question.columns
    return 1 if any(len(b.text) > 18 for b in buttons) else 2


def _choice_rows(question: Question, record_id: int, at: str) -> list[list[InlineKeyboardButton]]:
    rows = _choice_rows_in(question, record_id, at, get_i18n().current_locale)
    return [list(row) for row in rows]  # the caller adds its own rows


@lru_cache(maxsize=4096)
def _choice_rows_in(
    question: Question, record_id: int, at: str, _language: str
) -> tuple[tuple[InlineKeyboardButton, ...], ...]:
    """A question's choices as buttons, made once per record, position and language (the same
    screen is shown again and again: a question's choices were half of its screen's CPU). The
    buttons are shared between messages: nothing changes a button, fitting copies it."""
    if question.kind == Kind.YES_NO:
        return (
            (
                _button(_("Yes"), step_data(record_id, at, "c", "1")),
                _button(_("No"), step_data(record_id, at, "c", "0")),
            ),
        )
    buttons = [
        _button(_(c.label), step_data(record_id, at, "c", c.value)) for c in question.choices
    ]
    return tuple(tuple(row) for row in _rows(buttons, _width(question, buttons)))


def _menu_row(record: Record) -> list[list[InlineKeyboardButton]]:
    """The way out of a question: the dossier menu; for a profile answer being changed, back to
    the profile (registration itself has no way around its questions)."""
    if not record.is_profile:
        rows = [[_button(_("☰ Dossier menu"), menu_data(record.id, "sections"))]]
        if sendable(record.form, record.answers):
            rows.insert(0, [_button(_("🚨 Send now"), menu_data(record.id, "em_send"))])
        return rows
    if record.cursor.jump:
        return [[_button(_("↩ Cancel"), menu_data(record.id, "review"))]]
    return []


def question_screen(record: Record, rules: FundingRules) -> Screen:
    question = current_question(record.form, record.cursor)
    assert question is not None
    if record.cursor.field is not None:
        return _field_screen(record, question)
    if question.kind == Kind.LIST:
        return _list_screen(record, question, rules)
    if question.kind == Kind.MULTI:
        return _multi_screen(record, question)
    if question.kind in ATTACHMENTS:
        return _files_screen(record, question)
    answers, currency = record.answers, record.currency
    parts = [header(record), prompt(question)]
    if (text := hint(question, currency)) is not None:
        parts.append("<i>" + text + "</i>")
    has_answer = answers.get(question.key) is not None
    if has_answer:
        current = shown_answer(question, answers[question.key], currency)
        parts.append(_("Current answer: {answer}").format(answer=current))
    if question.key in record.form.coached:
        parts.append(coach(answers, rules))
    rows = (
        _choice_rows(question, record.id, question.key)
        if question.choices or question.kind == Kind.YES_NO
        else []
    )
    nav = [_button(_("◀ Back"), step_data(record.id, question.key, "back"))]
    if not question.required:
        nav.append(_button(_("Skip ⏭"), step_data(record.id, question.key, "skip")))
    if has_answer:
        nav.append(_button(_("Keep ✔"), step_data(record.id, question.key, "keep")))
    rows.append(nav)
    rows.extend(_menu_row(record))
    return Screen("\n\n".join(parts), InlineKeyboardMarkup(inline_keyboard=rows))


def _field_screen(record: Record, question: Question) -> Screen:
    cursor = record.cursor
    field = current_field(record.form, cursor)
    assert field is not None
    fields = item_fields(question, cursor.item or {})
    number = next((i for i, f in enumerate(fields) if f.key == field.key), 0) + 1
    at = step_at(cursor)
    parts = [
        header(record),
        _("{list} · new entry · {number}/{count}").format(
            list=html.quote(_(question.label)), number=number, count=len(fields)
        ),
        prompt(field),
    ]
    if cursor.item and "id" in cursor.item:  # an entry saved before this field was asked
        parts[1] = _("{list} · to complete: {entry}").format(
            list=html.quote(_(question.label)),
            entry=item_summary(question, cursor.item, record.currency, 90),
        )
    if (text := hint(field, record.currency)) is not None:
        parts.append("<i>" + text + "</i>")
    rows = _choice_rows(field, record.id, at) if field.choices or field.kind == Kind.YES_NO else []
    rows.append(
        [
            _button(_("◀ Back"), step_data(record.id, at, "back")),
            _button(_("✖ Cancel this entry"), step_data(record.id, at, "cancel")),
        ]
    )
    return Screen("\n\n".join(parts), InlineKeyboardMarkup(inline_keyboard=rows))


def _multi_screen(record: Record, question: Question) -> Screen:
    """Toggle buttons (✅ on the chosen ones), then "Done"; each toggle is saved at once."""
    at = step_at(record.cursor)
    chosen = set(record.answers.get(question.key) or ())
    parts = [header(record), prompt(question)]
    parts.append("<i>" + _("Tap to choose or unchoose, then “Done”.") + "</i>")
    if question.max_items is not None:
        parts.append(
            ngettext(
                "At most {count} choice.", "At most {count} choices.", question.max_items
            ).format(count=question.max_items)
        )
    buttons = [
        _button(
            ("✅ " if c.value in chosen else "▫️ ") + _(c.label),
            step_data(record.id, at, "t", c.value),
        )
        for c in question.choices
    ]
    rows = _rows(buttons, _width(question, buttons))
    nav = [_button(_("◀ Back"), step_data(record.id, at, "back"))]
    nav.append(_button(_("Done ✔"), step_data(record.id, at, "done")))
    rows.append(nav)
    rows.extend(_menu_row(record))
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


def _list_screen(record: Record, question: Question, rules: FundingRules) -> Screen:
    at = step_at(record.cursor)
    items = record.answers.get(question.key) or []
    currency = record.currency
    parts = [header(record), prompt(question)]
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
    if question.key in record.form.coached:
        parts.append(coach(record.answers, rules))
    rows = []
    if len(items) < MAX_ITEMS:
        rows.append([_button(_("➕ Add an entry"), step_data(record.id, at, "add"))])
    else:
        parts.append(
            ngettext(
                "This list is full ({count} entry).",
                "This list is full ({count} entries).",
                MAX_ITEMS,
            ).format(count=MAX_ITEMS)
        )
    if items:
        rows.append([_button(_("🗑 Remove an entry"), step_data(record.id, at, "rm"))])
    rows.append(
        [
            _button(_("◀ Back"), step_data(record.id, at, "back")),
            _button(_("Done ✔"), step_data(record.id, at, "done")),
        ]
    )
    rows.extend(_menu_row(record))
    return Screen("\n\n".join(parts), InlineKeyboardMarkup(inline_keyboard=rows))


def removal_screen(record: Record) -> Screen:
    """Pick the entry to remove."""
    question = current_question(record.form, record.cursor)
    assert question is not None
    at = step_at(record.cursor)
    rows = []
    for n, item in enumerate(record.answers.get(question.key) or [], 1):
        label = f"🗑 {n}. " + _plain(item_summary(question, item, record.currency, 50))
        rows.append([_button(label[:60], step_data(record.id, at, "rmi", item["id"]))])
    rows.append([_button(_("↩ Cancel"), step_data(record.id, at, "show"))])
    return Screen(_("Which entry should be removed?"), InlineKeyboardMarkup(inline_keyboard=rows))


def file_removal_screen(record: Record, files: list[FileInfo]) -> Screen:
    at = step_at(record.cursor)
    rows = [
        [_button(f"🗑 {f.name}"[:60], step_data(record.id, at, "rmf", str(f.id)))] for f in files
    ]
    rows.append([_button(_("↩ Cancel"), step_data(record.id, at, "show"))])
    return Screen(_("Which file should be removed?"), InlineKeyboardMarkup(inline_keyboard=rows))


def _plain(markup: str) -> str:
    return unescape(strip_tags(markup))


def _files_screen(record: Record, question: Question) -> Screen:
    at = step_at(record.cursor)
    answers, files = record.answers, record.files
    mine = slot_files(question, answers, files)
    parts = [header(record), prompt(question)]
    if question.kind == Kind.LETTERS:
        have = {f.slot for f in mine}
        entries = question.per_entry(answers) if question.per_entry else []
        parts.append(
            "\n".join(
                ("✅ " if letter_slot(question, e["id"]) in have else "❌ ") + html.quote(e["name"])
                for e in entries
            )
        )
        target = letter_target(question, answers, files)
        if target is not None:
            parts.append(
                fill(
                    _("Send the commitment letter of {partner}."),
                    partner="<b>" + html.quote(target["name"]) + "</b>",
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
            + "\n".join(f"📄 {html.quote(f.name)} ({_size(f.size)})" for f in mine)
        )
    rows = []
    if mine:
        rows.append([_button(_("🗑 Remove a file"), step_data(record.id, at, "rmfiles"))])
    done_label = _("Done ✔") if mine or question.required else _("Skip ⏭")
    rows.append(
        [
            _button(_("◀ Back"), step_data(record.id, at, "back")),
            _button(done_label, step_data(record.id, at, "done")),
        ]
    )
    rows.extend(_menu_row(record))
    return Screen("\n\n".join(parts), InlineKeyboardMarkup(inline_keyboard=rows))


def _size(size: int) -> str:
    kb = Decimal(size) / 1024
    if kb < 1024:
        return _("{size} KB").format(size=format_number(kb.quantize(Decimal(1)), locale()))
    return _("{size} MB").format(size=format_number((kb / 1024).quantize(Decimal("0.1")), locale()))


def example_date() -> str:
    return format_short(date(2027, 3, 15), locale())


def which_amount_screen(record: Record, typed: str, choices: tuple[Decimal, ...]) -> Screen:
    """An amount typed in the form that reads two ways (`700,000`): nothing is saved until the
    person picks the amount they meant (typing it again works too)."""
    text, shown = which_amount_text(typed, choices, record.currency)
    at = step_at(record.cursor)
    picks = [
        _button(label, step_data(record.id, at, "amt", str(i))) for i, label in enumerate(shown)
    ]
    return Screen(text, InlineKeyboardMarkup(inline_keyboard=[picks]))
