"""The grant after the vote, its pure rules: the three status tables, the schedule of tranches and
its exact amounts, payments, the reporting calendar and its reminders, shares of a target, the
report forms, and the Fund's form version 2 (indicators with numbers)."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from bot.config import Settings
from bot.domain import flow
from bot.domain.follow_up import (
    OFFSETS,
    Chase,
    ReportDue,
    ReportKind,
    add_months,
    aid_report_due,
    latest_chase,
    next_report,
    planned_chases,
    progress_reports,
    report_calendar,
    reports_requested,
    why_not_chase,
)
from bot.domain.fund_form import CURRENCIES, FUND_FORM
from bot.domain.navigation import Cursor, upgraded
from bot.domain.project import (
    PROJECT_MOVES,
    REPORT_MOVES,
    TRANCHE_MOVES,
    Actor,
    Needs,
    ProjectStatus,
    ReportStatus,
    TrancheStatus,
    bot_move,
    find_grant_move,
    grant_moves,
    may_adjust,
    reopened,
)
from bot.domain.report_form import (
    AID_REPORT_FORM,
    ReportPlan,
    facts_of,
    items,
    men_key,
    plan_of,
    reached_key,
    report_form,
    seed_answers,
    spent_key,
    women_key,
)
from bot.domain.results import (
    indicators_of,
    missing_numbers,
    percent_of_change,
    percent_of_target,
    with_numbers,
)
from bot.domain.roles import Role
from bot.domain.rules import FundingRules, check_record, first_missing, is_complete
from bot.domain.tranches import (
    Condition,
    Facts,
    ScheduleError,
    amounts,
    check_payment,
    coming_due,
    default_tranches,
    minor_unit,
    parse_schedule,
    with_amount,
    with_condition,
)
from testkit.factories import complete_answers, complete_files
from testkit.grant_facts import old_indicator

TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz0123"
P, T, R = ProjectStatus, TrancheStatus, ReportStatus


# --- the three tables -------------------------------------------------------------------------

PROJECT_STAFF = {
    P.PREPARING: {"propose", "cancel"},
    P.PROPOSED: {"rework", "cancel"},
    P.UNDER_WAY: {"suspend", "cancel"},
    P.FINAL_REPORT_DUE: {"close", "suspend", "cancel"},
    P.SUSPENDED: {"cancel"},  # resuming needs the status it was suspended from
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("status", list(ProjectStatus))
def test_every_role_gets_exactly_its_project_moves(role: Role, status: ProjectStatus) -> None:
    staff = {m.key for m in grant_moves(PROJECT_MOVES, status, role, of_the_city=False)}
    secretariat = role in (Role.SECRETARIAT, Role.ADMIN)
    assert staff == (PROJECT_STAFF.get(status, set()) if secretariat else set())
    city = {m.key for m in grant_moves(PROJECT_MOVES, status, Role.APPLICANT, of_the_city=True)}
    assert city == ({"accept"} if status == P.PROPOSED else set())
    # another city's official, or anyone unverified (the caller says `of_the_city=False`)
    assert grant_moves(PROJECT_MOVES, status, Role.APPLICANT, of_the_city=False) == []


def test_a_suspended_project_resumes_where_it_was() -> None:
    for origin in (P.UNDER_WAY, P.FINAL_REPORT_DUE):
        move = find_grant_move(PROJECT_MOVES, P.SUSPENDED, "resume", Role.SECRETARIAT, False,
                               origin)  # fmt: skip
        assert move is not None and move.target == origin and move.needs == Needs.NOTE
    assert find_grant_move(PROJECT_MOVES, P.SUSPENDED, "resume", Role.APPLICANT, True,
                           P.UNDER_WAY) is None  # fmt: skip
    for key in ("suspend", "cancel", "rework", "close"):
        assert all(m.needs == Needs.NOTE for m in PROJECT_MOVES if m.key == key)


def test_the_bot_moves_are_never_a_persons() -> None:
    for table in (PROJECT_MOVES, TRANCHE_MOVES, REPORT_MOVES):
        for move in table:
            if move.by == Actor.BOT:
                for role in Role:
                    assert find_grant_move(table, move.source, move.key, role, True) is None
    assert bot_move(TRANCHE_MOVES, T.PLANNED, "due").target == T.DUE
    assert bot_move(PROJECT_MOVES, P.UNDER_WAY, "final_due").target == P.FINAL_REPORT_DUE
    assert bot_move(TRANCHE_MOVES, T.DUE, "due") is None


def test_tranches_and_reports_moves() -> None:
    def keys(table, status, role, city):
        return {m.key for m in grant_moves(table, status, role, city)}

    assert keys(TRANCHE_MOVES, T.DUE, Role.SECRETARIAT, False) == {"pay"}
    assert keys(TRANCHE_MOVES, T.DUE, Role.APPLICANT, True) == set()
    assert keys(TRANCHE_MOVES, T.PAID, Role.APPLICANT, True) == {"received", "difference"}
    assert keys(TRANCHE_MOVES, T.PAID, Role.SECRETARIAT, False) == set()
    assert keys(TRANCHE_MOVES, T.RECEIVED, Role.ADMIN, True) == set()
    assert keys(REPORT_MOVES, R.SUBMITTED, Role.SECRETARIAT, False) == {"return", "approve"}
    assert keys(REPORT_MOVES, R.SUBMITTED, Role.COMMISSION, False) == set()
    assert keys(REPORT_MOVES, R.DRAFT, Role.APPLICANT, True) == {"submit"}
    assert keys(REPORT_MOVES, R.RETURNED, Role.APPLICANT, True) == {"resubmit"}
    assert keys(REPORT_MOVES, R.APPROVED, Role.ADMIN, True) == set()
    # Report statuses are not the dossier's: no dossier query picks a report up.
    from bot.domain.workflow import Status

    assert not {s.value for s in ReportStatus} - {"draft"} & {s.value for s in Status}
    assert may_adjust(P.PREPARING) and not may_adjust(P.PROPOSED)


def test_a_returned_report_reopens_only_the_items_named() -> None:
    returned = frozenset({"ind_a", "progress"})
    assert reopened(R.DRAFT, frozenset(), "anything")
    assert reopened(R.RETURNED, returned, "reached_a", "ind_a")
    assert reopened(R.RETURNED, returned, "progress", "narrative")
    assert not reopened(R.RETURNED, returned, "difficulties", "narrative")
    assert not reopened(R.SUBMITTED, returned, "progress", "narrative")
    assert not reopened(R.APPROVED, returned, "progress", "narrative")


# --- the schedule -----------------------------------------------------------------------------


def test_the_configured_schedule_is_read_and_checked() -> None:
    shares = parse_schedule("50:convention,40:report,10:final")
    assert [(s.percent, str(s.condition)) for s in shares] == [
        (Decimal(50), "convention"), (Decimal(40), "report:1"), (Decimal(10), "final"),
    ]  # fmt: skip
    shares = parse_schedule("30:convention, 20:report2, 25:report, 25 : final")
    assert [str(s.condition) for s in shares] == ["convention", "report:2", "report:1", "final"]
    assert (
        sum(s.percent for s in parse_schedule("33.33:convention,33.33:report,33.34:final")) == 100
    )
    for bad, code in [
        ("", "empty"),
        ("50:convention,40:report", "not_100"),
        ("50:convention,50:rapport", "unknown_condition"),
        ("50:convention,50:final2", "unknown_condition"),
        ("x:convention,100:final", "not_a_percentage"),
        ("0:convention,100:final", "not_a_percentage"),
        ("-10:convention,110:final", "not_a_percentage"),
        ("100", "not_a_percentage"),
    ]:
        with pytest.raises(ScheduleError) as error:
            parse_schedule(bad)
        assert error.value.code == code, bad


def test_the_schedule_comes_from_the_configuration() -> None:
    settings = Settings(_env_file=None, bot_token=TOKEN)
    assert [str(s.condition) for s in settings.tranches] == ["convention", "report:1", "final"]
    assert settings.report_months == 6 and settings.emergency_report_days == 90
    mine = Settings(_env_file=None, bot_token=TOKEN, tranches="70:convention,30:final",
                    report_months="3", emergency_report_days="60")  # fmt: skip
    assert [s.percent for s in mine.tranches] == [70, 30] and mine.report_months == 3
    with pytest.raises(ValidationError, match="add up to 90"):
        Settings(_env_file=None, bot_token=TOKEN, tranches="50:convention,40:final")


def test_amounts_are_exact_in_the_currency() -> None:
    shares = parse_schedule("50:convention,40:report,10:final")
    assert amounts(Decimal("1000001"), "XOF", [s.percent for s in shares]) == [
        Decimal(500000),
        Decimal(400000),
        Decimal(100001),
    ]
    assert amounts(Decimal("1000.01"), "EUR", [s.percent for s in shares]) == [
        Decimal("500.00"), Decimal("400.00"), Decimal("100.01")
    ]  # fmt: skip
    assert minor_unit("XOF") == 1 and minor_unit("EUR") == Decimal("0.01")
    with pytest.raises(ScheduleError) as error:
        amounts(Decimal("10.5"), "XOF", [Decimal(100)])
    assert error.value.code == "too_many_decimals"


@st.composite
def schedules(draw) -> list[Decimal]:
    """Percentages with up to two decimals, adding up to 100 exactly."""
    cuts = draw(st.lists(st.integers(1, 9999), max_size=7, unique=True))
    points = [0, *sorted(cuts), 10000]
    return [Decimal(b - a) / 100 for a, b in pairwise(points)]


@given(
    currency=st.sampled_from(CURRENCIES),
    units=st.integers(1, 10**13),
    percents=schedules(),
)
def test_tranches_add_up_exactly_to_the_grant(currency, units, percents) -> None:
    grant = Decimal(units) * minor_unit(currency)
    values = amounts(grant, currency, percents)
    assert sum(values) == grant
    unit = minor_unit(currency)
    for value, percent in zip(values[:-1], percents[:-1], strict=True):
        exact = Fraction(grant) * Fraction(percent) / 100
        assert value % unit == 0 and 0 <= exact - Fraction(value) < Fraction(unit)
    assert values[-1] >= 0 and values[-1] % unit == 0
    assert Fraction(values[-1]) >= Fraction(grant) * Fraction(percents[-1]) / 100


def test_staff_adjust_the_schedule_and_it_stays_whole() -> None:
    shares = parse_schedule("50:convention,40:report,10:final")
    grant = Decimal("1000000")
    schedule = default_tranches(grant, "EUR", shares)
    changed = with_amount(schedule, 1, Decimal("600000"), grant, "EUR", progress_reports=2)
    assert [t.amount for t in changed] == [600000, 400000, 0]
    changed = with_amount(schedule, 3, Decimal("50000"), grant, "EUR", progress_reports=2)
    assert [t.amount for t in changed] == [500000, 450000, 50000]
    with pytest.raises(ScheduleError) as error:
        with_amount(schedule, 1, Decimal("700000"), grant, "EUR", progress_reports=2)
    assert error.value.code == "negative"
    with pytest.raises(ScheduleError):
        with_amount(schedule, 1, Decimal("500000.005"), grant, "EUR", progress_reports=2)
    moved = with_condition(schedule, 2, Condition("report", 2), grant, "EUR", progress_reports=2)
    assert str(moved[1].condition) == "report:2"
    with pytest.raises(ScheduleError) as error:  # the calendar has no third progress report
        with_condition(schedule, 2, Condition("report", 3), grant, "EUR", progress_reports=2)
    assert error.value.code == "no_such_report"


def test_tranches_come_due_when_their_condition_is_met() -> None:
    schedule = default_tranches(Decimal(1000), "EUR", parse_schedule(
        "40:convention,30:report,20:report,10:final"))  # fmt: skip
    assert coming_due(schedule, Facts()) == []
    assert coming_due(schedule, Facts(convention_accepted=True)) == [1]
    facts = Facts(convention_accepted=True, approved_reports=frozenset({2}))
    assert coming_due(schedule, facts) == [1, 3]
    assert coming_due(schedule, Facts(final_approved=True)) == [4]


@given(
    currency=st.sampled_from(("EUR", "XOF", "USD", "TND")),
    grant_units=st.integers(1, 10**9),
    attempts=st.lists(st.integers(-5, 10**9), max_size=12),
)
def test_payments_never_exceed_the_grant(currency, grant_units, attempts) -> None:
    unit = minor_unit(currency)
    grant = Decimal(grant_units) * unit
    paid: list[Decimal] = []
    for attempt in attempts:
        amount = Decimal(attempt) * unit
        try:
            check_payment(amount, grant, paid, currency)
        except ScheduleError as refused:
            assert refused.code in ("payment_not_positive", "over_grant")
            assert amount <= 0 or amount > grant - sum(paid)
            continue
        paid.append(amount)
        assert sum(paid) <= grant
    with pytest.raises(ScheduleError) as error:
        check_payment(grant - sum(paid) + unit, grant, paid, currency)
    assert error.value.code == "over_grant"


def test_a_payment_is_exact_in_the_currency() -> None:
    with pytest.raises(ScheduleError) as error:
        check_payment(Decimal("10.5"), Decimal(1000), [], "XOF")
    assert error.value.code == "too_many_decimals"
    check_payment(Decimal("10.50"), Decimal(1000), [], "EUR")


# --- shares of a target -----------------------------------------------------------------------


def test_shares_of_a_target() -> None:
    assert percent_of_target(Decimal(900), Decimal(1200)) == Decimal("75.0")
    assert percent_of_target(Decimal(1), Decimal(3)) == Decimal("33.3")
    assert percent_of_target(Decimal(2), Decimal(3)) == Decimal("66.7")
    assert percent_of_target(Decimal("0.0005"), Decimal(1)) == Decimal("0.0")  # 0.05: to even
    assert percent_of_target(Decimal("0.0015"), Decimal(1)) == Decimal("0.2")  # 0.15: to even
    assert percent_of_target(Decimal(5), Decimal(0)) is None
    assert percent_of_change(Decimal(300), Decimal(1200), Decimal(750)) == Decimal("50.0")
    assert percent_of_change(Decimal(10), Decimal(10), Decimal(10)) is None


numbers = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False)


@given(reached=numbers, target=numbers.filter(lambda d: d > 0))
def test_percentages_of_target_are_exact(reached: Decimal, target: Decimal) -> None:
    share = percent_of_target(reached, target)
    exact = Fraction(reached) * 100 / Fraction(target)
    assert share is not None and share.as_tuple().exponent == -1
    assert abs(Fraction(share) - exact) <= Fraction(1, 20)  # within half of the last place
    if abs(Fraction(share) - exact) == Fraction(1, 20):  # a tie goes to the even tenth
        assert int(share * 10) % 2 == 0
    assert percent_of_target(target, target) == Decimal("100.0")
    assert percent_of_target(target * 3, target) == Decimal("300.0")


# --- the reporting calendar and the reminders ------------------------------------------------


def test_the_reporting_calendar() -> None:
    due = report_calendar(date(2027, 3, 15), 18, 6)
    assert due == [
        ReportDue(date(2027, 9, 15), ReportKind.PROGRESS, 1),
        ReportDue(date(2028, 3, 15), ReportKind.PROGRESS, 2),
        ReportDue(date(2028, 9, 15), ReportKind.FINAL, 1),
    ]
    assert [d.kind for d in report_calendar(date(2027, 1, 31), 5, 6)] == [ReportKind.FINAL]
    assert report_calendar(date(2027, 1, 31), 7, 6)[0].due_on == date(2027, 7, 31)
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)
    assert progress_reports(date(2027, 3, 15), 18, 6) == 2
    assert aid_report_due(date(2027, 1, 10), 90).due_on == date(2027, 4, 10)
    assert next_report(due, {("progress", 1)}) == due[1]
    assert reports_requested(due, date(2027, 9, 1)) == [due[0]]
    assert reports_requested(due, date(2027, 8, 31)) == []


def at(day: date, hour: int = 8) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def test_a_report_is_chased_before_on_and_after_its_day() -> None:
    due = date(2027, 9, 15)
    planned = planned_chases(Chase.REPORT, 12, due, 8)
    assert [c.due_at.date() - due for c in planned] == [timedelta(days=d) for d in (-14, 0, 7, 14)]
    assert planned[0].key == "chase:report:12:2027-09-15:-14"
    assert len({c.key for c in planned}) == 4

    def why(offset, now, status=R.DRAFT, since=due):
        return why_not_chase(Chase.REPORT, status=status, waiting_since=since, anchor=due,
                             offset=offset, now=now, hour=8)  # fmt: skip

    assert why(-14, at(date(2027, 9, 1))) is None
    assert why(0, at(date(2027, 9, 1))) == "not yet"
    # after an outage of a month, only the latest is sent
    late = at(date(2027, 10, 10))
    assert [why(o, late) for o in OFFSETS[Chase.REPORT]] == [
        "superseded", "superseded", "superseded", None,
    ]  # fmt: skip
    assert latest_chase(Chase.REPORT, due, late, 8) == 14
    assert latest_chase(Chase.REPORT, due, at(date(2027, 8, 1)), 8) is None
    # they stop as soon as the city acts (the report submitted); returned, it waits again
    assert why(7, at(date(2027, 9, 22)), status=R.SUBMITTED) == "the city acted"
    assert why(7, at(date(2027, 9, 22)), status=R.RETURNED) is None


def test_a_convention_and_changes_requested_are_chased_until_the_city_acts() -> None:
    proposed = date(2027, 5, 2)
    kwargs = {"anchor": proposed, "offset": 7, "now": at(date(2027, 5, 9)), "hour": 8}
    assert why_not_chase(Chase.CONVENTION, status=P.PROPOSED, waiting_since=proposed,
                         **kwargs) is None  # fmt: skip
    assert why_not_chase(Chase.CONVENTION, status=P.UNDER_WAY, waiting_since=proposed,
                         **kwargs) == "the city acted"  # fmt: skip
    # proposed again (a changed convention): the first wait's reminders are dropped
    assert why_not_chase(Chase.CONVENTION, status=P.PROPOSED, waiting_since=date(2027, 5, 6),
                         **kwargs) == "another wait"  # fmt: skip
    assert why_not_chase(Chase.CHANGES, status="changes_requested", waiting_since=proposed,
                         **kwargs) is None  # fmt: skip
    assert why_not_chase(Chase.CHANGES, status="in_review", waiting_since=proposed,
                         **kwargs) == "the city acted"  # fmt: skip
    assert [c.offset for c in planned_chases(Chase.CHANGES, 3, proposed, 8)] == [7, 14]


# --- the Fund's form, version 2 ---------------------------------------------------------------


def test_a_draft_of_version_1_asks_the_indicators_numbers_first() -> None:
    levels = ("ultimate", "intermediate", "immediate", "output")
    answers = complete_answers(indicators=[old_indicator(level) for level in levels])
    files = complete_files(answers)
    checks = check_record(FUND_FORM, answers, files, FundingRules())
    assert not is_complete(checks)
    assert first_missing(FUND_FORM, checks) == "indicators"
    cursor = upgraded(FUND_FORM, answers, Cursor("budget_lines"))
    assert cursor == Cursor("indicators", "unit", answers["indicators"][0])
    # the fix leads there too (from the menu: back to the review after)
    assert flow.jump(FUND_FORM, "indicators", answers) == Cursor(
        "indicators", "unit", answers["indicators"][0], jump=True
    )
    for _ in range(4):
        for value in ("lamps", "0", "400"):
            move = flow.give_answer(FUND_FORM, answers, cursor, value)
            answers, cursor = move.answers, move.cursor
    assert cursor == Cursor("indicators")  # the list, its four entries complete
    completed = answers["indicators"]
    assert [i["id"] for i in completed] == [f"v1-{level}" for level in levels]  # in place
    assert completed[0]["target"] == "about 400" and completed[0]["target_value"] == "400"
    assert is_complete(check_record(FUND_FORM, answers, files, FundingRules()))
    assert [p.target for p in indicators_of(answers)] == [Decimal(400)] * 4
    assert indicators_of(answers)[0].written_target == "about 400"


def test_a_new_indicator_is_asked_its_numbers_and_never_the_old_text() -> None:
    question = FUND_FORM.questions["indicators"]
    move = flow.start_item(FUND_FORM, {}, Cursor("indicators"))
    asked = []
    cursor, answers = move.cursor, move.answers
    typed = {"level": "output", "result": "Streets lit", "indicator": "Lamps", "unit": "lamps",
             "baseline_value": "0", "target_value": "400", "counts_people": False,
             "source": "S", "frequency": "F", "measured_by": "M", "gender": False}  # fmt: skip
    while cursor.field is not None:
        asked.append(cursor.field)
        move = flow.give_answer(FUND_FORM, answers, cursor, typed[cursor.field])
        cursor, answers = move.cursor, move.answers
    assert "baseline" not in asked and "target" not in asked
    assert asked[3:6] == ["unit", "baseline_value", "target_value"]
    assert answers["indicators"][0]["target_value"] == "400"
    assert question.fields[4].kind.value == "number"


def test_indicator_numbers_typed_by_the_secretariat() -> None:
    answers = complete_answers(indicators=[old_indicator("output")])
    plans = indicators_of(answers)
    assert missing_numbers(plans) == plans
    typed = with_numbers(plans, "v1-output", Decimal(0), Decimal(400), "lamps")
    assert missing_numbers(typed) == [] and typed[0].unit == "lamps"
    with pytest.raises(KeyError):
        with_numbers(plans, "nope", Decimal(0), Decimal(1), "x")


# --- the report forms -------------------------------------------------------------------------


def people_plan() -> ReportPlan:
    answers = complete_answers()
    answers["indicators"][1].update(counts_people=True, women=600, men=600)
    return plan_of(answers, indicators_of(answers))


def test_the_report_is_built_from_the_project() -> None:
    plan = people_plan()
    form = report_form(plan)
    assert form.key == "report" and form.title == "Progress report"
    people = plan.indicators[1]
    keys = [q.key for q in form.sections[1].questions]
    assert keys == [reached_key(people.id), women_key(people.id), men_key(people.id)]
    assert form.sections[1].title == people.name  # the city's own words
    assert [q.key for q in form.sections[0].questions] == [reached_key(plan.indicators[0].id)]
    spending = next(s for s in form.sections if s.key == "spending")
    assert [q.subject for q in spending.questions] == ["Solar lamps", "Supervision"]
    assert spending.questions[0].key == spent_key("b1") and spending.questions[0].zero
    for key in ("city_mobilised", "progress", "difficulties", "next_steps", "photos", "location"):
        assert key in form.questions
    assert not form.questions["location"].required
    assert ReportPlan.from_json(plan.to_json()) == plan
    assert "ind_" + people.id in items(form) and "progress" in items(form)
    assert report_form(plan_of(complete_answers(), [], final=True)).title == "Final report"


def test_women_and_men_add_up_to_the_value_reached() -> None:
    plan = people_plan()
    form = report_form(plan)
    people = plan.indicators[1]
    answers = (
        seed_answers("EUR")
        | {reached_key(i.id): "100" for i in plan.indicators}
        | {women_key(people.id): 60, men_key(people.id): 30}
    )
    checks = check_record(form, answers, {}, FundingRules())
    problems = [p for c in checks for p in c.problems]
    assert [p.code for p in problems] == ["sexes_differ"]
    # "fix" leads to that indicator's women, not to a form-wide default
    only_rules = [c for c in checks if c.problems]
    assert first_missing(form, only_rules) == women_key(people.id)
    answers[men_key(people.id)] = 40
    assert not [p for c in check_record(form, answers, {}, FundingRules()) for p in c.problems]
    facts = facts_of(plan, answers, {reached_key(people.id): "50"})
    assert facts.indicators[1].reached == 100 and facts.indicators[1].previous == 50
    assert facts.indicators[1].women == 60


def test_the_aid_report_checks_its_uses_against_the_aid() -> None:
    answers = seed_answers("EUR", granted=Decimal(50000)) | {
        "uses": [{"id": "u1", "purpose": "Tents", "amount": "30000"},
                 {"id": "u2", "purpose": "Water", "amount": "25000"}],
    }  # fmt: skip
    problems = AID_REPORT_FORM.section_rules("uses", answers, None)
    assert [p.code for p in problems] == ["uses_over_aid"]
    assert problems[0].details["excess"] == 5000
    answers["uses"][1]["amount"] = "20000"
    assert AID_REPORT_FORM.section_rules("uses", answers, None) == []
    assert AID_REPORT_FORM.currency(answers) == "EUR"
