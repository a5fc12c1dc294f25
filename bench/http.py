"""`python -m bench --http`: the bot as processes over real HTTP, beside a bare aiogram echo bot.

30 simulated people act against the Bot API stand-in (`testkit/standin`, served over HTTP in this
process), at two paces:

- **saturated**: each person has a registered account and a draft at the question "title" (seeded
  in the database before the bot starts) and, without pausing, alternates two actions: type the
  title (the bot stores it and shows the next question, "sector"), then press "◀ Back" on that
  screen (the bot shows "title" again). Throughput is the actions of all people over the wall time.
- **realistic**: 30 new people, all sending their first message (/new) at the same moment, then
  each acting about once a second after the bot answered (a pause of 0.5–1.5 s): the six
  registration answers, the dossier's first questions, then the title and "◀ Back" as above.
  What counts here is the latency of every action, the first contacts included.

The echo bot's people do the same with texts and a button (`bench/echo_bot.py`). An action's
latency runs from the moment the update is queued at the stand-in to the moment the bot's reply
screen reaches it; each run prints p50, p99, actions/s, the bot's CPU per action beside the echo
bot's, and its five slowest actions with what they were.

Runs, each with its echo reference started and measured the same way right before it:
polling on SQLite, polling on PostgreSQL, webhook with one process and webhook with two processes
(PostgreSQL and Redis; the stand-in posts to each in turn, one update per chat at a time, as
Telegram does). The PostgreSQL runs need TEST_DATABASE_URL (its schema `public` is emptied), the
two-process run TEST_REDIS_URL too. `--profile` runs the bot under pyinstrument (text report in
the printed folder).
"""

import asyncio
import os
import random
import socket
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import text

from bot import PROJECT_ROOT
from bot.services.people import link_city
from storage.accounts import new_account
from storage.db import create_engine, migrate, session_factory
from storage.dossiers import create_dossier
from testkit.factories import complete_answers
from testkit.standin import BotAPIStandIn, TelegramUser

