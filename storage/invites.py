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
