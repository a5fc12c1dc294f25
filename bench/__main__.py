"""`python -m bench [--updates N] [--warmup N] [--rounds N] [--json]`: the answer step against
what any aiogram + SQLAlchemy bot pays for the same screen and the same durable write; then the
dossier's PDF (bench/documents.py, `--no-pdf` to skip) and the outbox (`--no-outbox`).

Reference rows: "bare echo" is an echo handler; "echo same reply" the same echo sending the step's
own reply (the next question and its keyboard); "storage only" the step's read, write and commit
through SQLAlchemy Core with nothing else; "sqlite3 only" the same statements in sqlite3. The goal:
an answer step costs at most 2× (echo same reply + storage only), on SQLite and, when
TEST_DATABASE_URL names a PostgreSQL database (whose schema `public` the bench empties), on
PostgreSQL too.

The scenarios take turns in rounds (a share of the updates each, every round), so a change in the
machine's speed during the run weighs on all of them alike.
"""

import argparse
import asyncio
import json
import logging
import os
import platform
import sqlite3
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import text

from bench.feeding import Result
from bench.references import Sqlite3Only, StorageOnly
from bench.scenarios import MEASURED_QUESTION, AnswerStep, Echo

GOAL = 2.0
ECHO_SAME_REPLY = "echo same reply"
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")


class Scenario(Protocol):
    name: str
    backend: str

    async def run(self, count: int) -> list[float]: ...

    async def close(self) -> None: ...


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--updates", type=int, default=2000, help="timed updates per scenario")
    parser.add_argument("--warmup", type=int, default=100, help="untimed updates fed first")
    parser.add_argument("--rounds", type=int, default=5, help="turns the scenarios take")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--no-outbox", action="store_true", help="skip the outbox delivery bench")
    parser.add_argument("--outbox-only", action="store_true", help="only the outbox benches")
    parser.add_argument("--no-pdf", action="store_true", help="skip the dossier PDF bench")
    parser.add_argument("--pdfs", type=int, default=20, help="PDFs drawn per language")
    parser.add_argument("--no-sheets", action="store_true", help="skip the XLSX export bench")
    parser.add_argument("--sheets-only", action="store_true", help="only the XLSX export bench")
    parser.add_argument(
        "--http", action="store_true", help="only the HTTP bench: bot processes vs an echo bot"
    )
    parser.add_argument(
        "--years",
        action="store_true",
        help="only the ten-year database bench: today's actions with and without the history",
    )
    parser.add_argument(
        "--memory", action="store_true", help="only the resident memory figures (~1 min)"
    )
    parser.add_argument("--cycles", type=int, default=10, help="HTTP bench: cycles per person")
    parser.add_argument("--profile", action="store_true", help="HTTP bench under pyinstrument")
    parser.add_argument(
        "--pace",
        choices=["realistic", "saturated"],
        action="append",
        help="HTTP bench: only this pace (realistic: new people, a pause after each reply)",
    )
    parser.add_argument(
        "--run", action="append", help='HTTP bench: only this run ("polling SQLite", ...)'
    )
    parser.add_argument(
        "--no-emergency", action="store_true", help="skip the emergency alert bench (~40 s)"
    )
    args = parser.parse_args(argv)
    if args.updates < 2 or args.warmup < 0 or not 1 <= args.rounds <= args.updates:
        parser.error("--updates ≥ 2, --warmup ≥ 0 and 1 ≤ --rounds ≤ --updates")
    return args


def environment(postgres_version: str | None) -> dict[str, str]:
    env = {
        "python": platform.python_version(),
        "aiogram": version("aiogram"),
        "sqlalchemy": version("sqlalchemy"),
        "sqlite": sqlite3.sqlite_version,
    }
    if postgres_version:
        env["postgresql"] = postgres_version
    return env


def ratios(results: list[Result]) -> list[dict[str, Any]]:
    """Per database: answer step / (echo same reply + storage only), against the goal."""
    echo = next(r for r in results if r.scenario == ECHO_SAME_REPLY)
    rows = []
    for step in (r for r in results if r.scenario == AnswerStep.name):
        storage = next(
            r for r in results if r.scenario == StorageOnly.name and r.backend == step.backend
        )
        floor = echo.us_per_update + storage.us_per_update
        ratio = step.us_per_update / floor
        rows.append(
            {
                "backend": step.backend,
                "floor_us": floor,
                "step_us": step.us_per_update,
                "step_p95_us": step.p95_us,
                "ratio": ratio,
                # The same ratio of medians: less swayed by the machine's other work.
                "p50_ratio": step.p50_us / (echo.p50_us + storage.p50_us),
                "goal_met": ratio <= GOAL,
            }
        )
    return rows


def report(results: list[Result], postgres_version: str | None = None) -> dict[str, Any]:
    per_backend = ratios(results)
    return {
        "environment": environment(postgres_version),
        "answered_question": MEASURED_QUESTION,
        "scenarios": [result.as_dict() for result in results],
        "goal": GOAL,
        "ratios": per_backend,
        "goal_met": all(row["goal_met"] for row in per_backend),
    }


