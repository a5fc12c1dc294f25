"""What every background worker shares: one task, started and stopped with the app, woken early
after a commit that gave it work."""

import asyncio
import contextlib
from abc import ABC, abstractmethod
from collections.abc import Awaitable


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

    async def _sleep_or_wake(self, delay: float) -> None:
        """Sleep `delay` seconds on this worker's clock, or less if woken."""
        sleeping = asyncio.ensure_future(self._sleep(delay))
        woken = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({sleeping, woken}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sleeping, woken):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    @abstractmethod
    def _sleep(self, seconds: float) -> Awaitable[None]:
        """The worker's clock's sleep (a test's clock may make time pass at once)."""

    @abstractmethod
    async def _run(self) -> None: ...
