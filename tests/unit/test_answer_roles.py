"""Answers other rooms read are roles the form names (`Form.roles`), read with `Form.read`: no
room outside the forms spells an answer's key."""

import ast
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bot.domain.all_forms import FORMS
from bot.domain.answers import parse_typed
from bot.domain.emergency_form import EMERGENCY_FORM
from bot.domain.forms import AnswerRole, Form
from bot.domain.fund_form import FUND_FORM
from bot.domain.navigation import Cursor
from bot.domain.profile_form import PROFILE_FORM, SHORT_PROFILE_FORM
from bot.domain.records import Record
from bot.domain.report_form import plan_of, report_form
from bot.domain.results import indicators_of
from bot.domain.sitrep_form import SITREP_FORM
from testkit.factories import complete_answers

ROOT = Path(__file__).resolve().parents[2]
ROOMS = ("bot", "handlers", "storage")
# What holds a record's answers (or a person's profile answers) wherever it is read.
HOLDERS = frozenset({"answers", "submitted_answers", "profile"})
TODAY = date(2026, 12, 1)


def _forms() -> list[Form]:
    answers = complete_answers()
    project_report = report_form(plan_of(answers, indicators_of(answers)))
    return [*FORMS.values(), SHORT_PROFILE_FORM, project_report]


@pytest.mark.parametrize("form", _forms(), ids=lambda form: form.key)
def test_every_role_a_form_names_is_one_of_its_questions_or_a_seeded_answer(form: Form) -> None:
    named = set(form.roles.values())
    assert named <= set(form.questions) | form.seeded
    assert form.seeded.isdisjoint(form.questions)
    assert len(named) == len(form.roles)  # one answer plays one role


def _holds_answers(node: ast.expr) -> bool:
    """`answers`, `record.answers`, `(row.answers or {})`, `person.profile`…"""
    if isinstance(node, ast.Name):
        return node.id in HOLDERS
    if isinstance(node, ast.Attribute):
        return node.attr in HOLDERS
    if isinstance(node, ast.BoolOp):
        return _holds_answers(node.values[0])
    return False


def _literal_reads(tree: ast.AST) -> list[tuple[int, str]]:
    reads = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            holder, key = node.func.value, node.args[0] if node.args else None
            if node.func.attr != "get":
                continue
        elif isinstance(node, ast.Subscript):
            holder, key = node.value, node.slice
        else:
            continue
        if _holds_answers(holder) and isinstance(key, ast.Constant) and isinstance(key.value, str):
            reads.append((node.lineno, key.value))
    return reads


def test_no_room_outside_the_forms_reads_an_answer_by_its_key() -> None:
    found = []
    for room in ROOMS:
        for path in sorted((ROOT / room).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if name.startswith("bot/domain/") and name.endswith("_form.py"):
                continue  # a form reads its own answers
            for line, key in _literal_reads(ast.parse(path.read_text(), name)):
                found.append(f"{name}:{line}: {key!r}")
    assert found == []


def test_the_check_finds_the_ways_answers_were_read() -> None:
    code = """
answers.get("title")
record.answers["city"]
(row.answers or {}).get("currency")
person.profile.get("full_name")
answers.get(key)
data.get("title")
"""
    assert [key for _line, key in _literal_reads(ast.parse(code))] == [
        "title",
        "city",
        "currency",
        "full_name",
    ]


def test_answers_are_read_by_the_role_their_form_names() -> None:
    answers = complete_answers(title="Marché central", fund_amount="1000000")
    read = FUND_FORM.read(answers)
    assert (read.title, read.city, read.currency) == ("Marché central", answers["city"], "EUR")
    assert read.asked == Decimal(1000000)
    assert read.entries(AnswerRole.PARTNERS) == answers["partners"]
    assert FUND_FORM.key_of(AnswerRole.ASKED) == "fund_amount"
    assert EMERGENCY_FORM.read({"amount": "50000"}).asked == Decimal(50000)
    assert FUND_FORM.question_of(AnswerRole.SECTOR).choice_label("water") is not None


def test_a_role_the_form_does_not_name_reads_empty() -> None:
    read = SITREP_FORM.read({"title": "not a sitrep's", "news": "Water is back"})
    assert (read.title, read.currency, read.asked) == ("", None, None)
    assert read.entries(AnswerRole.PARTNERS) == []
    assert read.text(AnswerRole.NEWS) == "Water is back"
    with pytest.raises(KeyError):
        SITREP_FORM.key_of(AnswerRole.TITLE)


def test_a_record_and_a_profile_read_their_own_form() -> None:
    record = Record(1, FUND_FORM, complete_answers(title=""), Cursor("title"))
    assert record.title is None and record.read().country == "SN"
    profile = {"city_name": "Dakar", "full_name": "Awa Ndiaye", "country": "SN"}
    assert PROFILE_FORM.read(profile).text(AnswerRole.NAME) == "Awa Ndiaye"
    assert SHORT_PROFILE_FORM.read(profile).city == "Dakar"


def test_a_phone_number_is_read_in_the_country_its_form_names() -> None:
    for form, key in ((FUND_FORM, "focal_phone"), (PROFILE_FORM, "phone")):
        question = form.questions[key]
        assert question.region == form.key_of(AnswerRole.COUNTRY)
        parsed = parse_typed(question, "77 123 45 67", "fr", {"country": "SN"}, TODAY)
        assert parsed.value == "+221771234567"
