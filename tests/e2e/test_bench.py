"""The benchmark keeps working: it runs a few updates of each scenario and reports them.

No figure is checked here: timings belong to `make bench`, not to tests. Run in this process
(`python -m bench` is the same `main` behind argparse): a subprocess would spend seconds
importing aiogram again.
"""

import json
import os
from pathlib import Path

import pytest

from bench.__main__ import main, parse_args

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")  # an emptied schema, as conftest's

REFERENCES = [
    ("bare echo", ""),
    ("echo same reply", ""),
    ("sqlite3 only", "SQLite"),
    ("storage only", "SQLite"),
    ("answer step", "SQLite"),
]


async def run(postgres_url: str | None) -> dict:
    arguments = parse_args(["--updates", "3", "--warmup", "1", "--rounds", "1", "--json"])
    return json.loads(json.dumps(await main(arguments, postgres_url)))  # what --json prints


def check(figures: dict, rows: list[tuple[str, str]]) -> None:
    assert [(row["scenario"], row["backend"]) for row in figures["scenarios"]] == rows
    assert all(row["updates"] == 3 and row["us_per_update"] > 0 for row in figures["scenarios"])
    assert all(row["p95_us"] > 0 for row in figures["scenarios"])
    backends = [backend for name, backend in rows if name == "answer step"]
    assert [row["backend"] for row in figures["ratios"]] == backends
    assert all(row["ratio"] > 0 and row["step_p95_us"] > 0 for row in figures["ratios"])
    assert figures["goal"] == 2.0
    assert figures["goal_met"] == all(row["goal_met"] for row in figures["ratios"])


@pytest.mark.skipif(bool(POSTGRES_URL), reason="the PostgreSQL run below covers SQLite too")
async def test_the_benchmark_runs_every_scenario_on_sqlite_and_reports_json() -> None:
    check(await run(None), REFERENCES)


@pytest.mark.skipif(not POSTGRES_URL, reason="TEST_DATABASE_URL not set")
async def test_the_benchmark_also_runs_the_database_scenarios_on_postgresql() -> None:
    figures = await run(POSTGRES_URL)
    check(figures, [*REFERENCES, ("storage only", "PostgreSQL"), ("answer step", "PostgreSQL")])
    assert "postgresql" in figures["environment"]


async def test_the_outbox_benchmark_delivers_everything_within_shrunk_limits() -> None:
    from bench import outbox
    from bot.workers.limits import RateLimiter

    limits = RateLimiter(per_chat=0.05, group_count=5, group_window=0.5, global_count=100)
    for faults in (False, True):
        row = await outbox.run(16, 6, faults=faults, limiter=limits, max_backoff=0.05)
        assert row["lost"] == 0 and row["twice"] == 0 and row["in_order"] and row["limits_kept"]
        assert 0 < row["share_requests"] <= 1.05 and row["messages_per_s"] > 0


def test_the_pdf_benchmark_draws_each_document_in_each_language() -> None:
    from bench import documents

    rows = documents.run(1, warmup=False)
    assert [(row["document"], row["language"]) for row in rows] == [
        ("dossier", "fr"),
        ("dossier", "ar"),
        ("agenda", "fr"),
        ("agenda", "ar"),
        ("convention", "fr"),
        ("convention", "ar"),
        ("report", "fr"),
        ("report", "ar"),
    ]
    assert all(row["p95_ms"] > 0 and row["pages"] >= 2 and row["bytes"] > 10_000 for row in rows)


async def test_the_xlsx_benchmark_exports_every_dossier() -> None:
    from bench import sheets

    row = await sheets.run(count=12, rounds=1)
    assert row["rows"] == 12 and row["bytes"] > 5_000
    assert 0 < row["query_s"] <= row["total_s"] and row["file_s"] > 0


async def test_the_emergency_benchmark_times_an_alert_through_a_backlog() -> None:
    from bench import emergency

    row = await emergency.main(runs=1, backlog=20, settle=0)
    assert row["runs"] == 1 and row["backlog"] == 20 and row["p99_s"] > 0
    assert row["outbox_rows"] >= 20 + 2  # the backlog and the run's two cards


async def test_the_http_benchmarks_stand_in_answers_and_records() -> None:
    """`python -m bench --http` runs processes (minutes): here only its stand-in, in-process."""
    from aiogram import Bot

    from bench.http import BenchStandIn
    from testkit.standin.inprocess import InProcessSession

    api = BenchStandIn()
    bot = Bot(api.token, session=InProcessSession(api))
    me = await bot.get_me()
    assert me.is_bot and [c.method for c in api.calls] == ["getMe"]
    assert api.calls[0].received <= api.calls[0].at


async def test_the_years_benchmark_runs_each_action_with_and_without_a_history() -> None:
    """A sliver of the ten years here (the same rows, fewer): every action runs on both."""
    from bench import years

    sliver = years.History(cities=6, dossiers=12, changes=60, outbox=80, messages=40, emergencies=2)
    figures = await years.main(None, runs=1, export_runs=1, history=sliver)
    [sqlite] = figures["databases"]
    rows = {row["action"]: row for row in sqlite["actions"]}
    assert list(rows) == [label for label, _action, _after in years.ACTIONS]
    assert all(row["today_ms"] > 0 and row["ten_years_ms"] > 0 for row in rows.values())
    exported = rows["/export all"]
    assert (exported["today_dossiers"], exported["ten_years_dossiers"]) == (35, 47)
    projects = rows["disbursements XLSX"]  # today's 5, and the sliver's 4 approved dossiers
    assert (projects["today_projects"], projects["ten_years_projects"]) == (5, 9)


async def test_the_http_benchmarks_realistic_journey_follows_the_bots_screens(
    tmp_path: Path,
) -> None:
    """A new person's journey of the realistic pace (first contact, registration, the dossier's
    first questions, then the title and "◀ Back"), against the bot polling in this process."""
    from bench.http import JOURNEY, BenchStandIn, Person
    from testkit.harness import SECRETARIAT, RunningBot

    async with BenchStandIn() as api:
        api.add_group(SECRETARIAT, "Secrétariat permanent")
        bot = RunningBot(api, tmp_path)
        await bot.start()
        try:
            person = Person(api, 20_000, echo=False)
            await person.journey(JOURNEY, lambda: 0.0)
        finally:
            await bot.close()
    labels = [label for _seconds, label in person.latencies]
    assert labels[0] == "first contact: /new" and len(labels) == JOURNEY
    assert "registration's last answer (and the new dossier)" in labels
    assert labels[-2:] in (["typed title", "◀ Back"], ["◀ Back", "typed title"])
