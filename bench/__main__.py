"""`python -m bench [--updates N] [--warmup N] [--json]`: echo vs. dossier answer step."""

import argparse
import asyncio
import json
import logging
import platform
import sqlite3
import sys
from importlib.metadata import version
from typing import Any

from bench.scenarios import MEASURED_QUESTION, Result, run_answer, run_echo

GOAL = 3.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--updates", type=int, default=2000, help="timed updates per scenario")
    parser.add_argument("--warmup", type=int, default=100, help="untimed updates fed first")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.updates < 2 or args.warmup < 0:
        parser.error("--updates must be at least 2 and --warmup at least 0")
    return args


def environment() -> dict[str, str]:
    return {
        "python": platform.python_version(),
        "aiogram": version("aiogram"),
        "sqlalchemy": version("sqlalchemy"),
        "sqlite": sqlite3.sqlite_version,
    }


def report(echo: Result, answer: Result) -> dict[str, Any]:
    ratio = answer.us_per_update / echo.us_per_update
    return {
        "environment": environment(),
        "answered_question": MEASURED_QUESTION,
        "scenarios": [echo.as_dict(), answer.as_dict()],
        "ratio": ratio,
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
    print(f"{header[0]:<14}" + "".join(f"{h:>12}" for h in header[1:]))
    for row in figures["scenarios"]:
        print(
            f"{row['scenario']:<14}{row['updates']:>12}{row['total_s']:>12.3f}"
            f"{row['updates_per_s']:>12.0f}{row['us_per_update']:>12.1f}"
            f"{row['p50_us']:>12.1f}{row['p95_us']:>12.1f}"
        )
    verdict = "met" if figures["goal_met"] else "NOT met"
    print(f"answer step / echo = {figures['ratio']:.2f}× (goal ≤ {figures['goal']:g}×: {verdict})")


async def main(args: argparse.Namespace) -> dict[str, Any]:
    echo = await run_echo(args.updates, args.warmup)
    answer = await run_answer(args.updates, args.warmup)
    return report(echo, answer)


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    logging.getLogger("aiogram").setLevel(logging.WARNING)
    arguments = parse_args()
    results = asyncio.run(main(arguments))
    if arguments.json:
        print(json.dumps(results, indent=2))
    else:
        print_table(results)
