"""The emergency report as a form, and the emergency statuses' table."""

from bot.domain.all_forms import FORMS
from bot.domain.emergency import (
    REFERENCE_PREFIX,
    EmergencyStatus,
    emergency_moves,
    find_emergency_move,
)
from bot.domain.emergency_form import COUNTS, EMERGENCY_FORM, ready_to_send
from bot.domain.forms import Kind
from bot.domain.fund_form import CURRENCIES
from bot.domain.rules import FundingRules, check_record, first_missing, is_complete

REQUIRED_ANSWERS = {
    "event": "flood",
    "started": "2026-12-01",
    "place": "Quartier Nord",
    "affected": 1200,
    "description": "La rivière a débordé dans la nuit.",
}


def test_the_report_is_a_registered_form_of_its_own() -> None:
    assert FORMS["emergency"] is EMERGENCY_FORM and EMERGENCY_FORM.version == 1
    assert REFERENCE_PREFIX == "FU"
    assert EMERGENCY_FORM.section_rules("situation", REQUIRED_ANSWERS, FundingRules()) == []


def test_only_five_answers_are_required() -> None:
    required = {q.key for q in EMERGENCY_FORM.questions.values() if q.required}
    assert required == {"event", "started", "place", "affected", "description"}


def test_counts_are_whole_numbers_from_zero_and_skipped_means_unknown() -> None:
    for key in COUNTS:
        question = EMERGENCY_FORM.questions[key]
        assert question.kind == Kind.WHOLE and question.minimum == 0
        assert question.required == (key == "affected")


def test_services_and_needs_are_multi_selects_and_the_amount_has_a_currency() -> None:
    questions = EMERGENCY_FORM.questions
    assert questions["services"].kind == questions["needs"].kind == Kind.MULTI
    assert {c.value for c in questions["services"].choices} >= {"water", "roads", "archives"}
    assert tuple(c.value for c in questions["currency"].choices) == CURRENCIES
    assert EMERGENCY_FORM.order.index("currency") < EMERGENCY_FORM.order.index("amount")
    assert not questions["amount"].visible({}) and questions["amount"].visible({"currency": "EUR"})
    assert questions["photos"].kind == Kind.FILES and not questions["photos"].required
    assert {c.value for c in questions["started"].choices} == {"today", "yesterday"}


def test_a_report_with_the_required_answers_is_complete() -> None:
    checks = check_record(EMERGENCY_FORM, REQUIRED_ANSWERS, {}, FundingRules())
    assert is_complete(checks) and ready_to_send(REQUIRED_ANSWERS)
    partial = {k: v for k, v in REQUIRED_ANSWERS.items() if k != "affected"}
    checks = check_record(EMERGENCY_FORM, partial, {}, FundingRules())
    assert not is_complete(checks) and not ready_to_send(partial)
    assert first_missing(EMERGENCY_FORM, checks) == "affected"
    assert ready_to_send({**REQUIRED_ANSWERS, "affected": 0})


def test_each_status_has_its_moves_and_only_the_right_roles_take_them() -> None:
    s = EmergencyStatus
    assert [m.key for m in emergency_moves(s.DRAFT, "applicant", True)] == ["send"]
    assert emergency_moves(s.DRAFT, "secretariat", False) == []
    assert find_emergency_move(s.REPORTED, "ack", "commission", False) is not None
    assert find_emergency_move(s.REPORTED, "ack", "secretariat", False) is not None
    assert find_emergency_move(s.REPORTED, "ack", "applicant", True) is None
    assert find_emergency_move(s.REPORTED, "ack", "presidency", False) is None
    assert find_emergency_move(s.ACKNOWLEDGED, "ack", "commission", False) is None
    assert find_emergency_move(s.ACKNOWLEDGED, "propose", "commission", False) is not None
    assert find_emergency_move(s.PROPOSED, "approve", "commission", False) is None
    assert find_emergency_move(s.PROPOSED, "approve", "secretariat", False) is None
    approve = find_emergency_move(s.PROPOSED, "approve", "presidency", False)
    assert approve is not None and approve.target == s.APPROVED
    reject = find_emergency_move(s.PROPOSED, "reject", "presidency", False)
    assert reject is not None and reject.target == s.REJECTED
    assert find_emergency_move(s.APPROVED, "close", "secretariat", False) is not None
    assert find_emergency_move(s.CLOSED, "close", "admin", False) is None
    assert find_emergency_move(s.REPORTED, "close", "nonsense", False) is None
