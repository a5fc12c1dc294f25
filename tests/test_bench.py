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
