"""The rules behind decisions staff see before they go: an amount granted or proposed that looks
wrong, the corrections of a recorded decision and until when they may be made, the pending
decision kept in the conversation (issue 14 §4)."""

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from bot.domain.decisions import (
    Draft,
    correction_window,
    emergency_concerns,
    foreseen_case,
    granted_concerns,
)
from bot.domain.fund_form import FUND_FORM
from bot.domain.navigation import Cursor
from bot.domain.records import Person, Record
from bot.domain.review import Case, HistoryEntry
from bot.domain.roles import Role
from bot.domain.rules import Financing, FundingRules
from bot.domain.sessions import BureauSession
from bot.domain.workflow import (
    TRANSITIONS,
    Status,
    corrections,
    find_correction,
    is_correction,
    moves,
)

RULES = FundingRules()
PLAN = Financing("EUR", Decimal(1_000_000), Decimal(800_000), Decimal(200_000), Decimal(0))
APRIL, NOVEMBER = date(2027, 4, 28), date(2027, 11, 20)
SESSIONS = [BureauSession(APRIL, date(2027, 3, 1), id=1), BureauSession(NOVEMBER, NOVEMBER, id=2)]


def codes(concerns) -> list[tuple[str, bool]]:
    return [(c.code, c.blocking) for c in concerns]


@pytest.mark.parametrize(
    ("granted", "expected"),
    [
        (5_000_000_000, [("above_share", True), ("tenfold", True)]),  # the incident
        (8_000_000, [("above_share", True), ("tenfold", True)]),
        (800_000, []),
        (600_000, []),
        (80_000, []),  # a tenth of the 800 000 asked: still that order of magnitude
        (79_999, [("under_tenth", False)]),
        (800, [("under_tenth", False)]),  # 700,000 read as 700 € would have been caught here
    ],
)
def test_an_amount_granted_against_the_dossier(granted: int, expected: list) -> None:
    assert codes(granted_concerns(Decimal(granted), PLAN, RULES)) == expected


def test_above_the_amount_asked_but_within_the_funds_share_asks_to_confirm() -> None:
    modest = Financing("EUR", Decimal(1_000_000), Decimal(500_000), Decimal(500_000), Decimal(0))
    (concern,) = granted_concerns(Decimal(600_000), modest, RULES)
    assert (concern.code, concern.blocking, concern.asked) == ("above_asked", False, 500_000)
    over, above = granted_concerns(Decimal(900_000), modest, RULES)
    assert (over.code, over.blocking, over.maximum) == ("above_share", True, Decimal(800_000))
    assert above.code == "above_asked"


def test_an_emergency_amount_against_what_the_city_asked() -> None:
    asked = Decimal(50_000)
    assert codes(emergency_concerns(Decimal(500_000), "EUR", asked, "EUR")) == [("tenfold", False)]
    assert codes(emergency_concerns(Decimal(60_000), "EUR", asked, "EUR")) == [
        ("above_asked", False)
    ]
    assert codes(emergency_concerns(Decimal(50), "EUR", asked, "EUR")) == [("under_tenth", False)]
    assert emergency_concerns(Decimal(30_000), "EUR", asked, "EUR") == []
    assert emergency_concerns(Decimal(500_000), "XOF", asked, "EUR") == []  # not comparable
    assert emergency_concerns(Decimal(500_000), "EUR", None, None) == []  # nothing asked


def case(status: str, history: list[HistoryEntry], session: BureauSession | None = None) -> Case:
    record = Record(1, FUND_FORM, {"currency": "EUR"}, Cursor("title"), status, "FC-2027-0001")
    return Case(record, 1, "Dakar", "SN", Person(7, "Awa", "fr", {}, 1), history, session=session)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


BUREAU_APPROVAL = HistoryEntry(at(APRIL), "scheduled", "approved", "Paul", None, Decimal(800_000))


def test_a_bureau_decision_may_be_corrected_until_the_next_session_is_held() -> None:
    approved = case("approved", [BUREAU_APPROVAL], SESSIONS[0])
    window = correction_window(approved, SESSIONS, date(2027, 5, 2))
    assert window is not None and (window.origin, window.until) == ("scheduled", NOVEMBER)
    assert correction_window(approved, SESSIONS, date(2027, 11, 19)) is not None
    assert correction_window(approved, SESSIONS, NOVEMBER) is None  # being held: too late
    assert correction_window(approved, SESSIONS[:1], date(2030, 1, 1)).until is None  # none next
    # Recorded before the session day (the session is the reference): still April's decision.
    early = case("approved", [HistoryEntry(at(date(2027, 4, 20)), "scheduled", "approved", "P")])
    early = Case(**{**early.__dict__, "session": SESSIONS[0]})
    assert correction_window(early, SESSIONS, date(2027, 10, 1)).until == NOVEMBER