PEOPLE = 30
SECRET = "bench-webhook-secret-0123456789abcdefghij"
SECRETARIAT = -1001234567890
FIRST_PERSON = 20_000
SATURATED, REALISTIC = "saturated", "realistic"
GOAL_RATIO = 0.35  # saturated: at least this share of the echo bot's actions/s
GOAL_P50_MS, GOAL_P99_MS = 30.0, 100.0  # realistic pace
PAUSE_S = (0.5, 1.5)  # realistic pace: a person's pause after each reply, drawn uniformly
JOURNEY = 24  # realistic pace: actions per person, the first contact included
REGISTRATION = [
    ("Dakar", "country"),
    ("Sénégal", "full_name"),
    ("Awa Ndiaye", "function"),
    ("Directrice des services techniques", "phone"),
    ("+221 77 123 45 67", "email"),
]
EMAIL = "awa.ndiaye@villededakar.sn"
SCREEN = "q"  # wanted: any questionnaire screen (a message with the questionnaire's buttons)


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
        self.latencies: list[tuple[float, str]] = []  # seconds, and what the action was
        self.seen = 0  # calls of the stand-in already looked at for this person's replies

    def _reply_in(self, wanted: str | None) -> dict | None:
        calls = self.api.calls
        for index in range(self.seen, len(calls)):
            call = calls[index]
            result = call.result
            self.seen = index + 1
            if not call.ok or not isinstance(result, dict) or "message_id" not in result:
                continue
            if (result.get("chat") or {}).get("id") != self.user.chat_id:
                continue
            if self.echo or wanted == "*" or position(result) == wanted:
                return result
            if wanted == SCREEN and position(result) is not None:
                return result
        return None

    async def _act(self, update: dict, wanted: str | None, label: str) -> None:
        self.seen = len(self.api.calls)
        self.event.clear()
        began = time.perf_counter()
        self.api.push_update(update)
        deadline = began + 30
        while (reply := self._reply_in(wanted)) is None:
            if time.perf_counter() > deadline:
                raise RuntimeError(f"person {self.user.id}: no reply at {wanted!r} ({label})")
            await asyncio.wait_for(self.event.wait(), deadline - time.perf_counter())
            self.event.clear()
        self.latencies.append((time.perf_counter() - began, label))
        self.screen = reply

    async def _type(self, text: str, wanted: str | None, label: str) -> None:
        await self._act({"message": self.user._message(text=text)}, wanted, label)

    async def open(self, dossier_id: int) -> None:
        """Untimed: /dossiers, then "open" on the draft (the bot now takes typed answers)."""
        await self._type("/dossiers", "*", "/dossiers")
        assert self.screen is not None
        await self._press(f"m:{dossier_id}:open:", "title", "open")

    async def _press(self, data: str, wanted: str, label: str) -> None:
        assert self.screen is not None
        query = {
            "id": self.api.new_callback_query_id(),
            "from": dict(self.user.user),
            "message": self.screen,
            "chat_instance": "bench",
            "data": data,
        }
        await self._act({"callback_query": query}, wanted, label)

    async def cycle(self) -> None:
        """Two actions: a typed answer, then "◀ Back" on the screen it brought."""
        await self._type("Éclairage solaire", "sector", "typed title")
        assert self.screen is not None
        data = "back" if self.echo else next(d for d in buttons(self.screen) if ":back" in d)
        await self._press(data, "title", "◀ Back")

    async def journey(self, actions: int, pause: "Callable[[], float]") -> None:
        """A new person at the realistic pace: /new (the first contact), the registration, the
        dossier's first questions up to its title, then the title and "◀ Back" in turn; each
        action after a pause once the bot has answered."""
        steps = [self._first_contact, *(self._registering(t, w) for t, w in REGISTRATION)]
        steps.append(self._last_registration_answer)
        for done in range(actions):
            if done:
                await asyncio.sleep(pause())
            if done < len(steps):
                await steps[done]()
            else:
                await self._next_in_dossier(done)

    async def _first_contact(self) -> None:
        await self._type("/new", SCREEN, "first contact: /new")

    def _registering(self, text: str, wanted: str) -> "Callable[[], Awaitable[None]]":
        return lambda: self._type(text, wanted, f"registration: {text[:12]}")

    async def _last_registration_answer(self) -> None:
        await self._type(EMAIL, SCREEN, "registration's last answer (and the new dossier)")

    async def _next_in_dossier(self, done: int) -> None:
        assert self.screen is not None
        if self.echo:  # the same kinds of action: a text, then a press
            if done % 2:
                await self._type("Éclairage solaire", None, "typed")
            else:
                await self._press("back", "*", "pressed")
            return
        at, shown = position(self.screen), buttons(self.screen)
        if at == "title":
            await self._type("Éclairage solaire", "sector", "typed title")
        elif at == "sector":
            await self._press(next(d for d in shown if ":back" in d), "title", "◀ Back")
        elif at == "mayor":
            await self._type("Barthélémy Dias", SCREEN, "typed mayor")
        else:
            keep = next((d for d in shown if d.endswith((":keep:", ":c:new"))), None)
            if keep is None:
                raise RuntimeError(f"person {self.user.id}: unexpected screen at {at!r}: {shown}")
            await self._press(keep, SCREEN, f"kept {at}")


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
    latencies: list[tuple[float, str]]  # seconds, and what the action was
    pace: str = SATURATED
    cpu_s: float = 0.0  # CPU time of the bot's processes during the timed phase
    driver_cpu_s: float = 0.0  # of this process (stand-in and people)
    requests: dict[str, int] | None = None  # Bot API requests of the timed phase, by method
    handling_ms: float | None = None  # mean time in the dispatcher (the bot's /metrics)
    rss_mb: float = 0.0  # resident memory of the bot's processes at the end of the run

    @property
    def per_second(self) -> float:
        return self.actions / self.seconds

    def quantile(self, q: float) -> float:
        ordered = sorted(seconds for seconds, _label in self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    def slowest(self, count: int = 5) -> list[tuple[float, str]]:
        """The `count` slowest actions: milliseconds and what each was."""
        ordered = sorted(self.latencies, reverse=True)[:count]
        return [(round(seconds * 1000, 1), label) for seconds, label in ordered]

    def as_dict(self) -> dict[str, Any]:
        return {
            "run": self.name,
            "database": self.database,
            "mode": self.mode,
            "pace": self.pace,
            "processes": self.processes,
            "actions": self.actions,
            "seconds": round(self.seconds, 3),
            "actions_per_s": round(self.per_second, 1),
            "p50_ms": round(self.quantile(0.5), 1),
            "p99_ms": round(self.quantile(0.99), 1),
            "mean_ms": round(statistics.fmean(s for s, _label in self.latencies) * 1000, 1),
            "bot_cpu_ms_per_action": round(self.cpu_s * 1000 / self.actions, 2),
            "driver_cpu_ms_per_action": round(self.driver_cpu_s * 1000 / self.actions, 2),
            "handling_mean_ms": self.handling_ms,
            "rss_mb": self.rss_mb,
            "slowest": [{"ms": ms, "action": label} for ms, label in self.slowest()],
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

    def resident_mb(self) -> float:
        """Resident memory of the processes now, in MB (Linux /proc)."""
        total = 0
        for process in self.processes:
            for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        return round(total / 1024, 1)

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


async def seed(url: str, backend: str, people: int = PEOPLE) -> dict[int, int]:
    """Empty the database, migrate it, add `people` people with a draft each at "title"."""
    engine = create_engine(url)
    if backend == "PostgreSQL":
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    await migrate(engine)
    dossiers = {}
    async with session_factory(engine)() as session:
        for n in range(people):
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


@dataclass(frozen=True)
class Plan:
    name: str
    mode: str  # polling / webhook
    processes: int
    database: str  # SQLite / PostgreSQL
    url: str


async def measure(
    plan: Plan,
    *,
    echo: bool,
    pace: str,
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
    mode, count = plan.mode, plan.processes
    async with BenchStandIn() as api:
        api.add_group(SECRETARIAT, "Secrétariat permanent")
        env.update(
            BOT_TOKEN=api.token, BOT_API_URL=api.url, BOT_MODE=mode, LOG_LEVEL="WARNING",
            DATABASE_URL=plan.url, SECRETARIAT_CHAT_ID=str(SECRETARIAT),
            FILES_DIR=str(folder / "files"), WEBHOOK_SECRET=SECRET, WEBHOOK_HOST="127.0.0.1",
            WEBHOOK_URL="http://127.0.0.1:1/webhook", PYTHONPATH=str(PROJECT_ROOT),
        )  # fmt: skip
        if redis_url and count > 1:
            env["REDIS_URL"] = redis_url
        seeded = 0 if pace == REALISTIC else PEOPLE
        dossiers = {} if echo else await seed(plan.url, plan.database, seeded)
        processes = Processes("bench.echo_bot" if echo else "bot", env, count, folder)
        try:
            await processes.start(profile)
            await wait_started(api, mode, processes, count if mode == "webhook" else 0)
            if mode == "webhook":
                api.webhook_targets = [f"http://127.0.0.1:{p}/webhook" for p in processes.ports]
            if pace == REALISTIC:
                # Untimed: one person's journey first, so the 30 first contacts meet a process
                # that has served someone already (as a running bot has), not its cold start.
                warm = Person(api, FIRST_PERSON - 1, echo)
                await warm.journey(len(REGISTRATION) + 4, lambda: 0.0)
                people = [Person(api, FIRST_PERSON + n, echo) for n in range(PEOPLE)]
            else:
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
                if pace == REALISTIC:
                    pauses = random.Random(person.user.id)
                    await person.journey(JOURNEY, lambda: pauses.uniform(*PAUSE_S))
                    return
                for _ in range(cycles):
                    await person.cycle()

            await asyncio.gather(*(go(p) for p in people))
            seconds = time.perf_counter() - began
            cpu, driver = processes.cpu_seconds() - cpu, time.process_time() - driver
            requests = Counter(c.method for c in api.calls[first_call:])
            handling = None if echo else await handling_mean_ms(processes.ports)
            rss = processes.resident_mb()
        finally:
            await processes.stop()
    latencies = [t for p in people for t in p.latencies]
    name = f"echo, {plan.name}" if echo else plan.name
    return Run(
        name, "" if echo else plan.database, mode, count, len(latencies), seconds, latencies,
        pace, cpu, driver, dict(requests), handling, rss,
    )  # fmt: skip


def goal_met(pace: str, real: Run, echo: Run) -> bool:
    if pace == REALISTIC:
        return real.quantile(0.5) <= GOAL_P50_MS and real.quantile(0.99) <= GOAL_P99_MS
    return real.per_second / echo.per_second >= GOAL_RATIO


async def main(
    cycles: int = 10,
    postgres_url: str | None = None,
    redis_url: str | None = None,
    profile: bool = False,
    only: list[str] | None = None,
    paces: tuple[str, ...] = (REALISTIC, SATURATED),
) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-http-") as directory:
        folder = Path(directory)
        plans = [Plan("polling SQLite", "polling", 1, "SQLite", "")]
        if postgres_url:
            plans.append(Plan("polling PostgreSQL", "polling", 1, "PostgreSQL", postgres_url))
            plans.append(Plan("webhook 1 process", "webhook", 1, "PostgreSQL", postgres_url))
            if redis_url:
                plans.append(Plan("webhook 2 processes", "webhook", 2, "PostgreSQL", postgres_url))
        for plan in plans:
            if only and plan.name not in only:
                continue
            for pace in paces:
                if plan.database == "SQLite":  # a file of its own for each pace
                    plan = replace(plan, url=f"sqlite+aiosqlite:///{folder / f'{pace}.db'}")
                common = {"pace": pace, "redis_url": redis_url, "cycles": cycles, "folder": folder}
                echo = await measure(plan, echo=True, **common)
                real = await measure(plan, echo=False, profile=profile, **common)
                rows.append(
                    {
                        "pace": pace,
                        "bot": real.as_dict(),
                        "echo": echo.as_dict(),
                        "ratio": round(real.per_second / echo.per_second, 2),
                        "cpu_ratio": round(
                            real.cpu_s / real.actions / (echo.cpu_s / echo.actions), 2
                        ),
                        "goal_met": goal_met(pace, real, echo),
                    }
                )
        if profile:
            print(f"profiles: {keep_profiles(folder)}", file=sys.stderr)
    return {"people": PEOPLE, "cycles": cycles, "journey": JOURNEY, "runs": rows}


def keep_profiles(folder: Path) -> Path:
    kept = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    for report in sorted(folder.glob("profile-bot-*.txt")):
        (kept / report.name).write_text(report.read_text())
    return kept


def print_table(figures: dict[str, Any]) -> None:
    print(
        f"HTTP: {figures['people']} people. Saturated: {figures['cycles']} cycles of 2 actions"
        f" each, no pause (goal: ≥ {GOAL_RATIO}× the echo bot's actions/s). Realistic: new"
        f" people, {figures['journey']} actions each, a pause of {PAUSE_S[0]}–{PAUSE_S[1]} s after"
        f" each reply, all first contacts at once (goal: p50 ≤ {GOAL_P50_MS:.0f} ms,"
        f" p99 ≤ {GOAL_P99_MS:.0f} ms)."
    )
    header = ("run", "pace", "actions", "actions/s", "p50 ms", "p99 ms", "CPU ms/act", "RSS MB")
    print(f"{header[0]:<28}{header[1]:<11}" + "".join(f"{h:>11}" for h in header[2:]))
    for row in figures["runs"]:
        for side in (row["echo"], row["bot"]):
            print(
                f"{side['run']:<28}{row['pace']:<11}{side['actions']:>11}"
                f"{side['actions_per_s']:>11.1f}{side['p50_ms']:>11.1f}{side['p99_ms']:>11.1f}"
                f"{side['bot_cpu_ms_per_action']:>11.2f}{side['rss_mb']:>11.1f}"
            )
        bot = row["bot"]
        verdict = "met" if row["goal_met"] else "NOT met"
        handling = bot["handling_mean_ms"]
        print(
            f"  {row['ratio']:.2f}× the echo bot's actions/s, {row['cpu_ratio']:.2f}× its CPU per"
            f" action, {handling} ms mean in the dispatcher; goal {verdict}"
        )
        slowest = ", ".join(f"{s['ms']:.0f} ms {s['action']}" for s in bot["slowest"])
        print(f"  slowest: {slowest}")
