"""Delivers the outbox within Telegram's limits; nothing is lost, nothing sent twice but what was
in flight when a process died.

Each round claims the next message of every chat that may have one now (storage/outbox.py
claim_due: priority first, then age; one message in flight per chat), at most a second's worth,
and sends them in that order, paced by the rate limiter, several requests at a time. A wake
during a round (new messages were committed) stops it from starting the rest of its batch, which
goes back to the queue for the next claim: an urgent alert waits only for the requests already
started, not for a second's worth of ordinary ones. What each answer means is written in its own
short transaction right after it:

- accepted → sent (its Telegram message id kept, for later edits);
- 429 → that chat waits `retry_after` (its message stays first of the chat);
- 5xx, network errors, timeouts → retried with exponential backoff and jitter, failed after
  `max_attempts` of them (the backoff and that count leave 429s out: a message that met a 429
  and then a 502 waits 1 s, not 2);
- 403 (blocked, kicked) → the chat is recorded unreachable, its pending messages fail; a staff
  chat's (the bot was removed from the group) are kept instead, the first tried again now and
  then (30 s, doubling to 10 min) until the chat answers, and the admins are paged;
- any other refusal (400 …) → failed, with Telegram's error, for /outbox; a card or an alert
  (a staff chat's message, an urgent one) pages the admins at once (`Pager`);
- an edit whose original was never delivered goes as a new message, which stands for the
  original from then on.
"""

import asyncio
import logging
import random
from collections.abc import Awaitable
from datetime import timedelta
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import FSInputFile, InlineKeyboardMarkup, Message, ReplyParameters
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import metrics
from bot.services.delivery import Pager
from bot.workers.limits import Clock, RateLimiter, RealClock, Slot
from bot.workers.loop import Loop
from storage import outbox
from storage.leases import this_process
from storage.models import OutboxMessage

log = logging.getLogger(__name__)
MAX_BACKOFF = 300.0
PROBE, MAX_PROBE = 30.0, 600.0  # a staff chat that refuses the bot: tried again this often
MAX_ATTEMPTS = 20
CONCURRENCY = 8  # requests in flight at once (each to another chat)
REQUEST_TIMEOUT = 30  # seconds; well under the lease (storage.outbox.LEASE)
URGENT_TIMEOUT = 10  # an urgent request's, under its short lease (storage.outbox.URGENT_LEASE)
RETRIED = (
    TelegramServerError,
    TelegramNetworkError,
    TimeoutError,
    TelegramUnauthorizedError,  # the token, not the message: keep it until that is fixed
    TelegramConflictError,
)


def backoff(failures: int, cap: float = MAX_BACKOFF) -> float:
    """Seconds before the retry after failure number `failures + 1` (server or network errors
    only: a 429 says how long to wait itself): doubling from 1 s, capped, with jitter."""
    return min(cap, 2.0**failures) * random.uniform(0.8, 1.2)


def delivery_result(outcome: Any) -> str:
    """The metrics' label for one request's outcome."""
    if not isinstance(outcome, BaseException):
        return "sent"
    if isinstance(outcome, TelegramRetryAfter):
        return "429"
    if isinstance(outcome, TelegramServerError):
        return "5xx"
    if isinstance(outcome, TelegramNetworkError | TimeoutError):
        return "network"
    if isinstance(outcome, TelegramForbiddenError):
        return "403"
    return "failed"


def _markup(markup: dict[str, Any] | None) -> InlineKeyboardMarkup | None:
    return InlineKeyboardMarkup.model_validate(markup) if markup else None