def test_the_secretariats_rejection_belongs_to_the_day_it_was_made() -> None:
    rejection = HistoryEntry(at(date(2027, 5, 10)), "in_review", "rejected", "Paul", "Hors champ")
    rejected = case("rejected", [rejection])
    window = correction_window(rejected, SESSIONS, date(2027, 6, 1))
    assert (window.origin, window.decided_on, window.until) == (
        "in_review",
        date(2027, 5, 10),
        NOVEMBER,
    )
    assert [t.key for t in corrections("rejected", window.origin, Role.SECRETARIAT)] == [
        "fix_reject",
        "fix_review",
    ]


def test_a_corrected_decision_keeps_its_origin_and_its_window() -> None:
    correction = HistoryEntry(at(date(2027, 5, 2)), "approved", "rejected", "Paul", "Erreur")
    corrected = case("rejected", [BUREAU_APPROVAL, correction], SESSIONS[0])
    window = correction_window(corrected, SESSIONS, date(2027, 6, 1))
    assert (window.origin, window.decided_on, window.until) == ("scheduled", APRIL, NOVEMBER)
    assert correction_window(case("in_review", [BUREAU_APPROVAL]), SESSIONS, APRIL) is None


def test_corrections_are_in_the_one_table_and_offered_apart() -> None:
    fixes = [t for t in TRANSITIONS if t.correction]
    assert {s for t in fixes for s in t.sources} == {
        Status.APPROVED,
        Status.REJECTED,
        Status.DEFERRED,
    }
    for status in (Status.APPROVED, Status.REJECTED, Status.DEFERRED):
        plain = [t for t in moves(status, Role.SECRETARIAT, False)]
        assert not any(t.correction for t in plain)  # not offered with the plain moves
        bureau = corrections(status, "scheduled", Role.SECRETARIAT)
        assert [t.key for t in bureau] == ["fix_approve", "fix_reject", "fix_defer"]
        assert corrections(status, "scheduled", Role.COMMISSION) == []
        assert corrections(status, "scheduled", Role.APPLICANT) == []
    assert find_correction("rejected", "in_review", "fix_approve", Role.ADMIN) is None
    assert is_correction("approved", "rejected") and is_correction("deferred", "deferred")
    assert not is_correction("deferred", "scheduled") and not is_correction("scheduled", "approved")


def test_what_the_city_will_read_is_drawn_from_the_dossier_after_the_move() -> None:
    approved = case("approved", [BUREAU_APPROVAL], SESSIONS[0])
    approved = Case(**{**approved.__dict__, "granted": Decimal(800_000)})
    fix = find_correction("approved", "scheduled", "fix_reject", Role.SECRETARIAT)
    draft = Draft("dossier", 1, "fix_reject", "approved", note="Erreur de saisie")
    after = foreseen_case(approved, fix, draft, "Paul", at(date(2027, 5, 2)))
    assert after.record.status == "rejected" and after.granted is None
    assert after.history[-1].note == "Erreur de saisie" and len(approved.history) == 1
    again = find_correction("rejected", "scheduled", "fix_approve", Role.SECRETARIAT)
    draft = Draft("dossier", 1, "fix_approve", "rejected", "Le Bureau a accordé", Decimal(750_000))
    assert foreseen_case(after, again, draft, "Paul", at(date(2027, 5, 3))).granted == 750_000


def test_a_pending_decision_survives_the_conversation_state() -> None:
    draft = Draft(
        "emergency", 7, "propose", "acknowledged", "abris", Decimal("50000"), "EUR", "emergency",
        (Decimal(50000), Decimal(50)), "50,000", True, "which", "ab12cd34",
    )  # fmt: skip
    assert Draft.from_data(json.loads(json.dumps(draft.to_data()))) == draft
    assert Draft.from_data(None) is None and Draft.from_data({"kind": "x"}) is None
    assert Draft.from_data({"kind": "dossier", "target": "x", "key": "reject"}) is None
