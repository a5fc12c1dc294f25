"""`python -m bench [--updates N] [--warmup N] [--json]`: echo vs. dossier answer step.

Reference rows say where the step's cost goes: "echo same reply" is a bare echo sending the step's
own reply (the next question and its keyboard), "storage only" the step's read, two writes and
commit through SQLAlchemy Core with nothing else, "sqlite3 only" the same statements in sqlite3.
"echo same reply" plus "storage only", over the echo, is the least ratio any answer step could reach
with aiogram and SQLAlchemy, before doing any work of its own.

The scenarios take turns in rounds (a share of the updates each, every round), so a change in the
machine's speed during the run weighs on all of them alike.
"""

import argparse
import asyncio
import json
import logging
import platform
import sqlite3
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bench.feeding import Result
from bench.references import Sqlite3Only, StorageOnly
from bench.scenarios import MEASURED_QUESTION, AnswerStep, Echo

GOAL = 3.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--updates", type=int, default=2000, help="timed updates per scenario")
    parser.add_argument("--warmup", type=int, default=100, help="untimed updates fed first")
    parser.add_argument("--rounds", type=int, default=5, help="turns the scenarios take")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--no-outbox", action="store_true", help="skip the outbox delivery bench")
    parser.add_argument("--outbox-only", action="store_true", help="only the outbox bench")
    args = parser.parse_args(argv)
    if args.updates < 2 or args.warmup < 0 or not 1 <= args.rounds <= args.updates:
        parser.error("--updates ≥ 2, --warmup ≥ 0 and 1 ≤ --rounds ≤ --updates")
    return args


def environment() -> dict[str, str]:
    return {
        "python": platform.python_version(),
        "aiogram": version("aiogram"),
        "sqlalchemy": version("sqlalchemy"),
        "sqlite": sqlite3.sqlite_version,
    }


def report(results: dict[str, Result]) -> dict[str, Any]:
    echo, step = results["bare echo"], results["answer step"]
    ratio = step.us_per_update / echo.us_per_update
    least = results["echo same reply"].us_per_update + results["storage only"].us_per_update
    return {
        "environment": environment(),
        "answered_question": MEASURED_QUESTION,
        "scenarios": [result.as_dict() for result in results.values()],
        "ratio": ratio,
        "floor_ratio": least / echo.us_per_update,
        "goal": GOAL,
        "goal_met": ratio <= GOAL,
    }


def print_table(figures: dict[str, Any]) -> None:
    env = figures["environment"]
    print(
        f"Python {env['python']} · aiogram {env['aiogram']} · SQLAlchemy {env['sqlalchemy']}"
        f" · SQLite {env['sqlite']}"
    )
    header = ("scenario", "updates", "total s", "updates/s", "µs/update", "p50 µs", "p95 µs")
    print(f"{header[0]:<16}" + "".join(f"{h:>12}" for h in header[1:]))
    for row in figures["scenarios"]:
        print(
            f"{row['scenario']:<16}{row['updates']:>12}{row['total_s']:>12.3f}"
            f"{row['updates_per_s']:>12.0f}{row['us_per_update']:>12.1f}"
            f"{row['p50_us']:>12.1f}{row['p95_us']:>12.1f}"
        )
    verdict = "met" if figures["goal_met"] else "NOT met"
    print(f"answer step / echo = {figures['ratio']:.2f}× (goal ≤ {figures['goal']:g}×: {verdict})")
    print(
        f"(echo same reply + storage only) / echo = {figures['floor_ratio']:.2f}×:"
        " the least any answer step could cost with this stack"
    )


async def main(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-") as directory:
        step = AnswerStep(Path(directory))
        await step.prepare()
        await step.run(max(args.warmup, 1))  # and its reply is known from here on
        person = step.person()
        scenarios = [
            Echo(),
            Echo(reply=step.reply()),
            Sqlite3Only(step.database, person, step.dossier_id),
            StorageOnly(step.engine, person, step.dossier_id),
            step,
        ]
        try:
            samples: dict[str, list[float]] = {s.name: [] for s in scenarios}
            for scenario in scenarios[:-1]:
                await scenario.run(args.warmup)
            for share in shares(args.updates, args.rounds):
                for scenario in scenarios:
                    samples[scenario.name] += await scenario.run(share)
        finally:
            for scenario in scenarios:
                await scenario.close()
    return report({name: Result.of(name, taken) for name, taken in samples.items()})


def shares(total: int, rounds: int) -> list[int]:
    """`total` split into `rounds` near-equal parts."""
    return [total // rounds + (1 if i < total % rounds else 0) for i in range(rounds)]


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    logging.getLogger("aiogram").setLevel(logging.WARNING)
    arguments = parse_args()
    if not arguments.outbox_only:
        results = asyncio.run(main(arguments))
        if arguments.json:
            print(json.dumps(results, indent=2))
        else:
            print_table(results)
    if not arguments.no_outbox:  # bench/outbox.py: delivery within Telegram's limits (~80 s)
        from bench import outbox

        rows = asyncio.run(outbox.main())
        print(json.dumps(rows, indent=2)) if arguments.json else outbox.print_table(rows)