class OutboxWorker(Loop):
    name = "outbox"

    def __init__(
        self,
        bot: Bot,
        sessions: async_sessionmaker[AsyncSession],
        idle_poll: float = 2.0,
        *,
        limiter: RateLimiter | None = None,
        clock: Clock | None = None,
        concurrency: int = CONCURRENCY,
        max_attempts: int = MAX_ATTEMPTS,
        max_backoff: float = MAX_BACKOFF,
        lease: timedelta = outbox.LEASE,
        request_timeout: int = REQUEST_TIMEOUT,
        pager: Pager | None = None,
    ) -> None:
        self.bot = bot
        self.sessions = sessions
        self.idle_poll = idle_poll
        self.limiter = limiter or RateLimiter()
        self.clock = clock or RealClock()
        self.concurrency = concurrency
        self.max_attempts = max_attempts
        self.max_backoff = max_backoff
        self.lease = lease
        self.request_timeout = request_timeout
        self.pager = pager  # None: nobody is paged, and a staff chat's 403 is like anyone's
        self.in_flight: set[int] = set()  # outbox ids whose request may have reached Telegram
        self._fresh: set[int] = set()  # edits sent as new messages (their original never went)
        super().__init__()
        self._slots = asyncio.Semaphore(concurrency)

    def _sleep(self, seconds: float) -> Awaitable[None]:
        return self.clock.sleep(seconds)

    async def take_back(self) -> int:
        """At start: what a killed process of this machine held goes now (storage/leases.py)."""
        async with self.sessions() as session:
            taken = await outbox.take_back(session, self.clock.now())
            await session.commit()
        if taken:
            log.warning(
                "outbox messages of a process that is gone taken back", extra={"count": taken}
            )
        return taken

    async def _run(self) -> None:
        try:
            await self.take_back()
        except Exception:
            log.exception("outbox: taking back the leases of a process that is gone failed")
        while not self._stopping:
            try:
                claimed = await self._round()
            except Exception:
                log.exception("outbox round failed")
                claimed = 0
                delay = self.idle_poll
            else:
                if claimed:
                    continue
                delay = await self._idle_delay()
            self._wake.clear()
            if self._stopping:  # a stop during the round must not be slept over
                break
            await self._sleep_or_wake(delay)

    async def _idle_delay(self) -> float:
        """Until something may become sendable: a postponed message, a chat the limiter holds,
        a lease running out (another worker died), or the next poll."""
        delay = self.idle_poll
        async with self.sessions() as session:
            now = self.clock.now()
            change = await outbox.next_change(session, now)
        if change is not None:
            delay = min(delay, (change - now).total_seconds())
        t = self.clock.monotonic()
        release = self.limiter.next_release(t)
        if release is not None:
            delay = min(delay, release - t)
        return max(delay, 0.001)

    async def deliver_due(self) -> int:
        """One round (see the module doc); returns how many messages Telegram accepted."""
        return await self._round(count_sent=True)

    async def _round(self, count_sent: bool = False) -> int:
        self._wake.clear()  # a wake from here on (new messages) cuts this round short
        t = self.clock.monotonic()
        held = self.limiter.held_chats(t)
        async with self.sessions() as session:
            batch = await outbox.claim_due(
                session,
                limit=self.limiter.global_count,
                now=self.clock.now(),
                lease=self.lease,
                exclude=held,
                chat_interval=timedelta(seconds=self.limiter.per_chat),
                exclude_urgent=self.limiter.held_chats(t, urgent=True),
                holder=this_process(),
            )
            targets = {}
            for message in batch:
                if message.edits is not None:
                    targets[message.id] = await session.get(OutboxMessage, message.edits)
                elif (message.payload or {}).get("reply_to") is not None:  # answers that one
                    targets[message.id] = await session.get(
                        OutboxMessage, message.payload["reply_to"]
                    )
        tasks: list[asyncio.Task[bool]] = []
        unsent = [m.id for m in batch]
        try:
            for index, message in enumerate(batch):
                if self._stopping:
                    break
                if index and self._wake.is_set():
                    # New messages were committed (an urgent alert?): what this round has not
                    # started goes back, and the next claim takes the highest priority first.
                    break
                await self._slots.acquire()
                try:
                    turn = await self._wait_turn(message.chat_id, message.priority > 0)
                except BaseException:
                    self._slots.release()
                    raise
                if not turn:  # woken while waiting for the limits: claim again
                    self._slots.release()
                    break
                slot = self.limiter.reserve(message.chat_id)
                self.in_flight.add(message.id)
                unsent.remove(message.id)
                tasks.append(
                    asyncio.create_task(self._deliver(message, targets.get(message.id), slot))
                )
            results = await asyncio.gather(*tasks)
        finally:
            if unsent:
                async with self.sessions() as session:
                    await outbox.release(session, unsent)
                    await session.commit()
        return sum(results) if count_sent else len(batch)

    async def _wait_turn(self, chat_id: int, urgent: bool = False) -> bool:
        """Until the limits let a request to this chat go (True), or a wake (new messages,
        perhaps more urgent than this one) comes first (False)."""
        while True:
            t = self.clock.monotonic()
            ready = self.limiter.ready_at(chat_id, t, urgent)
            if ready <= t:
                return True
            if self._wake.is_set():
                return False
            await self._sleep_or_wake(ready - t)

    async def _deliver(
        self, message: OutboxMessage, original: OutboxMessage | None, slot: Slot
    ) -> bool:
        try:
            try:
                outcome = await self._request(message, original)
            finally:
                self.limiter.done(slot, self.clock.monotonic())
            async with self.sessions() as session:
                sent = await self._record(session, message, outcome)
                await session.commit()
            return sent
        except Exception:
            log.exception("outbox delivery failed", extra={"outbox_id": message.id})
            return False
        finally:
            self.in_flight.discard(message.id)
            self._fresh.discard(message.id)
            self._slots.release()

    async def _request(self, message: OutboxMessage, original: OutboxMessage | None) -> Any:
        """Telegram's answer, or the exception it raised (dealt with in `_record`)."""
        p = message.payload or {}
        chat, thread = message.chat_id, p.get("message_thread_id")
        markup = _markup(message.reply_markup)
        timeout = (
            min(self.request_timeout, URGENT_TIMEOUT)
            if message.priority > 0
            else self.request_timeout
        )
        try:
            if message.kind == outbox.TEXT:
                reply = None
                if original is not None and original.telegram_message_id is not None:
                    reply = ReplyParameters(
                        message_id=original.telegram_message_id, allow_sending_without_reply=True
                    )
                return await self.bot.send_message(
                    chat,
                    message.text,
                    reply_markup=markup,
                    message_thread_id=thread,
                    reply_parameters=reply,
                    request_timeout=timeout,
                )
            if message.kind == outbox.DOCUMENT:
                document = p.get("file_id") or FSInputFile(p["path"], p.get("file_name"))
                return await self.bot.send_document(
                    chat,
                    document,
                    caption=message.text or None,
                    reply_markup=markup,
                    message_thread_id=thread,
                    request_timeout=timeout,
                )
            if message.kind == outbox.LOCATION:
                return await self.bot.send_location(
                    chat,
                    p["latitude"],
                    p["longitude"],
                    reply_markup=markup,
                    message_thread_id=thread,
                    request_timeout=timeout,
                )
            if message.kind not in outbox.EDITS:
                return ValueError(f"unknown kind {message.kind!r}")
            if original is None:
                return LookupError("the message it edits does not exist")
            if original.telegram_message_id is None:
                return await self._instead_of_edit(message, original, markup)
            target = {"chat_id": chat, "message_id": original.telegram_message_id}
            if message.kind == outbox.EDIT_TEXT:
                return await self.bot.edit_message_text(
                    text=message.text, reply_markup=markup, request_timeout=timeout, **target
                )
            if message.kind == outbox.EDIT_CAPTION:
                return await self.bot.edit_message_caption(
                    caption=message.text, reply_markup=markup, request_timeout=timeout, **target
                )
            return await self.bot.edit_message_reply_markup(
                reply_markup=markup, request_timeout=timeout, **target
            )
        except Exception as error:
            return error

    async def _instead_of_edit(
        self, message: OutboxMessage, original: OutboxMessage, markup: Any
    ) -> Any:
        """The original was never delivered (it failed): the edit's content goes as a new
        message (the card as it is now), in the original's topic. Taking buttons away from a
        message nobody saw needs nothing."""
        p = original.payload or {}
        thread, timeout = p.get("message_thread_id"), self.request_timeout
        if message.kind == outbox.EDIT_MARKUP and markup is None:
            return True
        self._fresh.add(message.id)
        if original.kind == outbox.DOCUMENT:
            document = p.get("file_id") or FSInputFile(p["path"], p.get("file_name"))
            caption = message.text if message.kind == outbox.EDIT_CAPTION else original.text
            return await self.bot.send_document(
                message.chat_id, document, caption=caption or None, reply_markup=markup,
                message_thread_id=thread, request_timeout=timeout,
            )  # fmt: skip
        if original.kind == outbox.LOCATION:
            return await self.bot.send_location(
                message.chat_id, p["latitude"], p["longitude"], reply_markup=markup,
                message_thread_id=thread, request_timeout=timeout,
            )  # fmt: skip
        text = message.text if message.kind == outbox.EDIT_TEXT else original.text
        return await self.bot.send_message(
            message.chat_id, text, reply_markup=markup, message_thread_id=thread,
            request_timeout=timeout,
        )  # fmt: skip

    async def _record(self, session: AsyncSession, message: OutboxMessage, outcome: Any) -> bool:
        metrics.DELIVERIES.labels(delivery_result(outcome)).inc()
        now = self.clock.now()
        ids = {"outbox_id": message.id, "chat_id": message.chat_id}
        if not isinstance(outcome, BaseException):
            # An edit answers True (or the message): the original keeps its id.
            telegram_id = outcome.message_id if isinstance(outcome, Message) else None
            if message.id in self._fresh and message.edits is not None and telegram_id:
                await outbox.stands_for(session, message.edits, telegram_id)  # a new message
            await self._sent(session, message, telegram_id)
            return True
        error = outcome
        text = f"{type(error).__name__}: {error}"
        if isinstance(error, TelegramRetryAfter):
            wait = error.retry_after
            self.limiter.hold(message.chat_id, self.clock.monotonic() + wait)
            await outbox.postpone(
                session, message.id, now + timedelta(seconds=wait), f"429 retry after {wait}"
            )
            log.warning("outbox rate limited", extra={**ids, "retry_after": wait})
        elif isinstance(error, TelegramMigrateToChat):
            await outbox.postpone(
                session, message.id, now, "chat migrated", chat_id=error.migrate_to_chat_id
            )
        elif isinstance(error, RETRIED):
            if message.failures + 1 >= self.max_attempts:
                await outbox.mark_failed(session, message.id, f"gave up: {text}", now)
                log.error("outbox message given up", extra={**ids, "error": text})
                if self.pager is not None and self.pager.watched(message):
                    await self.pager.refused(session, message, f"gave up: {text}")
                    self.wake()
            else:
                due = now + timedelta(seconds=backoff(message.failures, self.max_backoff))
                await outbox.postpone(session, message.id, due, text, failure=True)
                log.warning("outbox delivery will be retried", extra={**ids, "error": text})
        elif isinstance(error, TelegramForbiddenError) and self._staff_chat(message.chat_id):
            probe = min(MAX_PROBE, PROBE * 2 ** min(message.attempts, 5))
            due = now + timedelta(seconds=probe)
            if await outbox.hold_unreachable(session, message.id, message.chat_id, text, due, now):
                assert self.pager is not None
                await self.pager.unreachable(session, message.chat_id, text)
                self.wake()
            log.error("outbox staff chat unreachable", extra={**ids, "error": text})
        elif isinstance(error, TelegramForbiddenError):
            await outbox.mark_unreachable(session, message.id, message.chat_id, text, now)
            log.warning("outbox recipient unreachable", extra={**ids, "error": text})
        elif (
            isinstance(error, TelegramBadRequest)
            and message.kind in outbox.EDITS
            and "message is not modified" in str(error)
        ):
            await self._sent(session, message, None)  # it already reads what the edit says
            return True
        else:
            await outbox.mark_failed(session, message.id, text, now)
            log.error("outbox message refused", extra={**ids, "error": text})
            if self.pager is not None and self.pager.watched(message):
                await self.pager.refused(session, message, text)
                self.wake()
        return False

    def _staff_chat(self, chat_id: int) -> bool:
        return self.pager is not None and self.pager.staff_chat(chat_id) is not None

    async def _sent(
        self, session: AsyncSession, message: OutboxMessage, telegram_id: int | None
    ) -> None:
        await outbox.mark_sent(session, message.id, telegram_id, self.clock.now())
        if await outbox.reachable_again(session, message.chat_id) and self._staff_chat(
            message.chat_id
        ):
            assert self.pager is not None
            await self.pager.reachable(session, message.chat_id)
            self.wake()
        if outbox.continuations(session, message):
            self.wake()  # what was cut off a long message follows it
