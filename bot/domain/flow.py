"""A form's moves: what an answer, "back", "skip", "keep", a list or a multi-select action do.

Pure functions on (form, answers, cursor): the caller stores the result of a move in one
transaction, so the answer and the position are never out of step.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from bot.domain.forms import GROUPS, MAX_ITEMS, Answers, Form, Kind, Question
from bot.domain.navigation import (
    REVIEW,
    Cursor,
    completing,
    missing_field,
    next_field,
    next_key,
    previous_field,
    previous_key,
)
from bot.domain.refusals import Refused


class MoveRefused(Refused):
    """A move the current question does not allow (a button pressed at the wrong place)."""


@dataclass(frozen=True)
class Move:
    answers: dict[str, Any]
    cursor: Cursor
    item_added: bool = False


def current_question(form: Form, cursor: Cursor) -> Question | None:
    return form.questions.get(cursor.q)


def current_field(form: Form, cursor: Cursor) -> Question | None:
    question = current_question(form, cursor)
    if question is None or cursor.field is None:
        return None
    return next((f for f in question.fields if f.key == cursor.field), None)


def asked(form: Form, cursor: Cursor) -> Question | None:
    """The question whose answer the person is expected to type or pick now."""
    return current_field(form, cursor) or current_question(form, cursor)


def _after_answer(form: Form, answers: dict[str, Any], cursor: Cursor) -> Cursor:
    if cursor.jump:
        return Cursor(REVIEW)
    return Cursor(next_key(form, answers, cursor.q))


def _question(form: Form, cursor: Cursor, *kinds: Kind) -> Question:
    question = current_question(form, cursor)
    if question is None or (kinds and question.kind not in kinds):
        raise MoveRefused("not_here")
    return question


def give_answer(form: Form, answers: Answers, cursor: Cursor, value: Any) -> Move:
    """Store `value` for the question or list field at the cursor and move on."""
    question = _question(form, cursor)
    if cursor.field is not None:
        return _give_field(answers, cursor, question, value)
    if question.kind in GROUPS:
        raise MoveRefused("not_here")
    updated = {**answers, question.key: value}
    return Move(updated, _after_answer(form, updated, cursor))


def _give_field(answers: Answers, cursor: Cursor, question: Question, value: Any) -> Move:
    item = {**(cursor.item or {}), cursor.field: value}
    if "id" in item:  # an entry saved before its form asked this field: completed in place
        return _complete_entry(answers, cursor, question, item)
    following = next_field(question, item, cursor.field)
    if following is not None:
        return Move(dict(answers), replace(cursor, field=following, item=item))
    keys = {f.key for f in question.fields}
    entry = {"id": secrets.token_hex(3), **{k: v for k, v in item.items() if k in keys}}
    items = [*(answers.get(question.key) or ()), entry]
    return Move({**answers, question.key: items}, replace(cursor, field=None, item=None), True)


def _complete_entry(
    answers: Answers, cursor: Cursor, question: Question, item: dict[str, Any]
) -> Move:
    """The next field the entry lacks; once it lacks none, it replaces the stored entry and the
    next incomplete entry of the list is asked (else the list, or the review after a jump)."""
    following = missing_field(question, item)
    if following is not None:
        return Move(dict(answers), replace(cursor, field=following, item=item))
    keys = {"id", *(f.key for f in question.fields)}
    entry = {k: v for k, v in item.items() if k in keys}
    items = [entry if i.get("id") == entry["id"] else i for i in answers.get(question.key) or ()]
    updated = {**answers, question.key: items}
    after = completing(question, updated, jump=cursor.jump)
    if after is None:
        after = Cursor(REVIEW) if cursor.jump else Cursor(question.key)
    return Move(updated, after)


def keep_answer(form: Form, answers: Answers, cursor: Cursor) -> Move:
    """Leave the current answer as it is and move on."""
    question = _question(form, cursor)
    if cursor.field is not None or answers.get(question.key) is None:
        raise MoveRefused("not_here")
    return Move(dict(answers), _after_answer(form, dict(answers), cursor))


def skip(form: Form, answers: Answers, cursor: Cursor) -> Move:
    """An optional question left empty on purpose (stored as None: seen and skipped)."""
    question = _question(form, cursor)
    if question.required or question.kind in GROUPS or cursor.field is not None:
        raise MoveRefused("not_here")
    updated = {**answers, question.key: None}
    return Move(updated, _after_answer(form, updated, cursor))


def back(form: Form, answers: Answers, cursor: Cursor) -> Move:
    """One step back: the previous field of a list entry, else the previous question."""
    question = current_question(form, cursor)
    if question is not None and cursor.field is not None:
        previous = previous_field(question, cursor.item or {}, cursor.field)
        if previous is None:
            return Move(dict(answers), replace(cursor, field=None, item=None))
        item = {k: v for k, v in (cursor.item or {}).items() if k != previous}
        return Move(dict(answers), replace(cursor, field=previous, item=item))
    return Move(dict(answers), Cursor(previous_key(form, answers, cursor.q)))


def start_item(form: Form, answers: Answers, cursor: Cursor) -> Move:
    question = _question(form, cursor, Kind.LIST)
    if len(answers.get(question.key) or ()) >= MAX_ITEMS:
        raise MoveRefused("list_full", count=MAX_ITEMS)
    first = next_field(question, {}, None)
    return Move(dict(answers), replace(cursor, field=first, item={}))


def cancel_item(form: Form, answers: Answers, cursor: Cursor) -> Move:
    _question(form, cursor, Kind.LIST)
    return Move(dict(answers), replace(cursor, field=None, item=None))


def remove_item(form: Form, answers: Answers, cursor: Cursor, item_id: str) -> Move:
    question = _question(form, cursor, Kind.LIST)
    items = [i for i in answers.get(question.key) or () if i.get("id") != item_id]
    return Move({**answers, question.key: items}, cursor)


def toggle(form: Form, answers: Answers, cursor: Cursor, value: str) -> Move:
    """A multi-select button: the choice is added or taken away, saved at once."""
    question = _question(form, cursor, Kind.MULTI)
    if cursor.field is not None or all(c.value != value for c in question.choices):
        raise MoveRefused("not_here")
    chosen = list(answers.get(question.key) or ())
    if value in chosen:
        chosen.remove(value)
    elif question.max_items is not None and len(chosen) >= question.max_items:
        raise MoveRefused("multi_max", maximum=question.max_items)
    else:
        chosen.append(value)
    order = [c.value for c in question.choices]
    return Move({**answers, question.key: sorted(chosen, key=order.index)}, cursor)


def finish_group(form: Form, answers: Answers, cursor: Cursor) -> Move:
    """ "Done" on a list, a multi-select or the files of an attachment question."""
    question = _question(form, cursor, *GROUPS)
    if cursor.field is not None:
        raise MoveRefused("not_here")
    updated = dict(answers)
    if question.kind == Kind.MULTI:
        chosen = len(updated.get(question.key) or ())
        need = max(question.min_items, 1 if question.required else 0)
        if chosen < need and (chosen > 0 or question.required):
            raise MoveRefused("multi_min", minimum=need)
    if question.kind in (Kind.LIST, Kind.MULTI) and question.key not in updated:
        updated[question.key] = []
    return Move(updated, _after_answer(form, updated, cursor))


def jump(form: Form, key: str, answers: Answers | None = None) -> Cursor:
    """From the menu straight to one question; afterwards back to the review. A list whose
    entry lacks a field (saved under an older version of the form) opens inside that entry."""
    if key not in form.questions:
        raise MoveRefused("not_here")
    question = form.questions[key]
    if answers is not None and question.kind == Kind.LIST:
        inside = completing(question, answers, jump=True)
        if inside is not None:
            return inside
    return Cursor(key, jump=True)


# What each button of a question does ("c": a choice, "amt": the reading of an amount picked,
# its value given by the caller); the button's action and value are the client's: each move
# checks them against the question at the cursor.
BUTTON_MOVES: dict[str, Callable[[Form, Answers, Cursor, str], Move]] = {
    "t": toggle,
    "back": lambda form, answers, cursor, _: back(form, answers, cursor),
    "skip": lambda form, answers, cursor, _: skip(form, answers, cursor),
    "keep": lambda form, answers, cursor, _: keep_answer(form, answers, cursor),
    "add": lambda form, answers, cursor, _: start_item(form, answers, cursor),
    "cancel": lambda form, answers, cursor, _: cancel_item(form, answers, cursor),
    "rmi": remove_item,
    "done": lambda form, answers, cursor, _: finish_group(form, answers, cursor),
}


def pressed(
    form: Form, answers: Answers, cursor: Cursor, action: str, value: str, today: date
) -> Move | None:
    """The move a question's button makes; None for a button that is not a move."""
    if action in ("c", "amt"):
        question = asked(form, cursor)
        if question is None:
            return None
        answer = choice_value(question, value, today) if action == "c" else value
        return give_answer(form, answers, cursor, answer)
    move = BUTTON_MOVES.get(action)
    return move(form, answers, cursor, value) if move is not None else None


def choice_value(question: Question, value: str, today: date) -> object:
    """A choice button's value as the question's answer; refused if the question has no such
    choice."""
    if question.kind == Kind.YES_NO and value in ("0", "1"):
        return value == "1"
    if question.kind == Kind.DATE and value in ("today", "yesterday"):  # quick date buttons
        return (today - timedelta(days=int(value == "yesterday"))).isoformat()
    if question.kind == Kind.CHOICE and any(c.value == value for c in question.choices):
        return value
    raise MoveRefused("not_here")
