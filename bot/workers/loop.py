"""What every background worker shares: one task, started and stopped with the app, woken early
after a commit that gave it work."""

import asyncio
from abc import ABC, abstractmethod


class Loop(ABC):
    name = "worker"

    def __init__(self) -> None:
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """Called after a commit that gave this worker something to do, so it looks at once."""
        self._wake.set()

    def start(self) -> None:
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        """Let the work in hand finish (the loop checks `_stopping`), then end."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await self._task
            self._task = None

    @abstractmethod
    async def _run(self) -> None: ...
