"""`python -m bench --http`: the bot as processes over real HTTP, beside a bare aiogram echo bot.

30 simulated people act at once against the Bot API stand-in (`tests/standin`, served over HTTP
in this process). Each person of the dossier bot has a registered account and a draft at the
question "title" (seeded in the database before the bot starts); an action is one of two
alternating steps: type the title (the bot stores it and shows the next question, "sector"), then
press "◀ Back" on that screen (the bot shows "title" again). The echo bot's people do the same with
a text and a button (`bench/echo_bot.py`). An action's latency runs from the moment the update is
queued at the stand-in to the moment the bot's reply screen reaches it; throughput is the actions
of all people over the wall time.

Runs, each with its echo reference started and measured the same way right before it:
polling on SQLite, polling on PostgreSQL, webhook with one process and webhook with two processes
(PostgreSQL and Redis; the stand-in posts to each in turn, one update per chat at a time, as
Telegram does). The PostgreSQL runs need TEST_DATABASE_URL (its schema `public` is emptied), the
two-process run TEST_REDIS_URL too. `--profile` runs the bot under pyinstrument (text report in
the printed folder).
"""

import asyncio
import os
import socket
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import text

from bot import PROJECT_ROOT
from bot.services.people import link_city
from storage.accounts import new_account
from storage.db import create_engine, migrate, session_factory
from storage.dossiers import create_dossier
from tests.factories import complete_answers
from tests.standin import BotAPIStandIn, TelegramUser

PEOPLE = 30
SECRET = "bench-webhook-secret-0123456789abcdefghij"
SECRETARIAT = -1001234567890
FIRST_PERSON = 20_000
GOAL_RATIO = 0.6
GOAL_P99_MS = 100.0


class BenchStandIn(BotAPIStandIn):
    """The stand-in, waking whoever waits for a chat when a message is sent or edited there."""

    def __init__(self) -> None:
        super().__init__()
        self.arrivals: dict[int, asyncio.Event] = {}

    def _record(
        self,
        method: str,
        params: dict,
        status: int,
        description: Any,
        result: Any,
        received: float | None = None,
    ):
        super()._record(method, params, status, description, result, received)
        if status == 200 and isinstance(result, dict) and isinstance(result.get("chat"), dict):
            event = self.arrivals.get(result["chat"]["id"])
            if event is not None:
                event.set()


