"""The benchmark keeps working: it runs a few updates of each scenario and reports them.

No figure is checked here: timings belong to `make bench`, not to tests.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_benchmark_runs_every_scenario_and_reports_json() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--updates",
            "5",
            "--warmup",
            "2",
            "--rounds",
            "2",
            "--json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    figures = json.loads(done.stdout)
    names = [row["scenario"] for row in figures["scenarios"]]
    assert names == ["bare echo", "echo same reply", "sqlite3 only", "storage only", "answer step"]
    assert all(row["updates"] == 5 and row["us_per_update"] > 0 for row in figures["scenarios"])
    assert {"ratio", "floor_ratio", "goal", "goal_met"} <= figures.keys()
