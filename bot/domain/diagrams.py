"""The status machines drawn from their tables: `python -m bot.domain.diagrams` (or `make
diagrams`) writes docs/status-machines.md, one Mermaid stateDiagram-v2 per machine;
tests/unit/test_diagrams.py fails when the page is not what the tables draw.

The grant's three tables (bot/domain/project.py) are read as the engine's machines by
`grant_machine`: a `GrantMove` is a `Move` with one source, its `by` a right or a party (staff:
the right to review dossiers; the city; the bot) and its `needs` the engine's of the same name."""

import sys
from pathlib import Path

from bot.domain.emergency import EMERGENCY_MACHINE
from bot.domain.machine import Machine, Move, Needs, Party, edges
from bot.domain.people import REGISTRATION_MACHINE
from bot.domain.project import (
    MACHINES,
    PROJECT_STATUS_LABELS,
    REPORT_STATUS_LABELS,
    TRANCHE_STATUS_LABELS,
    Actor,
    GrantMove,
    ProjectStatus,
    ReportStatus,
    TrancheStatus,
)
from bot.domain.roles import Action
from bot.domain.workflow import DOSSIER_MACHINE

PAGE = Path(__file__).resolve().parents[2] / "docs" / "status-machines.md"
GRANT_STATUSES = {
    "project": (tuple(ProjectStatus), PROJECT_STATUS_LABELS),
    "tranche": (tuple(TrancheStatus), TRANCHE_STATUS_LABELS),
    "report": (tuple(ReportStatus), REPORT_STATUS_LABELS),
}
GRANT_WHO = {Actor.STAFF: Action.REVIEW_DOSSIERS, Actor.CITY: Party.CITY, Actor.BOT: Party.BOT}


def grant_move(row: GrantMove) -> Move:
    return Move(
        row.key, (row.source,), row.target, GRANT_WHO[row.by], row.label, Needs(row.needs.value),
        origin=row.origin,
    )  # fmt: skip


def grant_machine(name: str) -> Machine:
    statuses, labels = GRANT_STATUSES[name]
    return Machine(name, statuses, tuple(grant_move(m) for m in MACHINES[name]), labels)


def machines() -> list[Machine]:
    grant = [grant_machine(name) for name in MACHINES]
    return [DOSSIER_MACHINE, EMERGENCY_MACHINE, REGISTRATION_MACHINE, *grant]


WHERE = {
    "dossier": "bot/domain/workflow.py",
    "emergency": "bot/domain/emergency.py",
    "registration": "bot/domain/people.py",
    "project": "bot/domain/project.py",
    "tranche": "bot/domain/project.py",
    "report": "bot/domain/project.py",
}


def _who(move: Move) -> str:
    return move.who.value if isinstance(move.who, Party) else move.who.value.replace("_", " ")


def _edge(move: Move) -> str:
    """A transition's words: the move's key, who takes it, what it needs."""
    words = [move.key, f"({_who(move)})"]
    if move.needs != Needs.NOTHING:
        words.append(f"+{move.needs.value}")
    if move.correction:
        words.append("correction")
    if move.origin is not None:
        words.append(f"if from {move.origin}")
    return " ".join(words)


def _state(status: str) -> str:
    """Mermaid's name for a state: words only (a status such as "draft" is its own name)."""
    return status.replace("-", "_")


def diagram(machine: Machine) -> str:
    lines = ["```mermaid", "stateDiagram-v2", f"    [*] --> {_state(machine.initial)}"]
    for status in machine.statuses:
        label = machine.labels.get(status)
        if label:
            lines.append(f"    {_state(status)}: {status} — {label}")
    for source, target, move in edges(machine):
        lines.append(f"    {_state(source)} --> {_state(target)}: {_edge(move)}")
    lines.append("```")
    return "\n".join(lines)


def page() -> str:
    parts = [
        "# Status machines",
        "",
        "Drawn from the tables of the one engine (`bot/domain/machine.py`) by "
        "`python -m bot.domain.diagrams` (`make diagrams`); `tests/unit/test_diagrams.py` fails "
        "when this page is out of date, so do not edit it by hand: change the table and run the "
        "command.",
        "",
        "Each arrow is a move: its key (the button's callback data), who takes it (a right of "
        "the RIGHTS table in `bot/domain/roles.py`, `city`: an official of the record's city, "
        "`bot`: the bot itself, never a button), and what it needs before it is taken (`+note`, "
        "`+amount`, …). A `correction` is offered apart (✏️ Correct the decision); `if from X`: "
        "only when the record came to its status from X. How a move is taken, and how to add a "
        "status: [review.md](review.md#statuses-and-moves).",
    ]
    for machine in machines():
        parts += ["", f"## {machine.name.capitalize()}", "", f"Table: `{WHERE[machine.name]}`.", ""]
        parts.append(diagram(machine))
    return "\n".join(parts) + "\n"


def main() -> None:
    PAGE.write_text(page(), encoding="utf-8")
    sys.stdout.write(f"wrote {PAGE}\n")


if __name__ == "__main__":
    main()
