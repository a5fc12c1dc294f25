"""docs/status-machines.md is what the tables draw: a table changed without running
`python -m bot.domain.diagrams` fails here."""

from bot.domain import diagrams
from bot.domain.machine import Machine, Party, move


def test_the_page_of_diagrams_is_up_to_date() -> None:
    assert diagrams.PAGE.read_text(encoding="utf-8") == diagrams.page(), (
        "run `make diagrams` (python -m bot.domain.diagrams) and commit docs/status-machines.md"
    )


def test_every_machine_is_drawn_with_every_move() -> None:
    page = diagrams.page()
    assert page.count("stateDiagram-v2") == 6
    for machine in diagrams.machines():
        assert f"## {machine.name.capitalize()}" in page
        for source, target, m in diagrams.edges(machine):
            assert f"    {source} --> {target}: {m.key} (" in page


def test_a_diagram_draws_the_start_each_move_and_what_it_needs() -> None:
    toy = Machine(
        "toy",
        ("new", "done"),
        (move("finish", "new", "done", Party.CITY, "Finish", diagrams.Needs.NOTE),),
        {"new": "New"},
    )
    assert diagrams.diagram(toy).splitlines() == [
        "```mermaid",
        "stateDiagram-v2",
        "    [*] --> new",
        "    new: new — New",
        "    new --> done: finish (city) +note",
        "```",
    ]
