"""The benchmark keeps working: it runs a few updates of each scenario and reports them.

No figure is checked here: timings belong to `make bench`, not to tests. Run in this process
(`python -m bench` is the same `main` behind argparse): a subprocess would spend seconds
importing aiogram again.
"""

import json

from bench.__main__ import main, parse_args


async def test_the_benchmark_runs_every_scenario_and_reports_json() -> None:
    arguments = parse_args(["--updates", "5", "--warmup", "2", "--rounds", "2", "--json"])
    figures = json.loads(json.dumps(await main(arguments)))  # what --json prints
    names = [row["scenario"] for row in figures["scenarios"]]
    assert names == ["bare echo", "echo same reply", "sqlite3 only", "storage only", "answer step"]
    assert all(row["updates"] == 5 and row["us_per_update"] > 0 for row in figures["scenarios"])
    assert {"ratio", "floor_ratio", "goal", "goal_met"} <= figures.keys()


async def test_the_outbox_benchmark_delivers_everything_within_shrunk_limits() -> None:
    from bench import outbox
    from bot.workers.limits import RateLimiter

    limits = RateLimiter(per_chat=0.05, group_count=5, group_window=0.5, global_count=100)
    for faults in (False, True):
        row = await outbox.run(30, 8, faults=faults, limiter=limits, max_backoff=0.05)
        assert row["lost"] == 0 and row["twice"] == 0 and row["in_order"] and row["limits_kept"]
        assert 0 < row["share_requests"] <= 1.05 and row["messages_per_s"] > 0
