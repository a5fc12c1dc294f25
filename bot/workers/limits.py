"""Telegram's sending limits, kept by the outbox worker, and the clock it keeps them with.

A request holds its slot from the moment it starts until it has been answered, and the window
counts from the answer: Telegram (or the stand-in) sees a request somewhere in between, so
requests spaced this way are spaced at least as much where they are counted.
"""

import asyncio
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from time import monotonic
from typing import Protocol

PER_CHAT_INTERVAL = 1.0  # seconds between two requests to one chat ("about 1 per second")
GROUP_COUNT, GROUP_WINDOW = 20, 60.0  # at most 20 requests a minute to one group
GLOBAL_COUNT, GLOBAL_WINDOW = 25, 1.0  # at most 25 requests a second in all (Telegram: ~30)


class Clock(Protocol):
    def now(self) -> datetime: ...  # aware UTC, for the database

    def monotonic(self) -> float: ...  # seconds, for the limits

    async def sleep(self, seconds: float) -> None: ...


class RealClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


@dataclass
class Slot:
    """One request: `until` is when it was answered (infinite while it is in flight)."""

    chat_id: int
    until: float = math.inf


@dataclass
class RateLimiter:
    per_chat: float = PER_CHAT_INTERVAL
    group_count: int = GROUP_COUNT
    group_window: float = GROUP_WINDOW
    global_count: int = GLOBAL_COUNT
    global_window: float = GLOBAL_WINDOW
    _recent: list[Slot] = field(default_factory=list)  # within the global window
    _last: dict[int, Slot] = field(default_factory=dict)  # each chat's latest request
    _groups: dict[int, list[Slot]] = field(default_factory=dict)  # within the group window
    _held: dict[int, float] = field(default_factory=dict)  # chat → not before (429)
    # Urgent requests may go this far above `global_count` in the window (Telegram's own limit is
    # about 30 a second; 25 leaves the margin): an alert does not wait for a window full of
    # ordinary messages to empty.
    urgent_extra: int = 3

    @staticmethod
    def _window_ready(slots: list[Slot], count: int, window: float, t: float) -> float:
        """When one more request fits in `window` with at most `count` of them."""
        slots[:] = [s for s in slots if s.until + window > t]
        if len(slots) < count:
            return t
        ends = sorted(s.until + window for s in slots)
        return ends[len(slots) - count]

    def chat_ready_at(self, chat_id: int, t: float, urgent: bool = False) -> float:
        """When this chat may have its next request, as far as its own limits go. An urgent
        request does not wait out the second since the chat's last one (Telegram tolerates a
        short burst in a chat); it keeps a 429's wait and the group's 20 a minute."""
        ready = max(t, self._held.get(chat_id, t))
        last = self._last.get(chat_id)
        if last is not None and not urgent:
            ready = max(ready, last.until + self.per_chat)
        elif last is not None and last.until == math.inf:
            ready = math.inf  # one request at a time to a chat
        group = self._groups.get(chat_id)
        if group is not None:
            ready = max(ready, self._window_ready(group, self.group_count, self.group_window, t))
            if not group:
                del self._groups[chat_id]
        return ready

    def ready_at(self, chat_id: int, t: float, urgent: bool = False) -> float:
        """When a request to this chat may start, all limits considered (`urgent`: with the
        margin above the global count, and without the chat's one-second spacing)."""
        count = self.global_count + (self.urgent_extra if urgent else 0)
        everyone = self._window_ready(self._recent, count, self.global_window, t)
        return max(everyone, self.chat_ready_at(chat_id, t, urgent))

    def held_chats(self, t: float, urgent: bool = False) -> set[int]:
        """Chats that may not have a request now (for the claim to skip); `urgent`: those that
        may not have even an urgent one."""
        self._held = {c: u for c, u in self._held.items() if u > t}
        chats = set(self._held)
        if not urgent:
            chats |= {c for c, s in self._last.items() if s.until + self.per_chat > t}
        chats |= {c for c in list(self._groups) if self.chat_ready_at(c, t, urgent) > t}
        self._last = {c: s for c, s in self._last.items() if s.until + self.per_chat > t}
        return chats

    def next_release(self, t: float) -> float | None:
        """The next time a held chat becomes free (None: nothing is held)."""
        times = [self.chat_ready_at(c, t) for c in self.held_chats(t)]
        return min(times) if times else None

    def reserve(self, chat_id: int) -> Slot:
        """A request to `chat_id` starts now; call `done` with the slot when it is answered."""
        slot = Slot(chat_id)
        self._recent.append(slot)
        self._last[chat_id] = slot
        if chat_id < 0:  # groups, supergroups and channels
            self._groups.setdefault(chat_id, []).append(slot)
        return slot

    @staticmethod
    def done(slot: Slot, t: float) -> None:
        slot.until = t

    def hold(self, chat_id: int, until: float) -> None:
        """Nothing to this chat before `until` (Telegram's retry_after)."""
        self._held[chat_id] = max(until, self._held.get(chat_id, until))
