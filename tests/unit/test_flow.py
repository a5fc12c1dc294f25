"""Moving through the questionnaire: next, back, skip, keep, lists, jumps."""

from datetime import date

import pytest

from bot.domain import flow
from bot.domain.flow import MoveRefused
from bot.domain.fund_form import FUND_FORM as F
from bot.domain.navigation import REVIEW, Cursor, position
from testkit.factories import complete_answers


def test_an_answer_is_stored_and_leads_to_the_next_question() -> None:
    move = flow.give_answer(F, {}, Cursor("mayor"), "Awa Ndiaye")
    assert move.answers == {"mayor": "Awa Ndiaye"}
    assert move.cursor == Cursor("focal_name")


def test_questions_that_do_not_apply_are_passed_over() -> None:
    move = flow.give_answer(F, {}, Cursor("project_kind"), "new")
    assert move.cursor.q == "title"
    move = flow.give_answer(F, {}, Cursor("project_kind"), "follow_on")
    assert move.cursor.q == "previous_project"


def test_back_goes_to_the_previous_applicable_question() -> None:
    assert flow.back(F, {"project_kind": "new"}, Cursor("title")).cursor.q == "project_kind"
    assert flow.back(F, {}, Cursor("city")).cursor.q == "city"


def test_skip_only_for_optional_questions() -> None:
    move = flow.skip(F, {}, Cursor("location"))
    assert move.answers == {"location": None} and move.cursor.q == "start_date"
    with pytest.raises(ValueError):
        flow.skip(F, {}, Cursor("title"))


def test_a_list_entry_is_built_field_by_field_and_appended_when_complete() -> None:
    cursor = flow.start_item(F, {}, Cursor("budget_lines")).cursor
    assert cursor.field == "label"
    move = flow.give_answer(F, {}, cursor, "Lamps")
    move = flow.give_answer(F, move.answers, move.cursor, "equipment")
    assert move.cursor.item == {"label": "Lamps", "category": "equipment"}
    move = flow.give_answer(F, move.answers, move.cursor, "1000")
    assert move.item_added and move.cursor == Cursor("budget_lines")
    (line,) = move.answers["budget_lines"]
    assert line["label"] == "Lamps" and line["amount"] == "1000" and line["id"]
    removed = flow.remove_item(F, move.answers, move.cursor, line["id"])
    assert removed.answers["budget_lines"] == []


def test_back_inside_an_entry_forgets_the_field_and_leaves_the_entry_at_the_start() -> None:
    cursor = Cursor("budget_lines", field="category", item={"label": "Lamps"})
    move = flow.back(F, {}, cursor)
    assert move.cursor.field == "label" and move.cursor.item == {}
    assert flow.back(F, {}, move.cursor).cursor == Cursor("budget_lines")


def test_indicator_sex_breakdown_is_asked_only_when_people_are_counted() -> None:
    cursor = Cursor("indicators", field="counts_people", item={})
    assert flow.give_answer(F, {}, cursor, True).cursor.field == "women"
    assert flow.give_answer(F, {}, cursor, False).cursor.field == "source"


def test_a_jump_from_the_menu_returns_to_the_review() -> None:
    move = flow.give_answer(F, complete_answers(), flow.jump(F, "title"), "New title")
    assert move.cursor.q == REVIEW and move.answers["title"] == "New title"


def test_the_last_question_leads_to_the_review() -> None:
    assert flow.finish_group(F, {}, Cursor("att_photos")).cursor.q == REVIEW


def test_position_counts_only_applicable_questions() -> None:
    assert position(F, {}, "city") == (1, 7, 1, 8)
    assert position(F, {"project_kind": "follow_on"}, "previous_project") == (1, 7, 9, 9)
    keys = [q.key for q in F.visible_questions({})]
    assert "att_letters" not in keys and "att_land" not in keys


def test_a_stored_cursor_naming_an_unknown_question_restarts_safely() -> None:
    assert Cursor.from_json(F, {"q": "removed_question"}) == Cursor("city")
    assert Cursor.from_json(F, None) == Cursor("city")


def test_a_question_button_is_the_move_its_action_names() -> None:
    today = date(2027, 3, 15)
    move = flow.pressed(F, {}, Cursor("project_kind"), "c", "new", today)
    assert move is not None and move.answers == {"project_kind": "new"}
    assert flow.pressed(
        F, {"project_kind": "new"}, Cursor("title"), "back", "", today
    ) == flow.back(F, {"project_kind": "new"}, Cursor("title"))
    assert flow.pressed(F, {}, Cursor("project_kind"), "rm", "", today) is None  # not a move


def test_a_forged_choice_is_refused() -> None:
    with pytest.raises(MoveRefused):
        flow.pressed(F, {}, Cursor("project_kind"), "c", "anything", date(2027, 3, 15))
