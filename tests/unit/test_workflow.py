"""Statuses and who may move them: one table, checked again whenever a move is taken."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.fund_form import FUND_FORM
from bot.domain.machine import Party
from bot.domain.review import QueueFilter, changed_answers, parse_filter
from bot.domain.roles import Action, Role, effective_role, may
from bot.domain.workflow import TRANSITIONS, Needs, Status, find_move, moves
from testkit.factories import complete_answers

STAFF_MOVES = {
    Status.SUBMITTED: {"review"},
    Status.IN_REVIEW: {"changes", "eligible", "reject"},
    Status.ELIGIBLE: {"schedule"},
    Status.SCHEDULED: {"approve", "reject", "defer"},
    Status.DEFERRED: {"schedule"},
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("status", list(Status))
def test_every_role_in_every_status_gets_exactly_its_moves(role: Role, status: Status) -> None:
    staff = {t.key for t in moves(status, role, of_the_city=False)}
    expected = STAFF_MOVES.get(status, set()) if role in (Role.SECRETARIAT, Role.ADMIN) else set()
    assert staff == expected
    city = {t.key for t in moves(status, Role.APPLICANT, of_the_city=True)}
    if status == Status.DRAFT:
        assert city == {"submit"}  # the questionnaire's (bot/services/dossiers.py)
    elif status == Status.CHANGES_REQUESTED:
        assert city == {"resubmit", "withdraw"}
    elif status in (Status.SUBMITTED, Status.IN_REVIEW, Status.ELIGIBLE, Status.SCHEDULED,
                    Status.DEFERRED):  # fmt: skip
        assert city == {"withdraw"}
    else:
        assert city == set()  # a decided or withdrawn dossier cannot be moved
    assert moves(status, Role.APPLICANT, of_the_city=False) == []  # another city's official


def test_a_move_named_by_a_button_is_taken_only_if_the_table_allows_it_now() -> None:
    assert find_move(Status.IN_REVIEW, "eligible", Role.SECRETARIAT, False) is not None
    assert find_move(Status.SUBMITTED, "eligible", Role.SECRETARIAT, False) is None  # stale
    assert find_move(Status.IN_REVIEW, "eligible", Role.COMMISSION, False) is None
    assert find_move(Status.IN_REVIEW, "eligible", Role.PRESIDENCY, False) is None
    assert find_move(Status.IN_REVIEW, "approve", Role.ADMIN, False) is None
    assert find_move(Status.IN_REVIEW, "no-such-move", Role.ADMIN, False) is None


def test_what_each_move_needs() -> None:
    needs = {(s, t.key): t.needs for t in TRANSITIONS for s in t.sources}
    assert needs[Status.IN_REVIEW, "changes"] == Needs.NOTE
    assert needs[Status.SCHEDULED, "approve"] == Needs.AMOUNT
    assert needs[Status.ELIGIBLE, "schedule"] == Needs.SESSION
    assert all(t.who == Party.CITY for t in TRANSITIONS if t.key in ("withdraw", "resubmit"))


def test_rights_per_role() -> None:
    assert may(Role.ADMIN, Action.REVIEW_DOSSIERS) and may(Role.ADMIN, Action.MANAGE_STAFF)
    assert not may(Role.ADMIN, Action.DECIDE_EMERGENCY_AID)  # the Presidency's alone
    assert may(Role.PRESIDENCY, Action.DECIDE_EMERGENCY_AID)
    assert not may(Role.SECRETARIAT, Action.MANAGE_STAFF)
    assert not may(Role.COMMISSION, Action.REVIEW_DOSSIERS)
    assert not may(Role.APPLICANT, Action.REVIEW_DOSSIERS)
    assert not may("forged", Action.REVIEW_DOSSIERS) and not may(None, Action.SEE_OUTBOX)
    assert effective_role("applicant", 7, (7,)) == Role.ADMIN
    assert effective_role("nonsense", 8, (7,)) == Role.APPLICANT


@given(
    status=st.sampled_from([None, *Status]),
    country=st.sampled_from([None, "SN", "LB"]),
    sector=st.sampled_from([None, "water", "civil_registry"]),
    session=st.one_of(st.none(), st.integers(1, 10**6)),
    flagged=st.booleans(),
    page=st.integers(0, 10_000),
)
def test_a_queue_filter_survives_a_button(status, country, sector, session, flagged, page) -> None:
    wanted = QueueFilter(status, country, sector, session, flagged, page)
    packed = wanted.pack()
    assert len(f"s:queue:0:{packed}".encode()) <= 64
    assert QueueFilter.unpack(packed) == wanted


@given(st.text(max_size=60))
def test_a_forged_queue_value_gives_a_valid_filter(value: str) -> None:
    wanted = QueueFilter.unpack(value)
    assert wanted.status in (None, *Status) and wanted.page >= 0


def test_queue_words() -> None:
    """Codes, labels of several words, the start of one label, a country in any language; the
    words that mean nothing are returned, never silently dropped."""
    vocabulary = {
        "in review": ("status", "in_review"),
        "en cours d examen": ("status", "in_review"),
        "marches": ("sector", "markets"),
        "water": ("sector", "water"),
        "xof": ("currency", "XOF"),
        "28 avril 2027": ("session_id", 3),
        "flagged": ("flagged", True),
    }
    wanted, unknown = parse_filter("in_review Sénégal water 28 avril 2027 flagged", vocabulary)
    assert wanted == QueueFilter("in_review", "SN", "water", 3, True) and unknown == []
    wanted, unknown = parse_filter("en_cours Marchés السنغال xof", vocabulary)
    assert wanted == QueueFilter("in_review", "SN", "markets", currency="XOF") and unknown == []
    assert parse_filter("gibberish water", vocabulary) == (
        QueueFilter(sector="water"),
        ["gibberish"],
    )
    packed = QueueFilter("approved", "SN", "markets", 3, True, 2, "XOF")
    assert QueueFilter.unpack(packed.pack()) == packed


def test_changed_answers_between_two_submissions() -> None:
    before = complete_answers()
    after = complete_answers(title="New title", district="Plateau", partners=[])
    changes = changed_answers(FUND_FORM, before, after)
    assert [(c.question.key, c.old, c.new) for c in changes] == [
        ("title", before["title"], "New title"),
        ("district", "Medina", "Plateau"),
    ]