def print_table(figures: dict[str, Any]) -> None:
    env = figures["environment"]
    line = (
        f"Python {env['python']} · aiogram {env['aiogram']} · SQLAlchemy {env['sqlalchemy']}"
        f" · SQLite {env['sqlite']}"
    )
    if "postgresql" in env:
        line += f" · PostgreSQL {env['postgresql']}"
    print(line)
    header = ("scenario", "database", "updates", "total s", "updates/s", "µs/update")
    header += ("p50 µs", "p95 µs")
    print(f"{header[0]:<16}{header[1]:<12}" + "".join(f"{h:>11}" for h in header[2:]))
    for row in figures["scenarios"]:
        print(
            f"{row['scenario']:<16}{row['backend'] or '-':<12}{row['updates']:>11}"
            f"{row['total_s']:>11.3f}{row['updates_per_s']:>11.0f}{row['us_per_update']:>11.1f}"
            f"{row['p50_us']:>11.1f}{row['p95_us']:>11.1f}"
        )
    for row in figures["ratios"]:
        verdict = "met" if row["goal_met"] else "NOT met"
        print(
            f"{row['backend']}: answer step / (echo same reply + storage only)"
            f" = {row['step_us']:.0f} / {row['floor_us']:.0f} µs = {row['ratio']:.2f}×"
            f" (goal ≤ {figures['goal']:g}×: {verdict});"
            f" answer step p95 {row['step_p95_us']:.0f} µs;"
            f" same ratio of p50s {row['p50_ratio']:.2f}×"
        )


async def postgres_version(step: AnswerStep) -> str:
    async with step.engine.connect() as connection:
        return str(await connection.scalar(text("SHOW server_version")))


async def main(args: argparse.Namespace, postgres_url: str | None = POSTGRES_URL) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-") as directory:
        sqlite_dir = Path(directory) / "sqlite"
        sqlite_dir.mkdir()
        steps = [AnswerStep(sqlite_dir)]
        if postgres_url:
            steps.append(AnswerStep(Path(directory) / "postgresql", postgres_url))
        scenarios: list[Scenario] = []
        try:
            for step in steps:
                await step.prepare()
                await step.run(max(args.warmup, 1))  # and its reply is known from here on
            first = steps[0]
            scenarios = [
                Echo(),
                Echo(reply=first.reply()),
                Sqlite3Only(first.database, first.person(), first.dossier_id),
            ]
            for step in steps:
                scenarios.append(
                    StorageOnly(step.engine, step.person(), step.dossier_id, step.backend)
                )
                scenarios.append(step)
            pg_version = await postgres_version(steps[1]) if postgres_url else None
            samples: dict[tuple[str, str], list[float]] = {
                (s.name, s.backend): [] for s in scenarios
            }
            for scenario in scenarios:
                if not isinstance(scenario, AnswerStep):  # the steps had their warm-up
                    await scenario.run(args.warmup)
            for share in shares(args.updates, args.rounds):
                for scenario in scenarios:
                    samples[scenario.name, scenario.backend] += await scenario.run(share)
        finally:
            for scenario in scenarios:
                await scenario.close()
            for step in steps:
                if step not in scenarios:
                    await step.close()
    results = [Result.of(name, backend, taken) for (name, backend), taken in samples.items()]
    return report(results, pg_version)


def shares(total: int, rounds: int) -> list[int]:
    """`total` split into `rounds` near-equal parts."""
    return [total // rounds + (1 if i < total % rounds else 0) for i in range(rounds)]


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    logging.getLogger("aiogram").setLevel(logging.WARNING)
    arguments = parse_args()
    if arguments.http:  # bench/http.py: over real HTTP, processes (a few minutes)
        from bench import http

        figures = asyncio.run(
            http.main(
                arguments.cycles,
                POSTGRES_URL,
                os.environ.get("TEST_REDIS_URL"),
                arguments.profile,
                arguments.run,
                tuple(arguments.pace or ("realistic", "saturated")),
            )
        )
        print(json.dumps(figures, indent=2)) if arguments.json else http.print_table(figures)
        raise SystemExit(0)
    if arguments.years:  # bench/years.py: ten years of history against today's work (~1 min)
        from bench import years

        figures = asyncio.run(years.main(POSTGRES_URL))
        print(json.dumps(figures, indent=2)) if arguments.json else years.print_table(figures)
        raise SystemExit(0)
    if arguments.memory:  # bench/memory.py: each figure in a process of its own
        from bench import memory

        row = asyncio.run(memory.main())
        print(json.dumps(row, indent=2)) if arguments.json else memory.print_row(row)
        raise SystemExit(0)
    only = arguments.outbox_only or arguments.sheets_only
    if not only:
        results = asyncio.run(main(arguments))
        if arguments.json:
            print(json.dumps(results, indent=2))
        else:
            print_table(results)
    if not (arguments.no_pdf or only):  # bench/documents.py
        from bench import documents

        pdf_rows = documents.run(arguments.pdfs)
        print(json.dumps(pdf_rows, indent=2)) if arguments.json else documents.print_table(pdf_rows)
    if arguments.sheets_only or not (only or arguments.no_sheets):
        from bench import sheets  # bench/sheets.py: /export of a 1,000-dossier queue (~10 s)

        row = asyncio.run(sheets.main())
        print(json.dumps(row, indent=2)) if arguments.json else sheets.print_table(row)
    if not (arguments.no_outbox or arguments.sheets_only):  # bench/outbox.py: ~80 s
        from bench import outbox

        rows = asyncio.run(outbox.main())
        print(json.dumps(rows, indent=2)) if arguments.json else outbox.print_table(rows)
        if not arguments.no_emergency:  # bench/emergency.py: an alert through that backlog
            from bench import emergency

            row = asyncio.run(emergency.main())
            print(json.dumps(row, indent=2)) if arguments.json else emergency.print_row(row)