def buttons(message: dict) -> list[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [b.get("callback_data", "") for row in rows for b in row]


def position(message: dict) -> str | None:
    return next((d.split(":")[2] for d in buttons(message) if d.startswith("q:")), None)


class Person:
    def __init__(self, api: BenchStandIn, user_id: int, echo: bool) -> None:
        self.api = api
        self.user = TelegramUser(api, user_id, language_code="fr")
        self.echo = echo
        self.event = asyncio.Event()
        api.arrivals[user_id] = self.event
        self.screen: dict | None = None
        self.latencies: list[float] = []

    def _reply_in(self, start: int, wanted: str | None) -> dict | None:
        for call in self.api.calls[start:]:
            result = call.result
            if not call.ok or not isinstance(result, dict) or "message_id" not in result:
                continue
            if (result.get("chat") or {}).get("id") != self.user.chat_id:
                continue
            if self.echo or wanted == "*" or position(result) == wanted:
                return result
        return None

    async def _act(self, update: dict, wanted: str | None) -> None:
        start = len(self.api.calls)
        self.event.clear()
        began = time.perf_counter()
        self.api.push_update(update)
        deadline = began + 30
        while (reply := self._reply_in(start, wanted)) is None:
            if time.perf_counter() > deadline:
                raise RuntimeError(f"person {self.user.id}: no reply at {wanted!r}")
            await asyncio.wait_for(self.event.wait(), deadline - time.perf_counter())
            self.event.clear()
        self.latencies.append(time.perf_counter() - began)
        self.screen = reply

    async def open(self, dossier_id: int) -> None:
        """Untimed: /dossiers, then "open" on the draft (the bot now takes typed answers)."""
        await self._act({"message": self.user._message(text="/dossiers")}, "*")
        assert self.screen is not None
        await self._press(f"m:{dossier_id}:open:", "title")

    async def _press(self, data: str, wanted: str) -> None:
        assert self.screen is not None
        query = {
            "id": self.api.new_callback_query_id(),
            "from": dict(self.user.user),
            "message": self.screen,
            "chat_instance": "bench",
            "data": data,
        }
        await self._act({"callback_query": query}, wanted)

    async def cycle(self) -> None:
        """Two actions: a typed answer, then "◀ Back" on the screen it brought."""
        await self._act({"message": self.user._message(text="Éclairage solaire")}, "sector")
        assert self.screen is not None
        data = "back" if self.echo else next(d for d in buttons(self.screen) if ":back" in d)
        await self._press(data, "title")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Run:
    name: str
    database: str  # "SQLite", "PostgreSQL", "" (echo)
    mode: str  # polling / webhook
    processes: int
    actions: int
    seconds: float
    latencies: list[float]
    cpu_s: float = 0.0  # CPU time of the bot's processes during the timed phase
    driver_cpu_s: float = 0.0  # of this process (stand-in and people)
    requests: dict[str, int] | None = None  # Bot API requests of the timed phase, by method
    handling_ms: float | None = None  # mean time in the dispatcher (the bot's /metrics)

    @property
    def per_second(self) -> float:
        return self.actions / self.seconds

    def quantile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    def as_dict(self) -> dict[str, Any]:
        return {
            "run": self.name,
            "database": self.database,
            "mode": self.mode,
            "processes": self.processes,
            "actions": self.actions,
            "seconds": round(self.seconds, 3),
            "actions_per_s": round(self.per_second, 1),
            "p50_ms": round(self.quantile(0.5), 1),
            "p99_ms": round(self.quantile(0.99), 1),
            "mean_ms": round(statistics.fmean(self.latencies) * 1000, 1),
            "bot_cpu_ms_per_action": round(self.cpu_s * 1000 / self.actions, 2),
            "driver_cpu_ms_per_action": round(self.driver_cpu_s * 1000 / self.actions, 2),
            "handling_mean_ms": self.handling_ms,
            "requests_per_action": {
                k: round(v / self.actions, 2) for k, v in sorted((self.requests or {}).items())
            },
        }


class Processes:
    """One or two bot (or echo) processes, started and stopped with SIGTERM."""

    def __init__(self, module: str, env: dict[str, str], count: int, folder: Path) -> None:
        self.module, self.env, self.count, self.folder = module, env, count, folder
        self.ports = [free_port() for _ in range(count)]
        self.processes: list[asyncio.subprocess.Process] = []

    async def start(self, profile: bool = False) -> None:
        for index, port in enumerate(self.ports):
            env = {**self.env, "WEBHOOK_PORT": str(port), "METRICS_PORT": str(port)}
            log = (self.folder / f"{self.module}-{index}.log").open("ab")
            command = [sys.executable, "-m", self.module]
            if profile:
                report = self.folder / f"profile-{self.module}-{index}.txt"
                command = [sys.executable, "-m", "pyinstrument", "-r", "text", "-o", str(report),
                           "-m", self.module]  # fmt: skip
            process = await asyncio.create_subprocess_exec(
                *command, env=env, stdout=log, stderr=log, cwd=self.folder
            )
            self.processes.append(process)

    def cpu_seconds(self) -> float:
        """User + system CPU time of the processes so far (Linux /proc)."""
        total = 0.0
        for process in self.processes:
            fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total

    async def stop(self) -> None:
        for process in self.processes:
            if process.returncode is None:
                process.terminate()
        for process in self.processes:
            try:
                await asyncio.wait_for(process.wait(), 40)
            except TimeoutError:
                process.kill()
                await process.wait()


async def wait_started(api: BenchStandIn, mode: str, processes: Processes, expected: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        for process in processes.processes:
            if process.returncode is not None:
                logs = "\n".join(p.read_text()[-2000:] for p in processes.folder.glob("*.log"))
                raise RuntimeError(f"{processes.module} exited:\n{logs}")
        if mode == "polling" and api.polls_started > expected:
            return
        if mode == "webhook" and len(api.calls_of("setWebhook")) >= expected:
            async with aiohttp.ClientSession() as client:
                ready = 0
                for port in processes.ports:
                    try:
                        async with client.get(f"http://127.0.0.1:{port}/webhook") as answer:
                            ready += answer.status in (405, 401, 200)
                    except aiohttp.ClientError:
                        pass
                if ready == len(processes.ports):
                    return
        await asyncio.sleep(0.1)
    raise RuntimeError(f"{processes.module} did not start: see {processes.folder}")


async def handling_mean_ms(ports: list[int]) -> float:
    """Mean handling time of every update so far, from the processes' /metrics."""
    total = count = 0.0
    async with aiohttp.ClientSession() as client:
        for port in ports:
            async with client.get(f"http://127.0.0.1:{port}/metrics") as response:
                page = await response.text()
            for line in page.splitlines():
                if line.startswith("bot_update_handling_seconds_sum"):
                    total += float(line.split()[-1])
                elif line.startswith("bot_update_handling_seconds_count"):
                    count += float(line.split()[-1])
    return round(total * 1000 / max(count, 1), 1)


async def seed(url: str, backend: str) -> dict[int, int]:
    """Empty the database, migrate it, add the people with a draft each at "title"."""
    engine = create_engine(url)
    if backend == "PostgreSQL":
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    await migrate(engine)
    dossiers = {}
    async with session_factory(engine)() as session:
        for n in range(PEOPLE):
            account = new_account(session, FIRST_PERSON + n, "Awa")
            account.language, account.city_name, account.country = "fr", "Dakar", "SN"
            account.full_name, account.function = "Awa Ndiaye", "Directrice technique"
            account.phone, account.email = "+221771234567", "awa@dakar.sn"
            await link_city(session, account)
            dossier = await create_dossier(session, account, complete_answers())
            dossier.cursor = {"q": "title"}
            dossiers[FIRST_PERSON + n] = dossier.id
        await session.commit()
    await engine.dispose()
    return dossiers


async def measure(
    name: str,
    *,
    echo: bool,
    mode: str,
    count: int,
    database: str,
    url: str,
    redis_url: str | None,
    cycles: int,
    folder: Path,
    profile: bool = False,
) -> Run:
    env = {
        k: v
        for k, v in os.environ.items()
        if k != "PORT" and not k.startswith(("BOT_", "DATABASE_", "WEBHOOK_", "REDIS_", "METRICS_"))
    }
    async with BenchStandIn() as api:
        api.add_group(SECRETARIAT, "Secrétariat permanent")
        env.update(
            BOT_TOKEN=api.token, BOT_API_URL=api.url, BOT_MODE=mode, LOG_LEVEL="WARNING",
            DATABASE_URL=url, SECRETARIAT_CHAT_ID=str(SECRETARIAT),
            FILES_DIR=str(folder / "files"), WEBHOOK_SECRET=SECRET, WEBHOOK_HOST="127.0.0.1",
            WEBHOOK_URL="http://127.0.0.1:1/webhook", PYTHONPATH=str(PROJECT_ROOT),
        )  # fmt: skip
        if redis_url and count > 1:
            env["REDIS_URL"] = redis_url
        dossiers = {} if echo else await seed(url, database)
        processes = Processes("bench.echo_bot" if echo else "bot", env, count, folder)
        try:
            await processes.start(profile)
            await wait_started(api, mode, processes, count if mode == "webhook" else 0)
            if mode == "webhook":
                api.webhook_targets = [f"http://127.0.0.1:{p}/webhook" for p in processes.ports]
            people = [Person(api, FIRST_PERSON + n, echo) for n in range(PEOPLE)]
            if not echo:
                await asyncio.gather(*(p.open(dossiers[p.user.id]) for p in people))
            await asyncio.gather(*(p.cycle() for p in people))  # warm-up, untimed
            for person in people:
                person.latencies.clear()
            began = time.perf_counter()
            cpu, driver = processes.cpu_seconds(), time.process_time()
            first_call = len(api.calls)

            async def go(person: Person) -> None:
                for _ in range(cycles):
                    await person.cycle()

            await asyncio.gather(*(go(p) for p in people))
            seconds = time.perf_counter() - began
            cpu, driver = processes.cpu_seconds() - cpu, time.process_time() - driver
            requests = Counter(c.method for c in api.calls[first_call:])
            handling = None if echo else await handling_mean_ms(processes.ports)
        finally:
            await processes.stop()
    latencies = [t for p in people for t in p.latencies]
    database = "" if echo else database
    return Run(
        name, database, mode, count, len(latencies), seconds, latencies, cpu, driver,
        dict(requests), handling,
    )  # fmt: skip


async def main(
    cycles: int = 10,
    postgres_url: str | None = None,
    redis_url: str | None = None,
    profile: bool = False,
    only: list[str] | None = None,
) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-http-") as directory:
        folder = Path(directory)
        sqlite_url = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
        plans: list[tuple[str, str, int, str, str]] = [
            ("polling SQLite", "polling", 1, "SQLite", sqlite_url)
        ]
        if postgres_url:
            plans.append(("polling PostgreSQL", "polling", 1, "PostgreSQL", postgres_url))
            plans.append(("webhook 1 process", "webhook", 1, "PostgreSQL", postgres_url))
            if redis_url:
                plans.append(("webhook 2 processes", "webhook", 2, "PostgreSQL", postgres_url))
        for name, mode, count, database, url in plans:
            if only and name not in only:
                continue
            common = {"mode": mode, "count": count, "url": url, "redis_url": redis_url,
                      "cycles": cycles, "folder": folder}  # fmt: skip
            echo = await measure(f"echo, {name}", echo=True, database="", **common)
            real = await measure(name, echo=False, database=database, profile=profile, **common)
            rows.append(
                {
                    "bot": real.as_dict(),
                    "echo": echo.as_dict(),
                    "ratio": round(real.per_second / echo.per_second, 2),
                    "goal_met": real.per_second / echo.per_second >= GOAL_RATIO
                    and real.quantile(0.99) <= GOAL_P99_MS,
                }
            )
        if profile:
            print(f"profiles: {keep_profiles(folder)}", file=sys.stderr)
    return {"people": PEOPLE, "cycles": cycles, "runs": rows}


def keep_profiles(folder: Path) -> Path:
    kept = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    for report in sorted(folder.glob("profile-bot-*.txt")):
        (kept / report.name).write_text(report.read_text())
    return kept


def print_table(figures: dict[str, Any]) -> None:
    print(
        f"HTTP: {figures['people']} people at once, {figures['cycles']} cycles of 2 actions each"
        f" (goal: ≥ {GOAL_RATIO}× the echo bot's actions/s, p99 ≤ {GOAL_P99_MS:.0f} ms)"
    )
    header = ("run", "actions/s", "p50 ms", "p99 ms", "echo act/s", "echo p50", "echo p99")
    header += ("CPU ms/act", "echo CPU", "handling")
    print(f"{header[0]:<22}" + "".join(f"{h:>11}" for h in header[1:]) + "      ratio")
    for row in figures["runs"]:
        bot, echo = row["bot"], row["echo"]
        verdict = "met" if row["goal_met"] else "NOT met"
        print(
            f"{bot['run']:<22}{bot['actions_per_s']:>11.1f}{bot['p50_ms']:>11.1f}"
            f"{bot['p99_ms']:>11.1f}{echo['actions_per_s']:>11.1f}{echo['p50_ms']:>11.1f}"
            f"{echo['p99_ms']:>11.1f}{bot['bot_cpu_ms_per_action']:>11.2f}"
            f"{echo['bot_cpu_ms_per_action']:>11.2f}{bot['handling_mean_ms']:>11.1f}"
            f"{row['ratio']:>10.2f}×  {verdict}"
        )
