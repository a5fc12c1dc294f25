"""Who reads a chat the bot writes to, and in which language: the staff chats of the settings
(the Secretariat's, the commission's, the Presidency's), or a person by their account. For what
the bot says outside an update: a pointer in a cut text, a page to the admins."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.domain.roles import Role
from storage.accounts import staff_accounts
from storage.models import Account

SECRETARIAT, COMMISSION, PRESIDENCY = "secretariat", "commission", "presidency"


class Readers:
    def __init__(self, settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.settings = settings
        self.sessions = sessions

    def staff_chats(self) -> dict[int, tuple[str, str]]:
        """The staff chats: chat id → (which, language)."""
        s = self.settings
        chats = {
            s.presidency_chat_id: (PRESIDENCY, s.presidency_notify_language),
            s.commission_chat_id: (COMMISSION, s.commission_notify_language),
            s.secretariat_chat_id: (SECRETARIAT, s.notify_language),
        }
        return {chat: value for chat, value in chats.items() if chat is not None}

    def staff_chat(self, chat_id: int) -> str | None:
        """ "secretariat", "commission" or "presidency" for those chats, else None."""
        found = self.staff_chats().get(chat_id)
        return found[0] if found else None

    async def language(self, chat_id: int | str | None) -> str:
        default = self.settings.default_language
        if not isinstance(chat_id, int):
            return default
        staff = self.staff_chats().get(chat_id)
        if staff is not None:
            return staff[1]
        if chat_id < 0:
            return default
        async with self.sessions() as session:
            language = await session.scalar(
                select(Account.language).where(Account.telegram_id == chat_id)
            )
        return language or default

    async def admins(self, session: AsyncSession) -> list[tuple[int, str]]:
        """Each admin (ADMIN_IDS and stored admins) with their language, to page them."""
        ids = self.settings.admin_ids
        accounts = await staff_accounts(session, frozenset({Role.ADMIN.value}), ids)
        default = self.settings.default_language
        known = {a.telegram_id: a.language or default for a in accounts}
        for admin in ids:
            known.setdefault(admin, default)
        return sorted(known.items())
