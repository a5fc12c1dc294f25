"""Remembering which Telegram updates have been handled."""

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ProcessedUpdate


async def claim_update(session: AsyncSession, update_id: int) -> bool:
    """Record the update in the caller's transaction; False when it was handled before."""
    if await session.scalar(
        select(ProcessedUpdate.update_id).where(ProcessedUpdate.update_id == update_id)
    ):
        return False
    session.add(ProcessedUpdate(update_id=update_id))
    await session.flush()
    return True


async def forget_updates_before(session: AsyncSession, moment: datetime) -> None:
    """Telegram keeps updates 24 hours at most; older ids can never come back."""
    await session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.at < moment))
