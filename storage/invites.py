"""One-time invites, redeemed at most once even when two people try at the same moment."""

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Invite


async def invite_with_token(session: AsyncSession, token: str) -> Invite | None:
    return await session.scalar(select(Invite).where(Invite.token == token))


async def use_invite(
    session: AsyncSession, invite_id: int, telegram_id: int, now: datetime
) -> bool:
    """Mark the invite used by this person, if it still is unused and unexpired."""
    result = await session.execute(
        update(Invite)
        .where(Invite.id == invite_id, Invite.used_by.is_(None), Invite.expires_at > now)
        .values(used_by=telegram_id, used_at=now)
    )
    return result.rowcount == 1


async def decide_invite(
    session: AsyncSession, invite_id: int, admin_id: int, confirmed: bool, now: datetime
) -> bool:
    """The admin who made the invite confirms (or declines) the use of it, once: False if it is
    not theirs, not used yet, or already decided."""
    column = "confirmed_at" if confirmed else "declined_at"
    result = await session.execute(
        update(Invite)
        .where(
            Invite.id == invite_id,
            Invite.created_by == admin_id,
            Invite.used_by.is_not(None),
            Invite.confirmed_at.is_(None),
            Invite.declined_at.is_(None),
        )
        .values({column: now})
    )
    return result.rowcount == 1
