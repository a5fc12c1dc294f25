"""The questionnaire's moves: what an answer, "back", "skip", "keep" or a list action do.

Pure functions on (answers, cursor): the caller stores the result of a move in one transaction,
so the answer and the position are never out of step.
"""

import secrets
from dataclasses import dataclass, replace
from typing import Any

from bot.domain.forms import MAX_ITEMS, QUESTIONS, Answers, Kind, Question
from bot.domain.navigation import (
    REVIEW,
    Cursor,
    next_field,
    next_key,
    previous_field,
    previous_key,
)

GROUPS = (Kind.LIST, Kind.FILES, Kind.LETTERS)


@dataclass(frozen=True)
class Move:
    answers: dict[str, Any]
    cursor: Cursor
    item_added: bool = False


def current_question(cursor: Cursor) -> Question | None:
    return QUESTIONS.get(cursor.q)


def current_field(cursor: Cursor) -> Question | None:
    question = current_question(cursor)
    if question is None or cursor.field is None:
        return None
    return next((f for f in question.fields if f.key == cursor.field), None)


def asked(cursor: Cursor) -> Question | None:
    """The question whose answer the person is expected to type or pick now."""
    return current_field(cursor) or current_question(cursor)


def _after_answer(answers: dict[str, Any], cursor: Cursor) -> Cursor:
    if cursor.jump:
        return Cursor(REVIEW)
    return Cursor(next_key(answers, cursor.q))


def give_answer(answers: Answers, cursor: Cursor, value: Any) -> Move:
    """Store `value` for the question or list field at the cursor and move on."""
    question = current_question(cursor)
    if question is None:
        raise ValueError("no question at the cursor")
    if cursor.field is not None:
        return _give_field(answers, cursor, question, value)
    updated = {**answers, question.key: value}
    if question.kind == Kind.LIST:
        return Move(updated, cursor)
    return Move(updated, _after_answer(updated, cursor))


def _give_field(answers: Answers, cursor: Cursor, question: Question, value: Any) -> Move:
    item = {**(cursor.item or {}), cursor.field: value}
    following = next_field(question, item, cursor.field)
    if following is not None:
        return Move(dict(answers), replace(cursor, field=following, item=item))
    keys = {f.key for f in question.fields}
    entry = {"id": secrets.token_hex(3), **{k: v for k, v in item.items() if k in keys}}
    items = [*(answers.get(question.key) or ()), entry]
    return Move({**answers, question.key: items}, replace(cursor, field=None, item=None), True)


def keep_answer(answers: Answers, cursor: Cursor) -> Move:
    """Leave the current answer as it is and move on."""
    return Move(dict(answers), _after_answer(dict(answers), cursor))


def skip(answers: Answers, cursor: Cursor) -> Move:
    """An optional question left empty on purpose (stored as None: seen and skipped)."""
    question = current_question(cursor)
    if question is None or question.required or question.kind in GROUPS:
        raise ValueError("only optional single answers can be skipped")
    updated = {**answers, question.key: None}
    return Move(updated, _after_answer(updated, cursor))


def back(answers: Answers, cursor: Cursor) -> Move:
    """One step back: the previous field of a list entry, else the previous question."""
    question = current_question(cursor)
    if question is not None and cursor.field is not None:
        previous = previous_field(question, cursor.item or {}, cursor.field)
        if previous is None:
            return Move(dict(answers), replace(cursor, field=None, item=None))
        item = {k: v for k, v in (cursor.item or {}).items() if k != previous}
        return Move(dict(answers), replace(cursor, field=previous, item=item))
    return Move(dict(answers), Cursor(previous_key(answers, cursor.q)))


def start_item(answers: Answers, cursor: Cursor) -> Move:
    question = current_question(cursor)
    if question is None or question.kind != Kind.LIST:
        raise ValueError("not a list question")
    if len(answers.get(question.key) or ()) >= MAX_ITEMS:
        raise ValueError("the list is full")
    return Move(dict(answers), replace(cursor, field=next_field(question, {}, None), item={}))


def remove_item(answers: Answers, cursor: Cursor, item_id: str) -> Move:
    question = current_question(cursor)
    if question is None or question.kind != Kind.LIST:
        raise ValueError("not a list question")
    items = [i for i in answers.get(question.key) or () if i.get("id") != item_id]
    return Move({**answers, question.key: items}, cursor)


def finish_group(answers: Answers, cursor: Cursor) -> Move:
    """ "Done" on a list or on the files of an attachment question."""
    question = current_question(cursor)
    if question is None or question.kind not in GROUPS:
        raise ValueError("not a list or attachment question")
    updated = dict(answers)
    if question.kind == Kind.LIST and question.key not in updated:
        updated[question.key] = []
    return Move(updated, _after_answer(updated, cursor))


def jump(key: str) -> Cursor:
    """From the dossier menu straight to one question; afterwards back to the review."""
    if key not in QUESTIONS:
        raise ValueError(key)
    return Cursor(key, jump=True)
