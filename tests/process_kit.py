"""A `python -m bot` process for the process tests: started with its own environment, its output
in a log file (a file, not a pipe: a full pipe blocks the bot), ended by a signal or killed."""

import asyncio
import sys
from pathlib import Path


class BotProcess:
    def __init__(self, log_path: Path, cwd: Path) -> None:
        self.log_path, self.cwd = log_path, cwd
        self.process: asyncio.subprocess.Process | None = None

    async def spawn(self, env: dict[str, str]) -> None:
        with self.log_path.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", cwd=self.cwd, env=env, stdout=log, stderr=log
            )

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
