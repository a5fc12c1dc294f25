"""The one engine of every status machine: a table of moves, each with the statuses it is taken
from, the status it leads to, who takes it (a right of the RIGHTS table, the record's city, or the
bot itself), what it needs before it is taken, its button's label and its prompt.

Dossiers (bot/domain/workflow.py), emergencies (bot/domain/emergency.py) and registrations
(bot/domain/people.py) are tables of it. Only the moves of a table are offered (`offered`), and a
pressed move is looked up again, with the presser's role and the record's status now (`find`),
before anything changes; the bot's own moves (a condition met, a date come) are never offered
(`bot_moves`). To add a status: add it to the machine's statuses and add the moves into and out of
it to its table; the buttons, the checks and the diagrams (docs/status-machines.md) follow."""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.refusals import Refused
from bot.domain.roles import Action, may


class StatusRefused(Refused):
    """A move a use case did not take; nothing was written. Codes (the words are in
    bot/screens/errors.py `refused_text`, said by the one glue in bot/telegram/refusals.py):
    `moved`: the record is no longer in a status the move is taken from (someone was quicker, the
    button was old or forged), with `reference` and `label` (its status now, an N_ string);
    `stale`: likewise, from the status a preview showed ("Nothing was recorded or sent");
    `unavailable`: no such record for this person; `not_yours`: not this person's to take."""


class Party(StrEnum):
    """Who takes a move when it is not a right of the RIGHTS table."""

    CITY = "city"  # an official of the record's city (which the caller decides: access.py)
    BOT = "bot"  # the bot itself: a condition met, a date come; never offered as a button


class Needs(StrEnum):
    """What a move needs before it is taken (asked by the one move handler, then previewed)."""

    NOTHING = ""
    FORM = "form"  # every required answer of the record's form (the questionnaire's submit)
    NOTE = "note"  # a reason, what must change, a closing note
    AMOUNT = "amount"  # an amount (granted, or another amount approved)
    SESSION = "session"  # the Bureau session a dossier goes to
    PROPOSAL = "proposal"  # the phase, then an amount, its currency and the purpose
    CONFIRMATION = "confirmation"  # an explicit yes to exactly what is shown
    PAYMENT = "payment"  # the date, the amount and the bank reference
    DIFFERENCE = "difference"  # the amount that arrived, and a note
    ITEMS = "items"  # the items to revise, and a note


@dataclass(frozen=True)
class Move:
    key: str  # what a button names (with the record); short, for callback data
    sources: tuple[str, ...]  # the statuses it is taken from
    target: str
    who: Action | Party
    label: str = ""  # the button's label (an N_ string); "" for the bot's moves
    needs: Needs = Needs.NOTHING
    prompt: str = ""  # the question asking what it needs (an N_ string; {reference})
    # Offered apart from the others (a correction of a recorded decision: it always needs a
    # reason besides what its target needs).
    correction: bool = False
    # Taken only when the record came to its status from `origin` (the status a corrected
    # decision was taken from; the status a suspended project resumes to).
    origin: str | None = None

    @property
    def by_staff(self) -> bool:
        return isinstance(self.who, Action)

    def takes_from(self, status: str, origin: str | None = None) -> bool:
        return status in self.sources and (self.origin is None or self.origin == origin)


def move(
    key: str,
    source: str | tuple[str, ...],
    target: str,
    who: Action | Party,
    label: str = "",
    needs: Needs = Needs.NOTHING,
    prompt: str = "",
    *,
    correction: bool = False,
    origin: str | None = None,
) -> Move:
    """A row of a table: `source` one status or several."""
    sources = (source,) if isinstance(source, str) else tuple(source)
    return Move(key, sources, target, who, label, needs, prompt, correction, origin)


@dataclass(frozen=True)
class Machine:
    name: str  # the rooms' name for it (callback data, history entries, the diagrams' headings)
    statuses: tuple[str, ...]  # every status, the first one where a record starts
    moves: tuple[Move, ...]
    labels: Mapping[str, str]  # each status's label (N_ strings)

    @property
    def initial(self) -> str:
        return self.statuses[0]


def may_take(move: Move, role: str | None, of_the_city: bool) -> bool:
    """A right of the RIGHTS table, for the person's stored role; the city's moves, an official
    of the record's city; the bot's, nobody."""
    if isinstance(move.who, Action):
        return may(role, move.who)
    if move.who == Party.CITY:
        return of_the_city
    return False


def offered(
    machine: Machine,
    status: str,
    role: str | None,
    of_the_city: bool,
    origin: str | None = None,
    corrections: bool = False,
) -> list[Move]:
    """The moves this person may take on a record in `status` now, in the table's order (the
    order of the buttons); `corrections`: those offered apart instead."""
    return [
        m
        for m in machine.moves
        if m.correction == corrections
        and m.takes_from(status, origin)
        and may_take(m, role, of_the_city)
    ]


def find(
    machine: Machine,
    status: str,
    key: str,
    role: str | None,
    of_the_city: bool,
    origin: str | None = None,
    corrections: bool = False,
) -> Move | None:
    """The move a button names, if this person may take it now; None otherwise (a stale or
    forged button)."""
    moves = offered(machine, status, role, of_the_city, origin, corrections)
    return next((m for m in moves if m.key == key), None)


def bot_moves(machine: Machine, status: str, origin: str | None = None) -> list[Move]:
    """The moves the bot takes itself from `status` (a condition met, a date come)."""
    return [m for m in machine.moves if m.who == Party.BOT and m.takes_from(status, origin)]


def edges(machine: Machine) -> list[tuple[str, str, Move]]:
    """Every (from, to, move) of the table, in its order: what a diagram draws."""
    return [(source, m.target, m) for m in machine.moves for source in m.sources]


def reachable(machine: Machine) -> set[str]:
    """The statuses a record can reach from where it starts."""
    seen, todo = {machine.initial}, [machine.initial]
    while todo:
        status = todo.pop()
        for source, target, _m in edges(machine):
            if source == status and target not in seen:
                seen.add(target)
                todo.append(target)
    return seen
