"""pytest-xdist's workers forked from a warm interpreter instead of started cold.

Each worker spent ~4 s of CPU importing before its first test (aiogram builds ~650 pydantic
models, then SQLAlchemy, Babel, the PDF and spreadsheet libraries), three workers at once on two
cores: the suite's first test started ~8 s after the command. Now the controller starts one
zygote (`serve`) that imports those libraries and the bot's production code once, and each
worker is forked from it: pytest-xdist starts `python -m testkit.worker_zygote -u -c <bootstrap>`
as the worker's interpreter (`tests/conftest.py` sets it), a client that hands its pipes, its
environment and its working directory to the zygote over a Unix socket, and waits for the forked
worker's exit code. The worker then runs pytest-xdist's bootstrap as `python -c` would, and
imports and collects the test modules itself (pytest rewrites their asserts there).

Nothing of the tests' own code is imported by the zygote (test modules, `testkit`, `bench`): some
read the environment when imported, which the worker only settles later (`database_per_worker`).
If the zygote cannot be reached, the client becomes an ordinary `python` with the same arguments.
"""

import atexit
import contextlib
import gc
import importlib
import io
import json
import os
import random
import select
import signal
import socket
import sys
import time
import types
from typing import Any

ADDRESS = "AIMF_WORKER_ZYGOTE"  # the environment variable naming the zygote's socket
# Nothing of a distribution that is a pytest plugin (pytest_asyncio, xdist, hypothesis): pytest
# marks its packages to have their asserts rewritten, and warns (an error here) if one is imported.
WARM = (
    "pytest", "execnet", "aiogram", "aiogram.types", "aiogram.methods", "bot.app", "bot.web",
    "bot.documents.agenda", "bot.documents.dossier", "storage.db", "storage.models", "aiosqlite",
    "asyncpg", "babel.dates", "babel.numbers", "openpyxl", "pypdf", "alembic.command",
)  # fmt: skip


def serve(address: str) -> dict[str, Any] | None:
    """The zygote: imports, then forks a worker for each client. Returns only in a forked worker
    (its client's request); ends when its standard input does (the controller is gone)."""
    for name in WARM:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    gc.collect()
    gc.freeze()  # shared with the workers, page for page, until written to
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address)
    listener.listen()
    clients: dict[int, socket.socket] = {}  # worker pid → its client's connection
    while True:
        readable, _, _ = select.select([listener, 0], [], [], 0.05)
        if 0 in readable and not os.read(0, 1 << 16):
            break
        if listener in readable:
            connection, _ = listener.accept()
            message, fds, _flags, _address = socket.recv_fds(connection, 1 << 20, 3)
            pid = os.fork()
            if pid == 0:
                listener.close()
                for other in clients.values():
                    other.close()
                _take(fds)
                connection.close()
                return json.loads(message)
            for fd in fds:
                os.close(fd)
            connection.sendall(f"{pid}\n".encode())
            clients[pid] = connection
        for pid, connection in list(clients.items()):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                with contextlib.suppress(OSError):
                    connection.sendall(f"{os.waitstatus_to_exitcode(status)}\n".encode())
                connection.close()
                del clients[pid]
    listener.close()
    return None


def _take(fds: list[int]) -> None:
    """The client's standard input, output and error become the worker's."""
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)


def become_worker(request: dict[str, Any]) -> None:
    """In the forked worker: `python -u -c <code>` in the client's directory and environment."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    random.seed()  # a fresh process's, not the zygote's sequence shared by every worker
    sys.argv = ["-c"]
    sys.path[0] = ""
    sys.stdin = io.TextIOWrapper(io.BufferedReader(io.FileIO(0, "r", closefd=False)))
    for fd, name in ((1, "stdout"), (2, "stderr")):  # unbuffered, as with -u
        stream = io.TextIOWrapper(io.FileIO(fd, "w", closefd=False), write_through=True)
        setattr(sys, name, stream)
    arguments = request["argv"]
    code = arguments[arguments.index("-c") + 1]
    main = types.ModuleType("__main__")
    sys.modules["__main__"] = main
    exec(compile(code, "<string>", "exec"), main.__dict__)


def ask(arguments: list[str]) -> int:
    """The client: hands this process's pipes to the zygote and returns the worker's exit code;
    without a zygote, runs `python` itself with the same arguments."""
    address = os.environ.get(ADDRESS)
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    deadline = time.monotonic() + 120  # the zygote is importing (slow on a busy machine)
    while True:
        try:
            client.connect(address or "")
            break
        except OSError:
            if not address or time.monotonic() > deadline:
                os.execv(sys.executable, [sys.executable, *arguments])
            time.sleep(0.02)
    request = {"argv": arguments, "cwd": os.getcwd(), "env": dict(os.environ)}
    socket.send_fds(client, [json.dumps(request).encode()], [0, 1, 2])
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)  # the worker alone holds the pipes now: their end is its end
    os.dup2(null, 1)
    answers = client.makefile("r")
    worker = int(answers.readline())
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda number, _frame: os.kill(worker, number))
    code = answers.readline()
    return int(code) if code else 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        request = serve(sys.argv[2])
        if request is None:
            sys.exit(0)
        try:
            become_worker(request)
            code = 0
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else int(exit.code is not None)
        # Its handlers run (the process tests' zygote ends its bots, logging flushes), then the
        # worker exits without taking its ~1,000,000 objects apart one by one (~1 s, at the very
        # end of the suite, when the controller waits for every worker).
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    else:
        sys.exit(ask(sys.argv[1:]))
