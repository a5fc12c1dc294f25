"""The one engine of the status machines (bot/domain/machine.py), and its tables: dossiers,
emergencies, registrations, and the grant's three (bot/domain/project.py), which fit it."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.emergency import EMERGENCY_MACHINE, EmergencyStatus
from bot.domain.machine import (
    Machine,
    Needs,
    Party,
    bot_moves,
    edges,
    find,
    may_take,
    move,
    offered,
    reachable,
)
from bot.domain.people import REGISTRATION_MACHINE, Verification
from bot.domain.project import MACHINES as GRANT_TABLES
from bot.domain.project import PROJECT_STATUS_LABELS, REPORT_STATUS_LABELS, TRANCHE_STATUS_LABELS
from bot.domain.roles import Action, Role
from bot.domain.workflow import DOSSIER_MACHINE, Status

MACHINES = (DOSSIER_MACHINE, EMERGENCY_MACHINE, REGISTRATION_MACHINE)

TOY = Machine(
    "toy",
    ("new", "open", "done", "late"),
    (
        move("open", "new", "open", Action.REVIEW_DOSSIERS, "Open", Needs.NOTE, "Why {reference}?"),
        move("finish", ("new", "open"), "done", Party.CITY, "Finish"),
        move("late", "open", "late", Party.BOT),
        move("fix", "done", "open", Action.REVIEW_DOSSIERS, "Fix", correction=True, origin="new"),
    ),
    {},
)


def test_a_move_is_offered_from_each_of_its_statuses_to_whoever_may_take_it() -> None:
    assert [m.key for m in offered(TOY, "new", Role.SECRETARIAT, False)] == ["open"]
    assert [m.key for m in offered(TOY, "new", Role.APPLICANT, True)] == ["finish"]
    assert [m.key for m in offered(TOY, "open", Role.APPLICANT, True)] == ["finish"]
    assert offered(TOY, "open", Role.COMMISSION, False) == []  # without the right
    assert offered(TOY, "done", Role.ADMIN, True) == []  # the correction is offered apart
    assert [m.key for m in offered(TOY, "done", Role.ADMIN, False, "new", True)] == ["fix"]
    assert offered(TOY, "done", Role.ADMIN, False, "open", True) == []  # another origin


def test_a_pressed_move_is_looked_up_again_with_the_status_and_the_right_now() -> None:
    assert find(TOY, "new", "open", Role.SECRETARIAT, False) is not None
    assert find(TOY, "open", "open", Role.SECRETARIAT, False) is None  # stale
    assert find(TOY, "new", "open", Role.PRESIDENCY, False) is None  # not theirs
    assert find(TOY, "new", "finish", Role.SECRETARIAT, False) is None  # not of the city
    assert find(TOY, "open", "late", Role.ADMIN, True) is None  # the bot's own
    assert find(TOY, "new", "forged", Role.ADMIN, True) is None


def test_the_bots_moves_are_never_offered_and_are_found_apart() -> None:
    assert [m.key for m in bot_moves(TOY, "open")] == ["late"]
    assert bot_moves(TOY, "new") == []
    late = bot_moves(TOY, "open")[0]
    assert not may_take(late, Role.ADMIN, True)


def test_edges_and_reachable_statuses() -> None:
    assert ("open", "done", TOY.moves[1]) in edges(TOY)
    assert reachable(TOY) == {"new", "open", "done", "late"}


@pytest.mark.parametrize("machine", MACHINES, ids=lambda m: m.name)
def test_every_table_is_whole(machine: Machine) -> None:
    """Every move leads between the machine's statuses, each status can be reached, each button
    has a label, and each move that needs something asks for it."""
    statuses = set(machine.statuses)
    for m in machine.moves:
        assert set(m.sources) <= statuses and m.target in statuses, m
        assert m.label or m.who == Party.BOT, m
        if m.needs in (Needs.NOTE, Needs.AMOUNT, Needs.PROPOSAL, Needs.SESSION) or m.correction:
            assert m.prompt, m  # what the one move handler asks
    assert reachable(machine) == statuses
    assert not machine.labels or set(machine.labels) == statuses


@pytest.mark.parametrize("machine", MACHINES, ids=lambda m: m.name)
@given(role=st.sampled_from([*Role, None]), of_the_city=st.booleans(), data=st.data())
def test_what_is_offered_is_exactly_what_is_found_again(
    machine: Machine, role: Role | None, of_the_city: bool, data: st.DataObject
) -> None:
    """A button offered is taken when pressed; a key not offered (stale, forged, another's) is
    never found, whatever the status, role or key."""
    status = data.draw(st.sampled_from(machine.statuses))
    key = data.draw(st.sampled_from([m.key for m in machine.moves] + ["", "x" * 40]))
    shown = offered(machine, status, role, of_the_city)
    found = find(machine, status, key, role, of_the_city)
    if any(m.key == key for m in shown):
        assert found is not None and found.key == key and status in found.sources
        assert may_take(found, role, of_the_city)
    else:
        assert found is None


def test_the_tables_keep_their_buttons_in_order() -> None:
    staff = [m.key for m in offered(DOSSIER_MACHINE, Status.SCHEDULED, Role.SECRETARIAT, False)]
    assert staff == ["approve", "reject", "defer"]
    city = [m.key for m in offered(DOSSIER_MACHINE, Status.CHANGES_REQUESTED, None, True)]
    assert city == ["resubmit", "withdraw"]
    presidency = offered(EMERGENCY_MACHINE, EmergencyStatus.PROPOSED, Role.PRESIDENCY, False)
    assert [m.key for m in presidency] == ["approve", "other", "reject"]
    staff = offered(EMERGENCY_MACHINE, EmergencyStatus.ACKNOWLEDGED, Role.SECRETARIAT, False)
    assert [m.key for m in staff] == ["propose", "close"]
    pending = offered(REGISTRATION_MACHINE, Verification.PENDING, Role.SECRETARIAT, False)
    assert [(m.key, m.needs) for m in pending] == [("ok", Needs.NOTHING), ("no", Needs.NOTE)]
    assert offered(REGISTRATION_MACHINE, Verification.PENDING, Role.COMMISSION, False) == []


@pytest.mark.parametrize("name", sorted(GRANT_TABLES))
def test_the_grants_tables_fit_the_engine(name: str) -> None:
    """PROJECT_MOVES, TRANCHE_MOVES and REPORT_MOVES map row for row onto the engine's moves
    (see bot.domain.diagrams `grant_machine`): the same offers and the same bot moves."""
    from bot.domain.diagrams import grant_machine
    from bot.domain.project import bot_move, grant_moves

    machine = grant_machine(name)
    labels = {"project": PROJECT_STATUS_LABELS, "tranche": TRANCHE_STATUS_LABELS,
              "report": REPORT_STATUS_LABELS}[name]  # fmt: skip
    assert set(machine.statuses) == set(labels)
    table = GRANT_TABLES[name]
    for status in machine.statuses:
        for origin in (None, *machine.statuses):
            for role in (Role.SECRETARIAT, Role.APPLICANT):
                for city in (True, False):
                    theirs = [m.key for m in grant_moves(table, status, role, city, origin)]
                    ours = [m.key for m in offered(machine, status, role, city, origin)]
                    assert theirs == ours
            for m in table:
                if bot_move(table, status, m.key) is not None:
                    assert m.key in [b.key for b in bot_moves(machine, status, origin)]
