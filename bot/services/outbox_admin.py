"""The admins' view of the outbox: how much waits, what failed and why, who is unreachable, and
putting a failed message back in the queue."""

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.outbox import FailedMessage, OutboxSummary, Unreachable
from storage import outbox
from storage.types import utcnow

SHOWN = 10  # failed messages and unreachable chats listed


class OutboxAdmin:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def summary(self) -> OutboxSummary:
        now = utcnow()
        counts = await outbox.counts(self.session, now)
        failed = await outbox.failed(self.session, SHOWN)
        chats = await outbox.unreachable_chats(self.session, SHOWN)
        oldest = counts.oldest_undelivered
        return OutboxSummary(
            waiting=counts.pending,
            sending=counts.in_flight,
            sent=counts.sent,
            failed=counts.failed,
            oldest_undelivered=None if oldest is None else max(now - oldest, now - now),
            failures=tuple(
                FailedMessage(m.id, m.chat_id, m.kind, m.last_error or "", m.failed_at)
                for m in failed
                if m.failed_at is not None
            ),
            unreachable=tuple(Unreachable(c.chat_id, c.since, c.error) for c in chats),
        )

    async def retry(self, message_id: int) -> bool:
        """Put a failed message back in its chat's queue (one transaction). False when there is
        no such message or it is not failed (already retried, say): nothing changes."""
        done = await outbox.retry(self.session, message_id)
        if done:
            await self.session.commit()
        return done

    async def unreachable(self, chat_ids: list[int]) -> dict[int, Unreachable]:
        """Which of these people or groups the bot cannot reach (for staff screens)."""
        rows = await outbox.unreachable(self.session, chat_ids)
        return {c: Unreachable(r.chat_id, r.since, r.error) for c, r in rows.items()}
