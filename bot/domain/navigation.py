"""Where a person is in a form, and where "next", "back" and "skip" lead."""

from dataclasses import asdict, dataclass
from typing import Any

from bot.domain.forms import Answers, Form, Kind, Question

REVIEW = "review"


@dataclass
class Cursor:
    """The position of one person in one record; stored with every answer.

    `field` and `item` are set while a list entry (budget line, partner, indicator) is being
    added: the answers given so far for that entry live in `item` until it is complete.
    `jump` means the person came from the menu and goes back to the review after answering.
    """

    q: str
    field: str | None = None
    item: dict[str, Any] | None = None
    jump: bool = False

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, form: Form, data: dict[str, Any] | None) -> "Cursor":
        """A stored position; one that names a question the form no longer has (a record saved
        under an older version of the form) starts over at the first question."""
        if not data or data.get("q") not in (*form.questions, REVIEW):
            return cls(form.first_key())
        question = form.questions.get(data["q"])
        field = data.get("field")
        if question is not None and field is not None and field not in _field_keys(question):
            field = None
        return cls(
            q=data["q"],
            field=field,
            item=data.get("item") if field is not None else None,
            jump=bool(data.get("jump")),
        )


def _field_keys(question: Question) -> set[str]:
    return {f.key for f in question.fields}


def next_key(form: Form, answers: Answers, key: str) -> str:
    """The question after `key` among those that apply, or the review screen after the last."""
    order = [q.key for q in form.visible_questions(answers)]
    if key not in order:
        return _nearest_visible(form, answers, key)
    index = order.index(key)
    return order[index + 1] if index + 1 < len(order) else REVIEW


def previous_key(form: Form, answers: Answers, key: str) -> str:
    order = [q.key for q in form.visible_questions(answers)]
    if key == REVIEW:
        return order[-1]
    if key not in order:
        return _nearest_visible(form, answers, key)
    return order[max(order.index(key) - 1, 0)]


def _nearest_visible(form: Form, answers: Answers, key: str) -> str:
    """A question that no longer applies (its condition changed) hands over to the next one."""
    visible = {q.key for q in form.visible_questions(answers)}
    for candidate in form.order[form.order.index(key) :]:
        if candidate in visible:
            return candidate
    return REVIEW


def position(form: Form, answers: Answers, key: str) -> tuple[int, int, int, int]:
    """(section number, section count, question number in section, questions in section)."""
    section_index = form.section_of[key]
    in_section = [q.key for q in form.sections[section_index].questions if q.visible(answers)]
    number = in_section.index(key) + 1 if key in in_section else 1
    return section_index + 1, len(form.sections), number, len(in_section)


def item_fields(question: Question, item: Answers) -> list[Question]:
    return [f for f in question.fields if f.visible(item)]


def next_field(question: Question, item: Answers, field: str | None) -> str | None:
    """The next field of a list entry to ask, or None when the entry is complete."""
    keys = [f.key for f in item_fields(question, item)]
    if field is None:
        return keys[0] if keys else None
    index = keys.index(field) if field in keys else -1
    return keys[index + 1] if index + 1 < len(keys) else None


def missing_field(question: Question, item: Answers) -> str | None:
    """The first field an entry needs and lacks: an entry saved under an older version of the
    form may lack a field added since (an indicator's numbers)."""
    return next(
        (
            f.key
            for f in item_fields(question, item)
            if f.required and item.get(f.key) in (None, "")
        ),
        None,
    )


def incomplete_entry(question: Question, answers: Answers) -> dict[str, Any] | None:
    """The first entry of a list that lacks a field it needs (see `missing_field`)."""
    return next(
        (i for i in answers.get(question.key) or () if missing_field(question, i) is not None),
        None,
    )


def completing(question: Question, answers: Answers, *, jump: bool = False) -> Cursor | None:
    """Inside the first incomplete entry of a list question, at the field it lacks (its answers
    so far as the entry being entered, its id kept: the entry is completed in place)."""
    entry = incomplete_entry(question, answers)
    if entry is None:
        return None
    return Cursor(question.key, missing_field(question, entry), dict(entry), jump)


def upgraded(form: Form, answers: Answers, cursor: Cursor) -> Cursor:
    """Where a draft saved under an older version of its form opens: inside the first list entry
    that lacks a field added since (asked first), else where it was."""
    if cursor.field is not None:
        return cursor
    for question in form.visible_questions(answers):
        if question.kind == Kind.LIST and (inside := completing(question, answers)) is not None:
            return inside
    return cursor


def previous_field(question: Question, item: Answers, field: str) -> str | None:
    keys = [f.key for f in item_fields(question, item)]
    index = keys.index(field) if field in keys else 0
    return keys[index - 1] if index > 0 else None
