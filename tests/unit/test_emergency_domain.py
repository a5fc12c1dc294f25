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


def test_a_situation_report_gives_each_figure_with_the_last_one_known() -> None:
    from bot.domain.emergency import figure_changes, latest_figures

    before = latest_figures({"affected": 1200, "deaths": None}, [{"injured": 4}, {"deaths": ""}])
    assert before == {"affected": 1200, "deaths": None, "injured": 4}
    after = {"affected": 1500, "deaths": 3, "injured": 4, "missing": None, "news": "x"}
    assert figure_changes(before, after, COUNTS) == [
        ("affected", 1200, 1500),
        ("deaths", None, 3),  # unknown until now
        ("injured", 4, 4),
    ]


def test_times_to_acknowledgement_and_decision_come_from_the_timeline() -> None:
    from datetime import UTC, datetime, timedelta

    from bot.domain.emergency import DECIDED, Event, EventKind, time_to, timeline

    start = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
    events = timeline(
        [
            Event(start + timedelta(minutes=40), EventKind.ACKNOWLEDGED, "Marie"),
            Event(start, EventKind.REPORTED, "Awa"),
            Event(start + timedelta(minutes=15), EventKind.ESCALATED, "", "1"),
        ]
    )
    assert [e.kind for e in events] == ["reported", "escalated", "acknowledged"]
    assert time_to(events, (EventKind.ACKNOWLEDGED,)) == timedelta(minutes=40)
    assert time_to(events, DECIDED) is None


def test_the_presidency_alone_decides_and_approving_another_amount_needs_one() -> None:
    from bot.domain.emergency import EmergencyNeeds

    other = find_emergency_move(EmergencyStatus.PROPOSED, "other", "presidency", False)
    assert other is not None and other.needs == EmergencyNeeds.AMOUNT
    for role in ("secretariat", "commission", "admin", "applicant"):
        assert find_emergency_move(EmergencyStatus.PROPOSED, "other", role, False) is None
        assert find_emergency_move(EmergencyStatus.PROPOSED, "approve", role, False) is None
    assert find_emergency_move(EmergencyStatus.REPORTED, "close", "presidency", False) is None
    assert find_emergency_move(EmergencyStatus.CLOSED, "close", "secretariat", False) is None


def test_the_short_registration_asks_city_country_name_and_phone() -> None:
    from bot.domain.profile_form import SHORT_PROFILE_FORM, may_report

    assert list(SHORT_PROFILE_FORM.questions) == ["city_name", "country", "full_name", "phone"]
    answers = {"city_name": "Toamasina", "country": "MG", "full_name": "Awa", "phone": "+261"}
    assert may_report(answers, 3) and not may_report(answers, None)
    assert not may_report({**answers, "phone": ""}, 3)


def test_urgent_requests_skip_a_chats_spacing_and_a_full_window_but_not_a_429() -> None:
    from bot.workers.limits import RateLimiter

    limits = RateLimiter(per_chat=1.0, global_count=4, global_window=1.0, urgent_extra=1)
    limits.done(limits.reserve(-1), 0.01)
    assert limits.ready_at(-1, 0.02) == 1.01  # ordinary: a second after the last answer
    assert limits.ready_at(-1, 0.02, urgent=True) == 0.02  # urgent: at once
    assert -1 not in limits.held_chats(0.02, urgent=True) and -1 in limits.held_chats(0.02)
    limits.hold(-1, 5.0)  # a 429
    assert limits.ready_at(-1, 0.02, urgent=True) == 5.0
    for chat in (-3, -4, -5):
        limits.done(limits.reserve(chat), 0.03)
    assert limits.ready_at(-6, 0.04) == 1.01  # the window holds 4 ordinary ones...
    assert limits.ready_at(-6, 0.04, urgent=True) == 0.04  # ...and one more urgent
    limits.done(limits.reserve(-6), 0.05)
    assert limits.ready_at(-7, 0.06, urgent=True) == 1.01
