"""Cofinancing and completeness rules (DOMAIN.md §1), without Telegram."""

from decimal import Decimal

from bot.domain.fund_form import FUND_FORM, financing
from bot.domain.rules import (
    FundingRules,
    check_record,
    cofinancing_problems,
    is_complete,
    letter_slot,
)
from testkit.factories import complete_answers, complete_files

RULES = FundingRules()


def codes(answers, files=None, rules=RULES):
    checks = check_record(
        FUND_FORM, answers, files if files is not None else complete_files(answers), rules
    )
    return {p.code for c in checks for p in c.problems}, [q.key for c in checks for q in c.missing]


def test_a_complete_dossier_is_complete() -> None:
    answers = complete_answers()
    assert is_complete(check_record(FUND_FORM, answers, complete_files(answers), RULES))


def test_the_fund_may_pay_at_most_80_percent_and_the_message_has_the_figures() -> None:
    plan = financing(complete_answers(fund_amount="1100000", city_amount="150000"))
    problems = {p.code: p.details for p in cofinancing_problems(plan, RULES)}
    assert problems["fund_over"]["maximum"] == Decimal("1000000")
    assert problems["fund_over"]["share"] == Decimal("0.88")
    assert problems["fund_over"]["excess"] == Decimal("100000")
    assert problems["city_under"]["missing"] == Decimal("100000")


def test_sources_must_balance_to_the_unit() -> None:
    plan = financing(complete_answers(city_amount="249999"))
    assert {p.code for p in cofinancing_problems(plan, RULES)} >= {"sources_short", "city_under"}
    plan = financing(complete_answers(city_amount="250001"))
    assert {p.code for p in cofinancing_problems(plan, RULES)} == {"sources_over"}


def test_partners_count_in_the_balance() -> None:
    partners = [
        {
            "id": "p1",
            "name": "Lyon",
            "type": "decentralised",
            "amount": "100000",
            "status": "expected",
        }
    ]
    answers = complete_answers(fund_amount="900000", partners=partners)
    assert codes(answers) == (set(), [])


def test_rules_are_configurable() -> None:
    answers = complete_answers()
    strict = FundingRules(fund_max_share=Decimal("0.70"), city_min_share=Decimal("0.30"))
    problems, _ = codes(answers, rules=strict)
    assert {"fund_over", "city_under"} <= problems


def test_missing_answers_and_files_are_listed_by_section() -> None:
    answers = complete_answers()
    del answers["mayor"]
    _problems, missing = codes(answers, files={})
    assert "mayor" in missing and "att_resolution" in missing and "att_technical" in missing


def test_confirmed_partners_need_a_commitment_letter() -> None:
    partners = [
        {
            "id": "p1",
            "name": "Lyon",
            "type": "decentralised",
            "amount": "100000",
            "status": "confirmed",
        }
    ]
    answers = complete_answers(fund_amount="900000", partners=partners)
    files = {"att_resolution": 1, "att_technical": 1}
    assert "att_letters" in codes(answers, files)[1]
    files[letter_slot(FUND_FORM.questions["att_letters"], "p1")] = 1
    assert codes(answers, files) == (set(), [])


def test_works_need_proof_of_land() -> None:
    lines = [{"id": "b1", "label": "Market hall", "category": "works", "amount": "1250000"}]
    answers = complete_answers(budget_lines=lines)
    assert "att_land" in codes(answers)[1]


def test_results_need_every_level_and_a_gender_result_with_marker_1_or_2() -> None:
    answers = complete_answers()
    answers["indicators"] = answers["indicators"][1:]
    problems, _ = codes(answers)
    assert {"levels_missing", "gender_result_missing"} <= problems
    problems, _ = codes(complete_answers(gender_marker="0", indicators=answers["indicators"]))
    assert "gender_result_missing" not in problems


def test_only_collective_facilities_are_eligible() -> None:
    assert "not_collective" in codes(complete_answers(collective=False))[0]


def test_follow_on_projects_must_name_the_earlier_project() -> None:
    answers = complete_answers(project_kind="follow_on")
    assert "previous_project" in codes(answers)[1]
    assert FUND_FORM.questions["previous_project"].visible(answers)
    assert not FUND_FORM.questions["previous_project"].visible(complete_answers())
