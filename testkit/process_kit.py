"""A `python -m bot` process for the process tests: started with its own environment, its output
in a log file (a file, not a pipe: a full pipe blocks the bot), ended by a signal or killed.

Each bot process spent ~5 s of CPU importing (aiogram builds ~630 pydantic models), and the
process tests start four. They are forked instead from a warm interpreter (`Zygote`, one per test
process, started at the first bot): a Python process that imported what `python -m bot` imports
and nothing else, then forks on demand; the child takes the bot's environment, working directory
and log file and runs `bot.__main__` with runpy, as `python -m bot` does. Signals, exit codes and
kill -9 are a real process's; only the imports are done once. `test_process.py`'s configuration
errors still start `python -m bot` from scratch.
"""

import asyncio
import atexit
import contextlib
import importlib
import itertools
import json
import os
import select
import signal
import subprocess
import sys
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from bot import PROJECT_ROOT

# What `python -m bot` imports: what its module imports, then what `bot.__main__.run` imports as
# it starts (Redis's lock with REDIS_URL). Not `bot.__main__` itself: runpy runs it afresh. A
# module left out here is imported by each bot itself.
WARM = (
    "pydantic", "bot.config", "bot.logs", "bot.app", "bot.services.health", "bot.telegram.i18n",
    "bot.web", "storage.db", "aiogram.fsm.storage.redis", "redis.asyncio",
)  # fmt: skip


class BotProcess:
    def __init__(self, log_path: Path, cwd: Path) -> None:
        self.log_path, self.cwd = log_path, cwd
        self.process: ForkedProcess | None = None

    async def spawn(self, env: dict[str, str]) -> None:
        self.log_path.touch()
        self.process = await (await Zygote.shared()).spawn(env, self.cwd, self.log_path)

    @property
    def logs(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    async def end(self, sig: int) -> int:
        assert self.process is not None
        self.process.send_signal(sig)
        return await self.process.wait()

    async def kill(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()


class ForkedProcess:
    """What the tests use of `asyncio.subprocess.Process`, for a child of the zygote (which reaps
    it and reports its exit: the negative signal number when a signal ended it)."""

    def __init__(self, pid: int, exit_code: "Future[int]") -> None:
        self.pid, self._exit_code = pid, exit_code

    @property
    def returncode(self) -> int | None:
        return self._exit_code.result() if self._exit_code.done() else None

    def send_signal(self, sig: int) -> None:
        if self.returncode is None:
            with contextlib.suppress(ProcessLookupError):  # it has just ended
                os.kill(self.pid, sig)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    async def wait(self) -> int:
        return await asyncio.wrap_future(self._exit_code)


class Zygote:
    """The warm interpreter, driven over its stdin and stdout with one JSON object a line. Plain
    threads and pipes, not asyncio: each test has an event loop of its own, and the zygote
    outlives them (it ends with the test process)."""

    _shared: "Zygote | None" = None

    def __init__(self) -> None:
        self.exit_codes: dict[int, Future[int]] = {}
        self.ready: Future[int] = Future()
        self._spawned: dict[int, Future[int]] = {}
        self._numbers = itertools.count()
        self._process = subprocess.Popen(
            [sys.executable, "-m", "testkit.process_kit"],
            cwd=PROJECT_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        threading.Thread(target=self._read, daemon=True).start()
        atexit.register(self.close)

    @classmethod
    async def shared(cls) -> "Zygote":
        """This test process's zygote, started by the first bot (its imports take seconds)."""
        if cls._shared is None or cls._shared._process.poll() is not None:
            cls._shared = cls()
        zygote = cls._shared
        await asyncio.wait_for(asyncio.wrap_future(zygote.ready), 120)
        return zygote

    def _read(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            message = json.loads(line)
            if "exit" in message:
                self.exit_codes[message["exit"]].set_result(message["code"])
            elif "ready" in message:
                self.ready.set_result(message["ready"])
            else:
                self.exit_codes[message["pid"]] = Future()
                self._spawned.pop(message["number"]).set_result(message["pid"])
        gone = AssertionError(f"the zygote ended with {self._process.wait()}")
        for future in [self.ready, *self._spawned.values()]:
            if not future.done():
                future.set_exception(gone)

    async def spawn(self, env: dict[str, str], cwd: Path, log: Path) -> "ForkedProcess":
        number = next(self._numbers)
        self._spawned[number] = spawned = Future()
        request = {"number": number, "env": env, "cwd": str(cwd), "log": str(log)}
        assert self._process.stdin is not None
        self._process.stdin.write(json.dumps(request).encode() + b"\n")
        self._process.stdin.flush()
        pid = await asyncio.wait_for(asyncio.wrap_future(spawned), 30)
        return ForkedProcess(pid, self.exit_codes[pid])

    def close(self) -> None:
        """The test process ends: the zygote kills the bots still running, and exits."""
        if self._process.poll() is None:
            with contextlib.suppress(OSError):
                assert self._process.stdin is not None
                self._process.stdin.close()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()


def _send(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def _become_the_bot(request: dict[str, Any]) -> None:
    """In the forked child: `python -m bot` in the request's directory, environment and log."""
    log = os.open(request["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(null)
    os.close(log)
    os.chdir(request["cwd"])
    sys.path[0] = request["cwd"]  # as `python -m` puts the working directory first
    os.environ.clear()
    os.environ.update(request["env"])
    import runpy

    runpy.run_module("bot", run_name="__main__", alter_sys=True)
    raise SystemExit(0)


def serve() -> None:
    """The zygote: imports what `python -m bot` does, then forks a bot for each request and
    reports each one's exit; stdin's end kills those still running."""
    for name in WARM:
        importlib.import_module(name)
    _send({"ready": os.getpid()})
    children: set[int] = set()
    pending = b""
    while True:
        readable, _, _ = select.select([0], [], [], 0.02)
        if readable:
            data = os.read(0, 1 << 16)
            if not data:
                break
            *lines, pending = (pending + data).split(b"\n")
            for line in lines:
                request = json.loads(line)
                sys.stdout.flush()
                pid = os.fork()
                if pid == 0:
                    _become_the_bot(request)  # never returns: the child exits from it
                children.add(pid)
                _send({"number": request["number"], "pid": pid})
        for pid in list(children):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                children.discard(pid)
                _send({"exit": pid, "code": os.waitstatus_to_exitcode(status)})
    for pid in children:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


if __name__ == "__main__":
    serve()
